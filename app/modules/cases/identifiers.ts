// The identifier guard (issue 5, decision 009): finds things in free text that could
// identify a patient, so that a case, reply, recommendation or follow-up containing
// one is refused before anything is stored.
//
// Pure (no I/O, no Date.now()): the same function runs on the server on every save and
// can run in the browser to highlight findings. Offsets are UTF-16 code units, exactly
// as JavaScript's String indexes count them (an emoji before a match counts for 2).
//
// Bias: recall first for identifiers that are unambiguous in shape (NAM, phone, email,
// postal code, full dates), but every detector is anchored on a shape or an
// introducing word so that clinical content ("méthadone 80 mg", "3 semaines",
// "depuis 2019", "TAO depuis mars", "dose de 12/03", "CIUSSS", region names) passes.

export type IdentifierKind =
  | "nam"
  | "record_number"
  | "phone"
  | "email"
  | "postal_code"
  | "date_of_birth"
  | "date"
  | "address"
  | "age_over_89"
  | "name";

export type IdentifierFinding = { kind: IdentifierKind; start: number; end: number };

// When two findings overlap, the merged one keeps the kind listed first here.
const KIND_PRIORITY: readonly IdentifierKind[] = [
  "nam", "email", "date_of_birth", "phone", "postal_code", "record_number", "address", "date", "age_over_89", "name",
];

// ── NAM / RAMQ ─────────────────────────────────────────────────────────────
// LLLL YYMM DDAC: three letters of the family name + first letter of the given name,
// two-digit birth year, month (+50 for women), day, an administrative character and a
// check digit. Check digit: Σ value × weight mod 10 over 14 values — the EBCDIC codes
// of the four letters, the four digits of the birth year, the EBCDIC code of the sex
// letter (M/F), the two digits of the real month, the two digits of the day and the
// administrative character — with weights 1,3,7,9,1,7,1,3,4,5,7,6,9,1. The century is
// not in the number, so both 19xx and 20xx are tried.

const NAM_WEIGHTS = [1, 3, 7, 9, 1, 7, 1, 3, 4, 5, 7, 6, 9, 1] as const;

/** EBCDIC code of an upper-case Latin letter (A–I 193–201, J–R 209–217, S–Z 226–233). */
export function ebcdic(letter: string): number {
  const c = letter.toUpperCase().charCodeAt(0) - 65;
  if (!(c >= 0 && c < 26) || letter.length !== 1) throw new RangeError(`not a letter: ${letter}`);
  if (c <= 8) return 193 + c; // A–I
  if (c <= 17) return 209 + (c - 9); // J–R
  return 226 + (c - 18); // S–Z
}

function digitValue(ch: string): number {
  // The administrative character is normally a digit; a letter counts by its EBCDIC code.
  return /[0-9]/.test(ch) ? Number(ch) : ebcdic(ch);
}

/**
 * Check digit of a NAM for one century.
 * letters: 4 letters; fullYear: e.g. 1985; sex: "M" | "F"; month: 1–12 (real month);
 * day: 1–31; admin: the 11th character.
 */
export function namCheckDigit(letters: string, fullYear: number, sex: "M" | "F", month: number, day: number, admin: string): number {
  const values: number[] = [
    ...[...letters.toUpperCase()].map(ebcdic),
    ...String(fullYear).padStart(4, "0").split("").map(Number),
    ebcdic(sex),
    ...String(month).padStart(2, "0").split("").map(Number),
    ...String(day).padStart(2, "0").split("").map(Number),
    digitValue(admin),
  ];
  if (values.length !== NAM_WEIGHTS.length) throw new RangeError("malformed NAM parts");
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]! * NAM_WEIGHTS[i]!;
  return sum % 10;
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function validDay(year: number | null, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  if (month === 2 && year !== null && !isLeap(year)) return day <= 28;
  return day <= DAYS_IN_MONTH[month - 1]!;
}

export type NamAnalysis = {
  /** The embedded date is a real date in at least one century (month 01–12 or 51–62). */
  dateValid: boolean;
  /** The check digit matches for at least one century where the date is valid. */
  checkValid: boolean;
};

