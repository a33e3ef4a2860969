import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { analyseNam, ebcdic, excerptOf, findIdentifiers, isValidNam, namCheckDigit } from "./identifiers";

const found = (text: string) => findIdentifiers(text).map((f) => ({ kind: f.kind, text: text.slice(f.start, f.end) }));

// Builds a NAM with the right check digit (the reference construction the detector must agree with).
function makeNam(letters: string, year: number, sex: "M" | "F", month: number, day: number, admin: string): string {
  const check = namCheckDigit(letters, year, sex, month, day, admin);
  const mm = String(sex === "F" ? month + 50 : month).padStart(2, "0");
  return `${letters}${String(year % 100).padStart(2, "0")}${mm}${String(day).padStart(2, "0")}${admin}${check}`;
}

describe("EBCDIC and the NAM check digit", () => {
  it("maps letters to EBCDIC codes", () => {
    expect([ebcdic("A"), ebcdic("I"), ebcdic("J"), ebcdic("R"), ebcdic("S"), ebcdic("Z")]).toEqual([193, 201, 209, 217, 226, 233]);
    expect(ebcdic("m")).toBe(212);
    expect(ebcdic("F")).toBe(198);
    expect(() => ebcdic("1")).toThrow();
  });

  it("computes the weighted sum by hand for one example", () => {
    // TREM, born 1985-03-15, man, admin 1:
    // T=227 R=217 E=197 M=212 | 1 9 8 5 | M=212 | 0 3 | 1 5 | 1
    const values = [227, 217, 197, 212, 1, 9, 8, 5, 212, 0, 3, 1, 5, 1];
    const weights = [1, 3, 7, 9, 1, 7, 1, 3, 4, 5, 7, 6, 9, 1];
    const expected = values.reduce((s, v, i) => s + v * weights[i]!, 0) % 10;
    expect(namCheckDigit("TREM", 1985, "M", 3, 15, "1")).toBe(expected);
    expect(isValidNam(`TREM8503151${expected}`)).toBe(true);
    expect(isValidNam(`TREM8503151${(expected + 1) % 10}`)).toBe(false);
  });

  it("uses the real month and the sex letter for women (+50)", () => {
    const nam = makeNam("GAGM", 1972, "F", 11, 30, "2");
    expect(nam.slice(6, 8)).toBe("61");
    expect(isValidNam(nam)).toBe(true);
    expect(analyseNam(nam)).toEqual({ dateValid: true, checkValid: true });
  });

  it("tries both centuries", () => {
    const nam = makeNam("BOUL", 2004, "M", 2, 29, "1"); // 29 February 2004 (1904 was also leap)
    expect(isValidNam(nam)).toBe(true);
    const y2k = makeNam("LAPS", 2003, "F", 6, 1, "1");
    expect(isValidNam(y2k)).toBe(true);
  });

  it("rejects impossible embedded dates", () => {
    expect(analyseNam("TREM85131512").dateValid).toBe(false); // month 13
    expect(analyseNam("TREM85631512").dateValid).toBe(false); // month 63
    expect(analyseNam("TREM85023012").dateValid).toBe(false); // 30 February
    expect(analyseNam("TREM85003012").dateValid).toBe(false); // month 00
    expect(analyseNam("TREM85520012").dateValid).toBe(false); // day 00
    expect(analyseNam("TREM85022912").dateValid).toBe(false); // 29 Feb 1985 / 2085
  });

  it("is a 10-value check: a single changed digit of the date changes the check digit or the date", () => {
    fc.assert(
      fc.property(namArb, (nam) => {
        const check = Number(nam[11]);
        const wrong = nam.slice(0, 11) + String((check + 1) % 10);
        expect(analyseNam(wrong).checkValid).toBe(false);
      }),
    );
  });
});

const letter = fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZ");
const namParts = fc.record({
  letters: fc.tuple(letter, letter, letter, letter).map((l) => l.join("")),
  year: fc.integer({ min: 1925, max: 2024 }),
  sex: fc.constantFrom("M" as const, "F" as const),
  month: fc.integer({ min: 1, max: 12 }),
  day: fc.integer({ min: 1, max: 28 }),
  admin: fc.constantFrom(..."0123456789"),
});
const namArb = namParts.map((p) => makeNam(p.letters, p.year, p.sex, p.month, p.day, p.admin));

