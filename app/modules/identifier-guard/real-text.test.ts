// Text as clinicians really type it: Unicode spaces and digits, dots, spaced letters,
// numbers in words, spelled-out emails, SIN, rooms; the NAM and SIN check digits
// against values computed by hand (not by the functions under test).
import { describe, expect, it } from "vitest";
import { findIdentifiers, isValidNam, luhnValid, parseNumberWords } from "./identifiers";
import { nameLexicon } from "./gazetteer.server";

const found = (text: string, names = false) =>
  findIdentifiers(text, names ? { names: nameLexicon } : {}).map((f) => ({
    kind: f.kind,
    text: text.slice(f.start, f.end),
    certain: f.certain === true,
  }));

describe("NAM check digits computed by hand", () => {
  // TREM 8503 1513 — T=227 R=217 E=197 M=212 (EBCDIC), year 1 9 8 5, sex M=212,
  // month 0 3, day 1 5, admin 1; weights 1,3,7,9,1,7,1,3,4,5,7,6,9,1:
  // 227 + 651 + 1379 + 1908 + 1 + 63 + 8 + 15 + 848 + 0 + 21 + 6 + 45 + 1 = 5173 → 3.
  // (For 2085: 5173 − 87 + 25 = 5111 → 1, so 3 holds for 1985 only.)
  it("TREM85031513 is valid, TREM85031512 is not", () => {
    expect(isValidNam("TREM85031513")).toBe(true);
    expect(isValidNam("TREM 8503 1512")).toBe(false);
  });
  // COTJ 6153 0300 — a woman (month 03 + 50) born 1961-03-03: C=195 O=214 T=227 J=209,
  // 1 9 6 1, F=198, 0 3, 0 3, admin 0:
  // 195 + 642 + 1589 + 1881 + 1 + 63 + 6 + 3 + 792 + 0 + 21 + 0 + 27 + 0 = 5220 → 0.
  it("COTJ61530300 is valid (a woman, 1961)", () => {
    expect(isValidNam("COTJ 6153 0300")).toBe(true);
    expect(isValidNam("COTJ 6153 0301")).toBe(false);
  });
  it("a valid NAM is certain, a well-shaped invalid one is flagged but not certain", () => {
    expect(found("NAM TREM 8503 1513")).toEqual([{ kind: "nam", text: "TREM 8503 1513", certain: true }]);
    expect(found("NAM TREM 8503 1512")).toEqual([{ kind: "nam", text: "TREM 8503 1512", certain: false }]);
  });
  it("finds a NAM written with narrow no-break spaces, dots or full-width digits", () => {
    expect(found("carte TREM\u202F8503\u202F1513")[0]).toMatchObject({ kind: "nam", text: "TREM\u202F8503\u202F1513" });
    expect(found("carte TREM.8503.1513")[0]).toMatchObject({ kind: "nam", text: "TREM.8503.1513" });
    expect(found("carte ＴＲＥＭ８５０３１５１３")[0]).toMatchObject({ kind: "nam", text: "ＴＲＥＭ８５０３１５１３", certain: true });
    expect(found("carte T R E M 8 5 0 3 1 5 1 3")[0]).toMatchObject({ kind: "nam", certain: true });
  });
});

describe("SIN (NAS)", () => {
  // 046 454 286: doubling every second digit from the right gives 0 8 6 8 5 8 2 7 6 (8→16→7): sum 50.
  it("checks the Luhn digit by hand", () => {
    expect(luhnValid("046454286")).toBe(true);
    expect(luhnValid("046454287")).toBe(false);
  });
  it("a valid SIN is certain with or without its word; a SIN word makes an invalid one a finding", () => {
    expect(found("son NAS : 046 454 286")).toEqual([{ kind: "sin", text: "046 454 286", certain: true }]);
    expect(found("SIN 046-454-287")).toEqual([{ kind: "sin", text: "046-454-287", certain: false }]);
  });
});