/** Analyse a 12-character NAM (4 letters + 8 digits, separators removed). */
export function analyseNam(compact: string): NamAnalysis {
  const m = /^([A-Za-z]{4})(\d{2})(\d{2})(\d{2})([0-9A-Za-z])(\d)$/.exec(compact);
  if (!m) return { dateValid: false, checkValid: false };
  const [, letters, yy, mmRaw, dd, admin, check] = m as unknown as [string, string, string, string, string, string, string];
  let month = Number(mmRaw);
  let sex: "M" | "F" = "M";
  if (month >= 51 && month <= 62) {
    month -= 50;
    sex = "F";
  }
  const day = Number(dd);
  let dateValid = false;
  let checkValid = false;
  for (const century of [1900, 2000]) {
    const year = century + Number(yy);
    if (!validDay(year, month, day)) continue;
    dateValid = true;
    if (namCheckDigit(letters, year, sex, month, day, admin) === Number(check)) checkValid = true;
  }
  return { dateValid, checkValid };
}

/** True when the text (spaces and hyphens ignored) is a NAM with a valid date and check digit. */
export function isValidNam(text: string): boolean {
  const a = analyseNam(text.replace(/[\s-]/g, ""));
  return a.dateValid && a.checkValid;
}

// Letters, then digits in the usual groupings (LLLL YYMM DDAC) or any single
// spaces/hyphens between pairs. The 11th character is allowed to be a letter too.
const SEP = "[ \\u00A0\\-]?";
const NAM_RE = new RegExp(
  `(?<![\\p{L}\\p{N}])([A-Za-z]{4})${SEP}(\\d{2})${SEP}(\\d{2})${SEP}(\\d{2})${SEP}([0-9A-Za-z])(\\d)(?![\\p{L}\\p{N}])`,
  "gu",
);

function findNams(text: string, out: IdentifierFinding[]): void {
  for (const m of text.matchAll(NAM_RE)) {
    const raw = m[0];
    const compact = raw.replace(/[\s\u00A0-]/g, "");
    const { dateValid, checkValid } = analyseNam(compact);
    if (!dateValid) continue;
    const upper = /^[A-Z]{4}/.test(compact) && !/[a-z]/.test(compact.slice(10));
    // Canonical shapes: "ABCD12345678" or "ABCD 1234 5678".
    const canonical = /^[A-Z]{4}(\d{8}|[ \u00A0-]\d{4}[ \u00A0-]\d{2}[0-9A-Z]\d|\d{6}[0-9A-Z]\d)$/.test(raw);
    // Upper-case canonical forms are flagged on shape + date alone (a mistyped check
    // digit is still somebody's number); lower-case or oddly spaced forms need the
    // check digit to agree, which keeps ordinary words followed by numbers out.
    if ((upper && canonical) || checkValid) out.push({ kind: "nam", start: m.index!, end: m.index! + raw.length });
  }
}