// Clinical phrases that must never be flagged (also used as the property generator).
const CLINICAL = [
  "méthadone 80 mg die",
  "buprénorphine/naloxone 16/4 mg",
  "buprénorphine-naloxone 8/2 mg SL",
  "TAO depuis 2019",
  "TAO depuis mars",
  "dose de 12/03",
  "3 semaines",
  "depuis 2019",
  "sevrage il y a 6 mois",
  "code postal du CLSC",
  "CIUSSS du Centre-Sud-de-l'Île-de-Montréal",
  "CISSS de la Montérégie-Centre",
  "région 09 Côte-Nord",
  "Abitibi-Témiscamingue",
  "Saguenay–Lac-Saint-Jean",
  "centre de réadaptation en dépendance",
  "groupe de médecine de famille",
  "pharmacie communautaire",
  "travail de rue",
  "milieu de détention",
  "urgence",
  "fentanyl fumé",
  "hydromorphone 8 mg q4h",
  "naloxone intranasale 4 mg",
  "VIH+ et VHC traité",
  "trouble anxieux",
  "dans la quarantaine",
  "homme dans la trentaine",
  "femme de 40 à 49 ans",
  "45 ans",
  "89 ans",
  "itinérance",
  "logement supervisé",
  "QTc 480 ms",
  "ECG le mois dernier",
  "no show à deux rendez-vous",
  "suivi aux 2 semaines",
  "doses de 60 à 120 mg",
  "kétamine 0,5 mg/kg",
  "score COWS 12",
  "no 80 mg",
  "prise quotidienne observée",
  "opioid use disorder since 2019",
  "methadone 80 mg daily",
  "slow-release oral morphine 200 mg",
  "she may need a higher dose",
  "injectable opioid agonist treatment",
  "a man in his fifties",
  "urine drug screen positive for fentanyl",
];

type Row = [text: string, kind: string, match: string];