describe("text as it is typed", () => {
  it.each([
    ["418\u202F555\u202F1234", "phone"],
    ["418\u00A0555\u00A01234", "phone"],
    ["418\u2009555\u20091234", "phone"],
    ["418 555 12 34", "phone"],
    ["418.555.12.34", "phone"],
    ["٤١٨-٥٥٥-١٢٣٤", "phone"],
    ["G1R\u202F2B5", "postal_code"],
    ["jtremblay arobase gmail point com", "email"],
    ["j.tremblay (at) hotmail (dot) ca", "email"],
    ["rue Beaubien, au numéro 4520", "address"],
    ["sur la rue Ontario au 2100", "address"],
    ["chambre 412", "room_number"],
    ["room 12B", "room_number"],
    ["le trois mars mil neuf cent soixante et un", "date"],
    ["née en mars 61", "date_of_birth"],
    ["quatre-vingt-douze ans", "age_over_89"],
    ["ninety-two years old", "age_over_89"],
    ["born on March third, nineteen sixty-one", "date_of_birth"],
  ])("%s → %s", (text, kind) => {
    const f = found(`Note : ${text}.`);
    expect(f.map((x) => x.kind)).toContain(kind);
    expect(f.some((x) => text.includes(x.text) || x.text.includes(text.split(" ").at(-1)!))).toBe(true);
  });
  it("reads numbers written in words", () => {
    expect(parseNumberWords("quatre-vingt-douze")).toBe(92);
    expect(parseNumberWords("mil neuf cent soixante et un")).toBe(1961);
    expect(parseNumberWords("soixante-dix-sept")).toBe(77);
    expect(parseNumberWords("nineteen sixty-one")).toBe(1961);
    expect(parseNumberWords("two thousand and five")).toBe(2005);
  });
  it("a full date of birth is certain, a year of birth is not", () => {
    expect(found("née le 3 mars 1961")).toEqual([{ kind: "date_of_birth", text: "3 mars 1961", certain: true }]);
    expect(found("née en 1961")).toEqual([{ kind: "date_of_birth", text: "1961", certain: false }]);
  });
  it("an email address is certain", () => {
    expect(found("écrire à j.t@exemple.ca")).toEqual([{ kind: "email", text: "j.t@exemple.ca", certain: true }]);
  });
  it("offsets point into the original text after astral characters and no-break spaces", () => {
    const text = "😀\u202F😀 tél.\u202F418\u202F555\u202F1234";
    const [f] = findIdentifiers(text);
    expect(text.slice(f!.start, f!.end)).toBe("418\u202F555\u202F1234");
  });
});

describe("names in their frames", () => {
  it.each([
    ["sa conjointe Josée est venue", "Josée"],
    ["son père Réjean a appelé", "Réjean"],
    ["sa coloc Mélanie", "Mélanie"],
    ["Pt: Gagnon", "Gagnon"],
    ["Patiente : Sylvie Tremblay", "Sylvie Tremblay"],
    ["Client name: Dave Miller", "Dave Miller"],
    ["Mme L. Tremblay", "L. Tremblay"],
    ["MME TREMBLAY", "TREMBLAY"],
    ["madame Tremblay", "Tremblay"],
    ["Mme. Côté", "Côté"],
    ["la docteure Paquette", "Paquette"],
    ["l'intervenant a revu Marc hier", "Marc"],
    ["her husband Dave came", "Dave"],
    ["il s'appelle marc", "marc"],
    ["J. Tremblay a rechuté", "J. Tremblay"],
  ])("%s → %s", (text, name) => {
    expect(found(text)).toContainEqual({ kind: "name", text: name, certain: false });
  });
  it.each([
    ["Julie a rechuté hier.", "Julie"],
    ["Vu avec Sylvain Tremblay ce matin.", "Sylvain Tremblay"],
    ["Tremblay, Sylvain", "Tremblay, Sylvain"],
    ["sa conjointe julie est venue", "julie"],
  ])("with the gazetteer: %s → %s", (text, name) => {
    expect(found(text, true)).toContainEqual({ kind: "name", text: name, certain: false });
  });
  it.each([
    "Madame accepte le suivi.",
    "Suboxone 16 mg, Narcan remis.",
    "Référée au CLSC de Verdun et à Cactus Montréal.",
    "Vit dans la rue depuis 2 ans.",
    "L'infirmière et le travailleur social ont revu le plan.",
    "Monsieur refuse la méthadone.",
    "Région de l'Outaouais, Abitibi et Nunavik.",
    "Suivi par Dopamine et Spectre de rue.",
    "QTc 480 ms. Tél. de la ligne publique.",
  ])("leaves clinical vocabulary alone: %s", (text) => {
    expect(found(text, true)).toEqual([]);
  });
});