// ── Phone numbers ──────────────────────────────────────────────────────────
// North American numbers: optional +1/1, area code (optionally in parentheses),
// exchange, line; separators space, dot or hyphen; optional extension.
const PHONE_RE =
  /(?<![\p{L}\p{N}+])(?:\+?1[ .\-\u00A0]?)?(?:\([2-9]\d{2}\)|[2-9]\d{2})[ .\-\u00A0]?[2-9]\d{2}[ .\-\u00A0]?\d{4}(?:\s*(?:,\s*)?(?:#|x|ext\.?|extension|poste|p\.)\s*\d{1,6})?(?![\p{L}\p{N}])/giu;
// A bare 7-digit local number ("555-1234") only when introduced by a phone word.
const LOCAL_PHONE_RE =
  /(?<![\p{L}])(?:t[ée]l[ée]phone|t[ée]l\.?|cell(?:ulaire)?|phone|cell phone|mobile|num[ée]ro de t[ée]l[ée]phone|joindre au|rejoindre au|call)\s*[:.]?\s*(?:au\s+)?([2-9]\d{2}[ .\-]\d{4})(?!\d)/giu;

function findPhones(text: string, out: IdentifierFinding[]): void {
  for (const m of text.matchAll(PHONE_RE)) out.push({ kind: "phone", start: m.index!, end: m.index! + m[0].length });
  for (const m of text.matchAll(LOCAL_PHONE_RE)) {
    const start = m.index! + m[0].length - m[1]!.length;
    out.push({ kind: "phone", start, end: start + m[1]!.length });
  }
}

// ── Emails ─────────────────────────────────────────────────────────────────
const EMAIL_RE = /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;

function findEmails(text: string, out: IdentifierFinding[]): void {
  for (const m of text.matchAll(EMAIL_RE)) out.push({ kind: "email", start: m.index!, end: m.index! + m[0].length });
}

// ── Canadian postal codes ──────────────────────────────────────────────────
// A1A 1A1: first letter one of ABCEGHJKLMNPRSTVXY, no D F I O Q U anywhere, no W Z in
// first position. With or without the space (or a hyphen), either case.
const POSTAL_RE =
  /(?<![\p{L}\p{N}])[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z][ \u00A0-]?\d[ABCEGHJ-NPRSTV-Z]\d(?![\p{L}\p{N}])/giu;

function findPostalCodes(text: string, out: IdentifierFinding[]): void {
  for (const m of text.matchAll(POSTAL_RE)) out.push({ kind: "postal_code", start: m.index!, end: m.index! + m[0].length });
}

// ── Dates ──────────────────────────────────────────────────────────────────
const FR_MONTHS = new Map<string, number>([
  ["janvier", 1], ["janv", 1], ["février", 2], ["fevrier", 2], ["févr", 2], ["fevr", 2], ["fév", 2], ["fev", 2],
  ["mars", 3], ["avril", 4], ["avr", 4], ["mai", 5], ["juin", 6], ["juillet", 7], ["juil", 7],
  ["août", 8], ["aout", 8], ["septembre", 9], ["sept", 9], ["octobre", 10], ["oct", 10],
  ["novembre", 11], ["nov", 11], ["décembre", 12], ["decembre", 12], ["déc", 12], ["dec", 12],
]);
const EN_MONTHS = new Map<string, number>([
  ["january", 1], ["jan", 1], ["february", 2], ["feb", 2], ["march", 3], ["mar", 3], ["april", 4], ["apr", 4],
  ["may", 5], ["june", 6], ["jun", 6], ["july", 7], ["jul", 7], ["august", 8], ["aug", 8],
  ["september", 9], ["sept", 9], ["sep", 9], ["october", 10], ["oct", 10], ["november", 11], ["nov", 11],
  ["december", 12], ["dec", 12],
]);
const byLength = (a: string, b: string) => b.length - a.length;
const FR_MONTH_ALT = [...FR_MONTHS.keys()].sort(byLength).join("|");
const EN_MONTH_ALT = [...EN_MONTHS.keys()].sort(byLength).join("|");
// A month word ends at a non-letter; abbreviations may carry a period.
const MONTH_END = "\\.?(?!\\p{L})";
const DAY = "(?:0?[1-9]|[12]\\d|3[01])";

// Pieces shared by the date and date-of-birth detectors (no capture groups).
const ISO_DATE = `(?:19|20)\\d{2}[-/.](?:0?[1-9]|1[0-2])[-/.]${DAY}(?!\\d)`;
const NUMERIC_DATE = `${DAY}[/.\\-](?:0?[1-9]|1[0-2]|${DAY})[/.\\-](?:(?:19|20)\\d{2}|\\d{2})(?![\\d/])`;
const FR_WRITTEN = `(?:${DAY}|1er|premier)\\s+(?:(?:de\\s+)?)(?:${FR_MONTH_ALT})${MONTH_END}(?:,?\\s+(?:19|20)\\d{2}(?!\\d))?`;
const EN_WRITTEN_MD = `(?:${EN_MONTH_ALT})${MONTH_END}\\s+${DAY}(?:st|nd|rd|th)?(?!\\d)(?:,?\\s+(?:19|20)\\d{2}(?!\\d))?`;
const EN_WRITTEN_DM = `${DAY}(?:st|nd|rd|th)?\\s+(?:of\\s+)?(?:${EN_MONTH_ALT})${MONTH_END}(?:,?\\s+(?:19|20)\\d{2}(?!\\d))?`;
const ANY_DATE = `(?:${ISO_DATE}|${NUMERIC_DATE}|${FR_WRITTEN}|${EN_WRITTEN_MD}|${EN_WRITTEN_DM})`;

const DATE_RE = new RegExp(`(?<![\\p{L}\\p{N}/.\\-])${ANY_DATE}`, "giu");

function plausibleNumericDate(raw: string): boolean {
  const parts = raw.split(/[/.\-]/).map(Number);
  if (parts.length !== 3) return true;
  const [a, b, c] = parts as [number, number, number];
  if (raw.match(/^\d{4}/)) return validDay(a, b, c); // ISO
  const year = c < 100 ? null : c;
  return validDay(year, b, a) || validDay(year, a, b); // d/m/y or m/d/y
}

function findDates(text: string, out: IdentifierFinding[]): void {
  for (const m of text.matchAll(DATE_RE)) {
    const raw = m[0];
    // "may" in lower case is the English verb far more often than the month.
    if (/(?<!\p{L})may(?!\p{L})/u.test(raw) && !/May/.test(raw)) continue;
    if (/^[\d/.\-]+$/.test(raw) && !plausibleNumericDate(raw)) continue;
    out.push({ kind: "date", start: m.index!, end: m.index! + raw.length });
  }
}

// Dates of birth: an introducing word followed by a date, a day/month or a birth year.
const DOB_RE = new RegExp(
  `(?<!\\p{L})(?:date\\s+de\\s+naissance|date\\s+of\\s+birth|birth\\s*date|birthday|anniversaire|d\\.?d\\.?n\\.?|d\\.?o\\.?b\\.?|n[ée]e?|n[ée]\\(e\\)|born)` +
    `\\s*[:\\-–]?\\s*(?:(?:le|en|on|in|the)\\s+)?` +
    `(${ANY_DATE}|${DAY}[/.\\-](?:0?[1-9]|1[0-2])(?![\\d/.\\-])|(?:19|20)\\d{2}(?!\\d)|(?:${FR_MONTH_ALT}|${EN_MONTH_ALT})${MONTH_END}\\s+(?:19|20)\\d{2}(?!\\d))`,
  "giu",
);

function findDatesOfBirth(text: string, out: IdentifierFinding[]): void {
  for (const m of text.matchAll(DOB_RE)) {
    const start = m.index! + m[0].length - m[1]!.length;
    out.push({ kind: "date_of_birth", start, end: start + m[1]!.length });
  }
}

// ── Street addresses ───────────────────────────────────────────────────────
const FR_STREET_TYPES =
  "rue|avenue|av\\.|boulevard|boul\\.?|bd|chemin|ch\\.|route|rang|place|montée|montee|côte|cote|impasse|allée|allee|croissant|promenade|terrasse|carré|carre|ruelle|autoroute|voie";
const EN_STREET_TYPES =
  "Street|St\\.?|Avenue|Ave\\.?|Road|Rd\\.?|Boulevard|Blvd\\.?|Drive|Lane|Ln\\.?|Way|Court|Ct\\.?|Crescent|Cres\\.?|Place|Pl\\.?|Terrace|Highway|Hwy\\.?";
// Words of a street name: capitalised words (Saint-Denis, Sherbrooke), numbers (1re, 10e)
// and the small linking words of French names (de la, du, des, d', l').
const STREET_NAME_WORD = "(?:\\p{Lu}[\\p{L}'’.\\-]*|\\d+(?:e|re|er|ième|th|st|nd|rd)?|de|du|des|la|le|d['’]\\p{L}+|l['’]\\p{L}+)";
const FR_ADDRESS_RE = new RegExp(
  `(?<![\\p{L}\\p{N}])\\d{1,5}(?:[-–]\\d{1,5})?[A-Za-z]?,?\\s+(?:${FR_STREET_TYPES})(?:\\s+${STREET_NAME_WORD}){1,5}`,
  "giu",
);
const EN_ADDRESS_RE = new RegExp(
  `(?<![\\p{L}\\p{N}])\\d{1,5}[A-Za-z]?\\s+(?:\\p{Lu}[\\p{L}'’\\-]*\\s+){1,3}(?:${EN_STREET_TYPES})(?![\\p{L}])`,
  "gu",
);
// "appartement 4", "apt 12", "app. 3" after an address are swallowed by the merge
// only when adjacent; the address itself is the identifier.

function findAddresses(text: string, out: IdentifierFinding[]): void {
  for (const re of [FR_ADDRESS_RE, EN_ADDRESS_RE]) {
    for (const m of text.matchAll(re)) {
      let raw = m[0].replace(/[\s.]+$/u, (s) => (s.includes(".") && /\b(?:St|Ave|Rd|Blvd|Ln|Ct|Cres|Pl|Hwy)\.$/.test(m[0]) ? "." : ""));
      // The street-name words must not run into the next sentence's linking words.
      raw = raw.replace(/(?:\s+(?:de|du|des|la|le))+$/iu, "");
      out.push({ kind: "address", start: m.index!, end: m.index! + raw.length });
    }
  }
}

// ── File / record numbers ──────────────────────────────────────────────────
// A number (at least 4 digits, possibly with letters and separators) introduced by a
// record word. Doses and durations ("no 80 mg") are not numbers of at least 4 digits.
const RECORD_RE =
  /(?<![\p{L}\p{N}])(?:(?:num[ée]ro\s+de\s+)?dossier(?:\s+(?:m[ée]dical|patient|hospitalier|de\s+l['’]usager|usager))?|no\.?|n°|nº|num[ée]ro|num\.?|#|record|chart|MRN|file|case\s+number|matricule|NIU|RAMQ|carte\s+soleil|carte\s+d['’]assurance\s+maladie|health\s+card|assurance\s+sociale|NAS|SIN)(?!\p{L})(?:\s+(?:no\.?|n°|nº|num[ée]ro|number|#))?\s*[:.#]?\s*((?:[A-Z]{1,4}[\s\-]?)?\d(?:[\d\s\-/.]*\d)?)(?![\p{L}\p{N}])/giu;
const UNIT_AFTER = /^\s*(?:mg|mcg|µg|ug|g|ml|mL|%|ans?|years?|jours?|days?|semaines?|weeks?|mois|months?|h|heures?|hours?|min)(?!\p{L})/iu;

function findRecordNumbers(text: string, out: IdentifierFinding[]): void {
  for (const m of text.matchAll(RECORD_RE)) {
    let num = m[1]!.replace(/[\s\-/.]+$/u, "");
    const digits = num.replace(/\D/g, "").length;
    if (digits < 4) continue;
    // A year after "no"/"#" ("no 2019" as in "depuis 2019") stays clinical; real record
    // numbers of exactly 4 digits need an explicit record word.
    const introducer = m[0].slice(0, m[0].length - m[1]!.length).trim().toLowerCase();
    const weakIntroducer = /^(?:no\.?|n°|nº|#|num\.?|file)\s*[:.#]?$/.test(introducer);
    if (weakIntroducer && /^(?:19|20)\d{2}$/.test(num)) continue;
    const endAbs = m.index! + m[0].length - m[1]!.length + num.length;
    if (UNIT_AFTER.test(text.slice(endAbs))) continue;
    // Keep a single number: stop at a gap of spaces longer than one before words.
    num = num.trimEnd();
    const start = m.index! + m[0].length - m[1]!.length;
    out.push({ kind: "record_number", start, end: start + num.length });
  }
}

// ── Ages over 89 ───────────────────────────────────────────────────────────
const AGE_RE =
  /(?<![\p{L}\p{N}.,])(9\d|1[0-2]\d)\s*(?:-\s*)?(?:ans|an|years?(?:[\s-]old)?|yrs?|y\/?o|-year-old|year-old)(?!\p{L})/giu;
const AGED_RE = /(?<!\p{L})(?:âgée?|agée?|âgé\(e\)|aged?|age|âge)\s*(?:de\s+|:\s*|of\s+)?(9\d|1[0-2]\d)(?!\d)/giu;

function findAges(text: string, out: IdentifierFinding[]): void {
  for (const m of text.matchAll(AGE_RE)) out.push({ kind: "age_over_89", start: m.index!, end: m.index! + m[0].length });
  for (const m of text.matchAll(AGED_RE)) {
    const start = m.index! + m[0].length - m[1]!.length;
    // "âgé de 92 ans" is already covered (merged); "age 95" alone is caught here.
    out.push({ kind: "age_over_89", start, end: start + m[1]!.length });
  }
}

// ── Names introduced by titles or naming phrases ───────────────────────────
const CAP_NAME = "\\p{Lu}[\\p{L}'’]*(?:-\\p{Lu}?[\\p{L}'’]+)*";
const TITLE_RE = new RegExp(
  `(?<![\\p{L}\\p{N}])(?:M\\.|MM\\.|Mme|Mmes|Mlle|Mlles|Monsieur|Madame|Mademoiselle|Dr|Dre|Dr\\.|Dre\\.|Docteur|Docteure|Doctor|Mr\\.?|Mrs\\.?|Ms\\.?|Miss|Mister|Pr|Pre|Professeur|Professeure)` +
    `\\s+(${CAP_NAME}(?:\\s+${CAP_NAME}){0,2})`,
  "gu",
);
const PHRASE_RE = new RegExp(
  `(?<!\\p{L})(?:s['’]appelle|s['’]appelait|se\\s+nomme|se\\s+nommait|nomm[ée]e?|nomm[ée]\\(e\\)|pr[ée]nom(?:\\s+(?:est|:))?|nom(?:\\s+de\\s+famille)?\\s*:|(?:his|her|their)\\s+name\\s+is|named|called|first\\s+name(?:\\s+is)?|last\\s+name(?:\\s+is)?|surname(?:\\s+is)?)` +
    `\\s*:?\\s+([\\p{L}][\\p{L}'’]*(?:-[\\p{L}'’]+)*(?:\\s+${CAP_NAME}){0,2})`,
  "giu",
);
// Words that follow the phrases without being names ("ne s'appelle pas", "nommée par").
const NOT_NAMES = new Set([
  "pas", "plus", "par", "le", "la", "les", "l", "un", "une", "des", "de", "du", "et", "ou", "à", "au", "aux", "en",
  "est", "sont", "était", "selon", "pour", "dans", "sur", "ainsi", "comme", "que", "qui", "ici", "ni", "non",
  "the", "a", "an", "by", "as", "for", "in", "on", "of", "to", "is", "was", "not", "and", "or", "it", "this", "that",
  "médecin", "medecin", "infirmière", "infirmier", "pharmacien", "pharmacienne", "intervenant", "intervenante",
  "tuteur", "tutrice", "curateur", "curatrice", "responsable", "représentant", "représentante", "after", "anonymously",
  "inconnu", "inconnue", "omis", "omise", "retiré", "retirée", "x", "y", "z",
]);

function findNames(text: string, out: IdentifierFinding[]): void {
  for (const m of text.matchAll(TITLE_RE)) {
    const name = m[1]!;
    // Single initials ("Mme X.") are already anonymised.
    if (name.replace(/[^\p{L}]/gu, "").length < 2) continue;
    const start = m.index! + m[0].length - name.length;
    out.push({ kind: "name", start, end: start + name.length });
  }
  for (const m of text.matchAll(PHRASE_RE)) {
    let name = m[1]!;
    const first = name.split(/\s+/)[0]!.toLowerCase().replace(/['’].*$/, "");
    if (NOT_NAMES.has(first) || first.length < 2) continue;
    // A lower-case word after "prénom"/"called" is usually not a name unless the phrase is explicit.
    const phrase = m[0].slice(0, m[0].length - m[1]!.length).toLowerCase();
    if (/^\p{Ll}/u.test(name) && /^(?:called|named|pr[ée]nom\s*$)/u.test(phrase.trim())) continue;
    name = name.trimEnd();
    const start = m.index! + m[0].length - m[1]!.length;
    out.push({ kind: "name", start, end: start + name.length });
  }
}

// ── Merge ──────────────────────────────────────────────────────────────────

function mergeFindings(findings: IdentifierFinding[]): IdentifierFinding[] {
  const rank = (k: IdentifierKind) => KIND_PRIORITY.indexOf(k);
  const sorted = [...findings]
    .filter((f) => f.end > f.start)
    .sort((a, b) => a.start - b.start || b.end - a.end || rank(a.kind) - rank(b.kind));
  const merged: IdentifierFinding[] = [];
  for (const f of sorted) {
    const last = merged[merged.length - 1];
    if (last && f.start < last.end) {
      if (rank(f.kind) < rank(last.kind)) last.kind = f.kind;
      last.end = Math.max(last.end, f.end);
    } else {
      merged.push({ ...f });
    }
  }
  return merged;
}

/**
 * Everything in `text` that could identify a patient, as non-overlapping spans sorted
 * by position: `text.slice(start, end)` is the identifier. Never throws.
 */
export function findIdentifiers(text: string): Array<{ kind: string; start: number; end: number }> {
  if (typeof text !== "string" || text.length === 0) return [];
  const out: IdentifierFinding[] = [];
  findNams(text, out);
  findEmails(text, out);
  findDatesOfBirth(text, out);
  findPhones(text, out);
  findPostalCodes(text, out);
  findRecordNumbers(text, out);
  findAddresses(text, out);
  findDates(text, out);
  findAges(text, out);
  findNames(text, out);
  return mergeFindings(out);
}

/** Typed variant for callers that switch on the kind. */
export function findIdentifierFindings(text: string): IdentifierFinding[] {
  return findIdentifiers(text) as IdentifierFinding[];
}

/** The finding with some context either side, for lists shown without JavaScript. */
export function excerptOf(text: string, finding: { start: number; end: number }, context = 30): {
  before: string; match: string; after: string;
} {
  const from = Math.max(0, finding.start - context);
  const to = Math.min(text.length, finding.end + context);
  return {
    before: (from > 0 ? "…" : "") + text.slice(from, finding.start),
    match: text.slice(finding.start, finding.end),
    after: text.slice(finding.end, to) + (to < text.length ? "…" : ""),
  };
}