const POSITIVES: Row[] = [
  // NAM / RAMQ
  ["NAM TREM85031512", "nam", "TREM85031512"],
  ["carte soleil TREM 8503 1512", "nam", "TREM 8503 1512"],
  [`RAMQ: ${makeNam("GAGM", 1972, "F", 11, 30, "2").toLowerCase()}`, "nam", makeNam("GAGM", 1972, "F", 11, 30, "2").toLowerCase()],
  [
    `${makeNam("ROYJ", 1990, "M", 7, 4, "1").replace(/^(\w{4})(\d\d)(\d\d)(\d\d)(\d\d)$/, "$1 $2 $3 $4 $5")} au dossier`,
    "nam",
    makeNam("ROYJ", 1990, "M", 7, 4, "1").replace(/^(\w{4})(\d\d)(\d\d)(\d\d)(\d\d)$/, "$1 $2 $3 $4 $5"),
  ],
  ["health card BOUM 6652 2813", "nam", "BOUM 6652 2813"],
  // record numbers
  ["dossier 1234567", "record_number", "1234567"],
  ["numéro de dossier : 00-123456", "record_number", "00-123456"],
  ["dossier médical no 445566", "record_number", "445566"],
  ["no 123456 à l'hôpital", "record_number", "123456"],
  ["n° 778899", "record_number", "778899"],
  ["# 45678", "record_number", "45678"],
  ["chart #A-99812", "record_number", "A-99812"],
  ["MRN 55512345", "record_number", "55512345"],
  // phones
  ["tél. 514 555-1234", "phone", "514 555-1234"],
  ["(418) 555-0199 poste 2231", "phone", "(418) 555-0199 poste 2231"],
  ["1-800-555-1234", "phone", "1-800-555-1234"],
  ["+1 819.555.0000", "phone", "+1 819.555.0000"],
  ["call 450-555-1234 ext. 12", "phone", "450-555-1234 ext. 12"],
  ["cell: 5145551234", "phone", "5145551234"],
  ["téléphone 555-1234", "phone", "555-1234"],
  // emails
  ["écrire à jean.tremblay@exemple.qc.ca svp", "email", "jean.tremblay@exemple.qc.ca"],
  ["mail j_t+cas@hopital.ca.", "email", "j_t+cas@hopital.ca"],
  // postal codes
  ["habite au H2X 1Y4", "postal_code", "H2X 1Y4"],
  ["code postal g1r4p5", "postal_code", "g1r4p5"],
  ["J8Y-3K2", "postal_code", "J8Y-3K2"],
  ["moved to M5V 2T6", "postal_code", "M5V 2T6"],
  // dates
  ["vu le 12 mars 2024", "date", "12 mars 2024"],
  ["le 1er janvier", "date", "1er janvier"],
  ["le 3 févr. 2023", "date", "3 févr. 2023"],
  ["hospitalisé le 14 août", "date", "14 août"],
  ["2024-03-12", "date", "2024-03-12"],
  ["12/03/24", "date", "12/03/24"],
  ["12/03/2024", "date", "12/03/2024"],
  ["03.12.2024", "date", "03.12.2024"],
  ["seen on March 12, 2024", "date", "March 12, 2024"],
  ["on the 3rd of June", "date", "3rd of June"],
  ["admitted Dec 5", "date", "Dec 5"],
  ["May 12, 2024", "date", "May 12, 2024"],
  // dates of birth
  ["né le 12 mars 1985", "date_of_birth", "12 mars 1985"],
  ["DDN: 1985-03-12", "date_of_birth", "1985-03-12"],
  ["date de naissance 03/12/85", "date_of_birth", "03/12/85"],
  ["née en 1985", "date_of_birth", "1985"],
  ["née en mars 1985", "date_of_birth", "mars 1985"],
  ["DOB 12/03", "date_of_birth", "12/03"],
  ["born on March 3rd, 1990", "date_of_birth", "March 3rd, 1990"],
  // addresses
  ["habite au 1234, rue Saint-Denis", "address", "1234, rue Saint-Denis"],
  ["4500 boul. Henri-Bourassa", "address", "4500 boul. Henri-Bourassa"],
  ["12 avenue des Pins", "address", "12 avenue des Pins"],
  ["lives at 123 Main Street", "address", "123 Main Street"],
  ["55 Queen St. in town", "address", "55 Queen St."],
  // ages over 89
  ["patiente de 92 ans", "age_over_89", "92 ans"],
  ["âgée de 95 ans", "age_over_89", "95 ans"],
  ["a 101-year-old man", "age_over_89", "101-year-old"],
  ["aged 93", "age_over_89", "93"],
  // names
  ["Mme Tremblay refuse", "name", "Tremblay"],
  ["M. Jean Gagnon", "name", "Jean Gagnon"],
  ["Monsieur Côté", "name", "Côté"],
  ["Madame Lévesque-Roy", "name", "Lévesque-Roy"],
  ["suivie par la Dre Bouchard", "name", "Bouchard"],
  ["Dr Lavoie", "name", "Lavoie"],
  ["elle s'appelle Julie", "name", "Julie"],
  ["il s’appelle marc", "name", "marc"],
  ["une femme nommée Marie", "name", "Marie"],
  ["nommé(e) Alex", "name", "Alex"],
  ["prénom : Luc", "name", "Luc"],
  ["Mrs. Smith", "name", "Smith"],
  ["his name is John", "name", "John"],
  ["a man named Peter", "name", "Peter"],
];

const NEGATIVES: string[] = [
  ...CLINICAL,
  "Mme X. est suivie en GMF",
  "ne s'appelle pas ainsi",
  "nommée par le tribunal",
  "Madame a repris sa dose",
  "dossier complet à venir",
  "no 3",
  "# 12",
  "depuis le mois de mars",
  "en avril 2023",
  "ABCD 1234 5678", // month 34: not a date, not a NAM
  "2019-2024",
  "3/4 des patients",
  "8 à 12 mg/jour",
  "90 mg de méthadone",
  "95 % d'adhésion",
  "dans la soixantaine",
  "patients may 12 weeks later respond",
  "H2X est un code incomplet",
  "TAO",
  "CIUSSS",
  "CLSC de Hochelaga",
  "Montréal, Laval, Québec, Gaspésie",
  "prénom non mentionné",
];

describe("findIdentifiers: positives", () => {
  it.each(POSITIVES)("%s → %s", (text, kind, match) => {
    const findings = found(text);
    expect(findings).toContainEqual({ kind, text: match });
  });
});

describe("findIdentifiers: negatives (clinical content passes)", () => {
  it.each(NEGATIVES.map((t) => [t]))("%s", (text) => {
    expect(found(text)).toEqual([]);
  });
});

describe("offsets", () => {
  it("counts UTF-16 code units (emoji and accents before the match)", () => {
    const text = "🙂 Élève à l’école — téléphone 514 555-1234 😀 fin";
    const [f] = findIdentifiers(text);
    expect(f).toBeDefined();
    const start = text.indexOf("514");
    expect(f).toEqual({ kind: "phone", start, end: start + "514 555-1234".length });
    // The emoji is 2 code units: the offset is not the code-point index.
    expect(start).toBe([...text].findIndex((c, i, a) => a.slice(0, i).join("").length === start) + 1);
  });

  it("gives exact offsets for a NAM after astral characters", () => {
    const nam = makeNam("PELC", 1968, "F", 4, 9, "1");
    const text = `👩‍⚕️🧪 Note: ${nam}.`;
    expect(findIdentifiers(text)).toEqual([{ kind: "nam", start: text.indexOf(nam), end: text.indexOf(nam) + 12, certain: true }]);
  });

  it("merges overlapping findings into one span", () => {
    const text = "date de naissance : 12 mars 1985";
    expect(found(text)).toEqual([{ kind: "date_of_birth", text: "12 mars 1985" }]);
    const overlap = "no 514 555-1234";
    const f = findIdentifiers(overlap);
    expect(f).toHaveLength(1);
    expect(overlap.slice(f[0]!.start, f[0]!.end)).toBe("514 555-1234");
  });

  it("returns sorted, non-overlapping spans", () => {
    const text = "Mme Tremblay, 92 ans, H2X 1Y4, 514-555-1234, né le 3 mai 1931, j@x.ca";
    const f = findIdentifiers(text);
    expect(f.map((x) => x.kind)).toEqual(["name", "age_over_89", "postal_code", "phone", "date_of_birth", "email"]);
    for (let i = 1; i < f.length; i++) expect(f[i]!.start).toBeGreaterThanOrEqual(f[i - 1]!.end);
  });

  it("gives excerpts for lists without JavaScript", () => {
    const text = "Le patient habite au H2X 1Y4 depuis longtemps.";
    const [f] = findIdentifiers(text);
    expect(excerptOf(text, f!, 10)).toEqual({ before: "…habite au ", match: "H2X 1Y4", after: " depuis lo…" });
  });
});

describe("a realistic vignette", () => {
  const vignette = `Question pour le groupe : comment ajuster le TAO d'une personne qui consomme du fentanyl fumé malgré méthadone 80 mg die?

Homme dans la trentaine, en situation d'itinérance intermittente à Montréal (région 06), suivi en GMF et par une équipe de travail de rue du CIUSSS. TAO depuis 2019, plusieurs arrêts. Méthadone augmentée de 60 à 80 mg il y a 3 semaines; QTc 470 ms à l'ECG. Consommation de fentanyl fumé 3-4 fois par semaine, cristal occasionnel. VHC traité en 2021. Trouble anxieux, pas de suivi en santé mentale.

Essais : doses fractionnées envisagées, buprénorphine/naloxone 16/4 mg tentée en 2022 (sevrage précipité), morphine orale à libération prolongée discutée. Naloxone remise. No show à deux rendez-vous le mois dernier; dose de 12/03 manquée.

Questions : hausse de méthadone au-delà de 100 mg? Passage à la morphine à libération lente (Kadian) ou à l'hydromorphone injectable? Rôle du centre de réadaptation en dépendance?`;

  it("has zero false positives", () => {
    expect(found(vignette)).toEqual([]);
  });

  it("finds what a careless author adds to it", () => {
    const nam = makeNam("TREJ", 1987, "M", 3, 12, "1");
    const careless = `${vignette}\nM. Jean Tremblay (${nam}), né le 12 mars 1987, joindre au 514 555-1234.`;
    expect(found(careless)).toEqual([
      { kind: "name", text: "Jean Tremblay" },
      { kind: "nam", text: nam },
      { kind: "date_of_birth", text: "12 mars 1987" },
      { kind: "phone", text: "514 555-1234" },
    ]);
  });
});

describe("properties", () => {
  const clinical = fc.constantFrom(...CLINICAL);
  const clinicalText = fc.array(clinical, { minLength: 0, maxLength: 6 }).map((parts) => parts.join(". "));

  it("a generated NAM with its check digit validates", () => {
    fc.assert(
      fc.property(namArb, (nam) => isValidNam(nam)),
      { numRuns: 500 },
    );
  });

  it("a valid NAM inserted into clinical text is found at the right offsets, in every written form", () => {
    const form = fc.constantFrom("compact", "spaced", "lower", "lowerSpaced");
    fc.assert(
      fc.property(clinicalText, namArb, form, clinicalText, (before, nam, f, after) => {
        let written = nam;
        if (f === "spaced" || f === "lowerSpaced") written = `${nam.slice(0, 4)} ${nam.slice(4, 8)} ${nam.slice(8)}`;
        if (f === "lower" || f === "lowerSpaced") written = written.toLowerCase();
        const prefix = before ? `${before}. NAM ` : "NAM ";
        const text = `${prefix}${written}${after ? `. ${after}` : ""}`;
        const findings = findIdentifiers(text);
        expect(findings).toEqual([{ kind: "nam", start: prefix.length, end: prefix.length + written.length, certain: true }]);
      }),
      { numRuns: 400 },
    );
  });

  it("pure clinical phrases are never flagged", () => {
    fc.assert(
      fc.property(clinicalText, (text) => findIdentifiers(text).length === 0),
      { numRuns: 400 },
    );
  });

  it("never throws and returns sorted in-bounds non-overlapping spans for any string", () => {
    const anyText = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.string({ unit: "grapheme", maxLength: 200 }),
      fc.string({ unit: "binary", maxLength: 200 }),
      fc
        .array(fc.oneof(clinical, namArb, fc.constantFrom("514 555-1234", "H2X 1Y4", "12 mars", "Mme Roy", "🙂", "dossier 99999", " ")))
        .map((p) => p.join(" ")),
    );
    fc.assert(
      fc.property(anyText, (text) => {
        const f = findIdentifiers(text);
        let last = 0;
        for (const x of f) {
          expect(Number.isInteger(x.start) && Number.isInteger(x.end)).toBe(true);
          expect(x.start).toBeGreaterThanOrEqual(last);
          expect(x.end).toBeGreaterThan(x.start);
          expect(x.end).toBeLessThanOrEqual(text.length);
          last = x.end;
        }
      }),
      { numRuns: 500 },
    );
  });

  it("is pure: same input, same output", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (t) => {
        expect(findIdentifiers(t)).toEqual(findIdentifiers(t));
      }),
    );
  });

  it("finds a generated phone number anywhere in clinical text", () => {
    const phone = fc
      .tuple(fc.integer({ min: 200, max: 999 }), fc.integer({ min: 200, max: 999 }), fc.integer({ min: 0, max: 9999 }))
      .map(([a, b, c]) => `${a} ${b}-${String(c).padStart(4, "0")}`);
    fc.assert(
      fc.property(clinicalText, phone, (before, p) => {
        const prefix = before ? `${before}. Tél. ` : "Tél. ";
        const text = `${prefix}${p}.`;
        expect(findIdentifiers(text)).toEqual([{ kind: "phone", start: prefix.length, end: prefix.length + p.length }]);
      }),
    );
  });
});

// Precision and recall on the table above, printed for decision 009 and the closing
// note. A positive row counts as found only when a finding has the expected kind and
// exactly the expected text; any other finding (in a positive row or a negative
// phrase) counts as a false positive.
describe("precision and recall on our own table", () => {
  it("prints and bounds them", () => {
    let truePositives = 0;
    let falsePositives = 0;
    for (const [text, kind, match] of POSITIVES) {
      const findings = found(text);
      const hit = findings.some((f) => f.kind === kind && f.text === match);
      if (hit) truePositives += 1;
      falsePositives += findings.filter((f) => !(f.kind === kind && f.text === match)).length;
    }
    for (const text of NEGATIVES) falsePositives += found(text).length;
    const precision = truePositives / (truePositives + falsePositives);
    const recall = truePositives / POSITIVES.length;
    console.log(
      JSON.stringify({
        bench: "cases.identifier_guard",
        positives: POSITIVES.length,
        negatives: NEGATIVES.length,
        truePositives,
        falsePositives,
        falseNegatives: POSITIVES.length - truePositives,
        precision,
        recall,
      }),
    );
    expect(recall).toBeGreaterThanOrEqual(0.95);
    expect(precision).toBeGreaterThanOrEqual(0.95);
  });
});
