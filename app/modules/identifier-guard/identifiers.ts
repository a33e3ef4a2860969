// The identifier guard (decision 009): finds things in free text that could
// identify a patient, so that a case (and its posts), a forum topic or reply, or a chat
// message containing one is refused before anything is stored (guard.server.ts).
//
// Pure (no I/O, no Date.now()): the same function runs on the server on every save and
// can run in the browser to highlight findings. Offsets are UTF-16 code units, exactly
// as JavaScript's String indexes count them (an emoji before a match counts for 2).
//
// Bias: recall first for identifiers that are unambiguous in shape (NAM, phone, email,
// postal code, full dates), but every detector is anchored on a shape or an
// introducing word so that clinical content ("méthadone 80 mg", "3 semaines",
// "depuis 2019", "TAO depuis mars", "dose de 12/03", "CIUSSS", region names) passes.

import { foldName, LABEL_RE_SOURCE, MEETING_VERBS_RE_SOURCE, NAME_STOPWORDS, RELATIONSHIP_WORDS, type NameLexicon } from "./names";

export type { NameLexicon } from "./names";

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
  | "sin"
  | "room_number"
  | "name";

/**
 * `certain`: the finding is an identifier by its form alone (a NAM whose check digit
 * agrees, an email address, a SIN whose Luhn digit agrees, a full date of birth): no
 * override can let it through (guard.server.ts).
 */
export type IdentifierFinding = { kind: IdentifierKind; start: number; end: number; certain?: boolean };

// When two findings overlap, the merged one keeps the kind listed first here.
const KIND_PRIORITY: readonly IdentifierKind[] = [
  "nam",
  "email",
  "sin",
  "date_of_birth",
  "phone",
  "postal_code",
  "record_number",
  "room_number",
  "address",
  "date",
  "age_over_89",
  "name",
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
const SEP = "[ .\\-]?";
const NAM_RE = new RegExp(
  `(?<![\\p{L}\\p{N}])([A-Za-z]{4})${SEP}(\\d{2})${SEP}(\\d{2})${SEP}(\\d{2})${SEP}([0-9A-Za-z])(\\d)(?![\\p{L}\\p{N}])`,
  "gu",
);

function findNams(text: string, out: IdentifierFinding[]): void {
  for (const m of text.matchAll(NAM_RE)) {
    const raw = m[0];
    const compact = raw.replace(/[\s.-]/g, "");
    const { dateValid, checkValid } = analyseNam(compact);
    if (!dateValid) continue;
    const upper = /^[A-Z]{4}/.test(compact) && !/[a-z]/.test(compact.slice(10));
    // Canonical shapes: "ABCD12345678" or "ABCD 1234 5678".
    const canonical = /^[A-Z]{4}(\d{8}|[ .-]\d{4}[ .-]\d{2}[0-9A-Z]\d|\d{6}[0-9A-Z]\d)$/.test(raw);
    // Upper-case canonical forms are flagged on shape + date alone (a mistyped check
    // digit is still somebody's number); lower-case or oddly spaced forms need the
    // check digit to agree, which keeps ordinary words followed by numbers out.
    if ((upper && canonical) || checkValid) out.push({ kind: "nam", start: m.index!, end: m.index! + raw.length, certain: checkValid });
  }
}

// ── Phone numbers ──────────────────────────────────────────────────────────
// North American numbers: optional +1/1, area code (optionally in parentheses),
// exchange, line; separators space, dot or hyphen; optional extension.
const PHONE_RE =
  /(?<![\p{L}\p{N}+])(?:\+?1[ .\-\u00A0]?)?(?:\([2-9]\d{2}\)|[2-9]\d{2})[ .\-\u00A0]?[2-9]\d{2}[ .\-\u00A0]?(?:\d{4}|\d{2}[ .\-\u00A0]\d{2})(?:\s*(?:,\s*)?(?:#|x|ext\.?|extension|poste|p\.)\s*\d{1,6})?(?![\p{L}\p{N}])/giu;
// A bare 7-digit local number ("555-1234") only when introduced by a phone word.
const LOCAL_PHONE_RE =
  /(?<![\p{L}])(?:t[ée]l[ée]phone|t[ée]l\.?|cell(?:ulaire)?|phone|cell phone|mobile|num[ée]ro de t[ée]l[ée]phone|joindre au|rejoindre au|call)\s*[:.]?\s*(?:au\s+)?([2-9]\d{2}[ .-]\d{4})(?!\d)/giu;

function findPhones(text: string, out: IdentifierFinding[]): void {
  for (const m of text.matchAll(PHONE_RE)) out.push({ kind: "phone", start: m.index!, end: m.index! + m[0].length });
  for (const m of text.matchAll(LOCAL_PHONE_RE)) {
    const start = m.index! + m[0].length - m[1]!.length;
    out.push({ kind: "phone", start, end: start + m[1]!.length });
  }
}

// ── Emails ─────────────────────────────────────────────────────────────────
const EMAIL_RE = /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;

// Written out so that no "@" appears: "jtremblay arobase gmail point com",
// "j.tremblay (at) hotmail (dot) ca". Only with a top-level domain at the end.
const SPELLED_EMAIL_RE =
  /(?<![\p{L}\p{N}._-])[\p{L}\p{N}][\p{L}\p{N}._-]*\s*(?:\barobase\b|\(\s*(?:at|arobase)\s*\)|\[\s*(?:at|arobase)\s*\]|\bat\b|@)\s*[\p{L}\p{N}-]+(?:\s*(?:\bpoint\b|\bdot\b|\(\s*(?:dot|point)\s*\)|\[\s*(?:dot|point)\s*\]|\.)\s*[\p{L}\p{N}-]+)*\s*(?:\bpoint\b|\bdot\b|\(\s*(?:dot|point)\s*\)|\[\s*(?:dot|point)\s*\]|\.)\s*(?:com|ca|org|net|qc\.ca|gouv\.qc\.ca|fr|info|io|me|edu)(?![\p{L}\p{N}])/giu;

const SPELLED_HINT_RE = /arobase|\bdot\b|\bpoint\s+(?:com|ca|org|net|qc|fr|info)\b|[([]\s*(?:at|dot|point)\s*[)\]]/i;

function findEmails(text: string, out: IdentifierFinding[]): void {
  for (const m of text.matchAll(EMAIL_RE)) out.push({ kind: "email", start: m.index!, end: m.index! + m[0].length, certain: true });
  // Cheap test first: the full pattern is costly to try at every word.
  if (!SPELLED_HINT_RE.test(text)) return;
  for (const m of text.matchAll(SPELLED_EMAIL_RE)) {
    // "at" between words is English prose unless the dots are written out too.
    if (!/arobase|@|\bdot\b|\bpoint\b|\(|\[/i.test(m[0])) continue;
    out.push({ kind: "email", start: m.index!, end: m.index! + m[0].length });
  }
}

// ── Canadian postal codes ──────────────────────────────────────────────────
// A1A 1A1: first letter one of ABCEGHJKLMNPRSTVXY, no D F I O Q U anywhere, no W Z in
// first position. With or without the space (or a hyphen), either case.
const POSTAL_RE = /(?<![\p{L}\p{N}])[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z][ \u00A0-]?\d[ABCEGHJ-NPRSTV-Z]\d(?![\p{L}\p{N}])/giu;

function findPostalCodes(text: string, out: IdentifierFinding[]): void {
  for (const m of text.matchAll(POSTAL_RE)) out.push({ kind: "postal_code", start: m.index!, end: m.index! + m[0].length });
}

// ── Dates ──────────────────────────────────────────────────────────────────
const FR_MONTHS = new Map<string, number>([
  ["janvier", 1],
  ["janv", 1],
  ["février", 2],
  ["fevrier", 2],
  ["févr", 2],
  ["fevr", 2],
  ["fév", 2],
  ["fev", 2],
  ["mars", 3],
  ["avril", 4],
  ["avr", 4],
  ["mai", 5],
  ["juin", 6],
  ["juillet", 7],
  ["juil", 7],
  ["août", 8],
  ["aout", 8],
  ["septembre", 9],
  ["sept", 9],
  ["octobre", 10],
  ["oct", 10],
  ["novembre", 11],
  ["nov", 11],
  ["décembre", 12],
  ["decembre", 12],
  ["déc", 12],
  ["dec", 12],
]);
const EN_MONTHS = new Map<string, number>([
  ["january", 1],
  ["jan", 1],
  ["february", 2],
  ["feb", 2],
  ["march", 3],
  ["mar", 3],
  ["april", 4],
  ["apr", 4],
  ["may", 5],
  ["june", 6],
  ["jun", 6],
  ["july", 7],
  ["jul", 7],
  ["august", 8],
  ["aug", 8],
  ["september", 9],
  ["sept", 9],
  ["sep", 9],
  ["october", 10],
  ["oct", 10],
  ["november", 11],
  ["nov", 11],
  ["december", 12],
  ["dec", 12],
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
  const parts = raw.split(/[/.-]/).map(Number);
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
    if (/^[\d/.-]+$/.test(raw) && !plausibleNumericDate(raw)) continue;
    out.push({ kind: "date", start: m.index!, end: m.index! + raw.length });
  }
}

// Dates of birth: an introducing word followed by a date, a day/month or a birth year.
const DOB_RE = new RegExp(
  `(?<!\\p{L})(?:date\\s+de\\s+naissance|date\\s+of\\s+birth|birth\\s*date|birthday|anniversaire|d\\.?d\\.?n\\.?|d\\.?o\\.?b\\.?|n[ée]e?|n[ée]\\(e\\)|born)` +
    `\\s*[:\\-–]?\\s*(?:(?:le|en|on|in|the)\\s+)?` +
    `(${ANY_DATE}|${DAY}[/.\\-](?:0?[1-9]|1[0-2])(?![\\d/.\\-])|(?:19|20)\\d{2}(?!\\d)|(?:${FR_MONTH_ALT}|${EN_MONTH_ALT})${MONTH_END}\\s+(?:(?:19|20)\\d{2}|['’]?\\d{2})(?!\\d))`,
  "giu",
);

const FULL_DATE_RE = new RegExp(
  `^(?:${ISO_DATE}|${NUMERIC_DATE}|(?:${DAY}|1er|premier)\\s+(?:de\\s+)?(?:${FR_MONTH_ALT}|${EN_MONTH_ALT})${MONTH_END},?\\s+(?:19|20)\\d{2}|(?:${EN_MONTH_ALT})${MONTH_END}\\s+${DAY}(?:st|nd|rd|th)?,?\\s+(?:19|20)\\d{2})$`,
  "iu",
);

function findDatesOfBirth(text: string, out: IdentifierFinding[]): void {
  for (const m of text.matchAll(DOB_RE)) {
    const start = m.index! + m[0].length - m[1]!.length;
    // A full date (day, month and year) after a birth word is certain; a year alone is not.
    const certain = FULL_DATE_RE.test(m[1]!);
    out.push({ kind: "date_of_birth", start, end: start + m[1]!.length, certain });
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
  /(?<![\p{L}\p{N}])(?:(?:num[ée]ro\s+de\s+)?dossier(?:\s+(?:m[ée]dical|patient|hospitalier|de\s+l['’]usager|usager))?|no\.?|n°|nº|num[ée]ro|num\.?|#|record|chart|MRN|file|case\s+number|matricule|NIU|RAMQ|carte\s+soleil|carte\s+d['’]assurance\s+maladie|health\s+card|assurance\s+sociale|NAS|SIN)(?!\p{L})(?:\s+(?:no\.?|n°|nº|num[ée]ro|number|#))?\s*[:.#]?\s*((?:[A-Z]{1,4}[\s-]?)?\d(?:[\d\s\-/.]*\d)?)(?![\p{L}\p{N}])/giu;
const UNIT_AFTER = /^\s*(?:mg|mcg|µg|ug|g|ml|mL|%|ans?|years?|jours?|days?|semaines?|weeks?|mois|months?|h|heures?|hours?|min)(?!\p{L})/iu;

function findRecordNumbers(text: string, out: IdentifierFinding[]): void {
  for (const m of text.matchAll(RECORD_RE)) {
    // "rue Beaubien, au numéro 4520" is a civic number (the address detector's).
    if (/\bau\s*$/iu.test(text.slice(Math.max(0, m.index! - 4), m.index!)) && /^num|^no|^n°/iu.test(m[0])) continue;
    let num = m[1]!.replace(/[\s\-/.]+$/u, "");
    const digits = num.replace(/\D/g, "").length;
    if (digits < 4) continue;
    // A year after "no"/"#" ("no 2019" as in "depuis 2019") stays clinical; real record
    // numbers of exactly 4 digits need an explicit record word.
    const introducer = m[0]
      .slice(0, m[0].length - m[1]!.length)
      .trim()
      .toLowerCase();
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
const AGE_RE = /(?<![\p{L}\p{N}.,])(9\d|1[0-2]\d)\s*(?:-\s*)?(?:ans|an|years?(?:[\s-]old)?|yrs?|y\/?o|-year-old|year-old)(?!\p{L})/giu;
const AGED_RE = /(?<!\p{L})(?:âgée?|agée?|âgé\(e\)|aged?|age|âge)\s*(?:de\s+|:\s*|of\s+)?(9\d|1[0-2]\d)(?!\d)/giu;

function findAges(text: string, out: IdentifierFinding[]): void {
  for (const m of text.matchAll(AGE_RE)) out.push({ kind: "age_over_89", start: m.index!, end: m.index! + m[0].length });
  for (const m of text.matchAll(AGED_RE)) {
    const start = m.index! + m[0].length - m[1]!.length;
    // "âgé de 92 ans" is already covered (merged); "age 95" alone is caught here.
    out.push({ kind: "age_over_89", start, end: start + m[1]!.length });
  }
}

// ── Social insurance numbers (NAS / SIN) ───────────────────────────────────
// Nine digits (never starting with 0 or 8), grouped 3-3-3 or not, whose last digit is
// the Luhn check digit of the first eight. After a SIN word, any nine digits count
// (a mistyped SIN is still somebody's number), but only a valid one is certain.

/** Luhn check over a string of digits (the last digit is the check digit). */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

const SIN_RE = /(?<![\p{L}\p{N}.,-])([1-79]\d{2})([ .-]?)(\d{3})\2(\d{3})(?![\p{N}]|[.,-]\d)/gu;
const SIN_WORD_RE =
  /(?<!\p{L})(?:NAS|SIN|num[ée]ro\s+d['’]assurance\s+sociale|assurance\s+sociale|social\s+insurance(?:\s+number)?)(?!\p{L})\s*(?:no\.?|n°|#|number|est|is|:|=)?\s*[:.#]?\s*(\d{3}[ .-]?\d{3}[ .-]?\d{3})(?!\d)/giu;

function findSins(text: string, out: IdentifierFinding[]): void {
  for (const m of text.matchAll(SIN_RE)) {
    const digits = m[1]! + m[3]! + m[4]!;
    if (luhnValid(digits)) out.push({ kind: "sin", start: m.index!, end: m.index! + m[0].length, certain: true });
  }
  for (const m of text.matchAll(SIN_WORD_RE)) {
    const start = m.index! + m[0].length - m[1]!.length;
    out.push({ kind: "sin", start, end: start + m[1]!.length, certain: luhnValid(m[1]!.replace(/\D/g, "")) });
  }
}

// ── Room and bed numbers ───────────────────────────────────────────────────
// "chambre 412, lit 2", "room 12B", "civière 7": where a person lies, in a known place.
const ROOM_RE =
  /(?<!\p{L})(?:chambre|ch\.|room|rm\.?|lit|bed|civi[èe]re|stretcher|cubicule|cubicle|box|appartement|app\.|apt\.?|suite|logement|unit)\s*(?:no\.?|n°|nº|#|num[ée]ro|number)?\s*[:.#]?\s*(\d{1,4}[A-Za-z]?)(?![\p{L}\p{N}]|[.,]\d)/giu;

function findRooms(text: string, out: IdentifierFinding[]): void {
  for (const m of text.matchAll(ROOM_RE)) {
    const start = m.index! + m[0].length - m[1]!.length;
    if (UNIT_AFTER.test(text.slice(start + m[1]!.length))) continue;
    // "lit 2 fois" or "bed 3 days" are counts; "lit" alone as the verb "(il) lit".
    if (/^\s*(?:fois|times|x)(?!\p{L})/iu.test(text.slice(start + m[1]!.length))) continue;
    out.push({ kind: "room_number", start, end: start + m[1]!.length });
  }
}

// ── Civic number after the street ──────────────────────────────────────────
// "rue Beaubien, au numéro 4520", "sur la rue Ontario au 2100", "Main Street, number 45".
const ADDRESS_AFTER_RE = new RegExp(
  `(?<![\\p{L}\\p{N}])(?:${FR_STREET_TYPES}|${EN_STREET_TYPES})\\s+(?:${STREET_NAME_WORD}\\s+){0,4}\\p{Lu}[\\p{L}'’.\\-]*,?\\s+` +
    `(?:au\\s+(?:(?:num[ée]ro|no\\.?|n°|nº|#)\\s*)?|(?:num[ée]ro|no\\.?|n°|nº|#|number|at)\\s*)\\d{1,5}[A-Za-z]?(?![\\p{L}\\p{N}])`,
  "giu",
);

function findAddressesAfter(text: string, out: IdentifierFinding[]): void {
  for (const m of text.matchAll(ADDRESS_AFTER_RE)) {
    out.push({ kind: "address", start: m.index!, end: m.index! + m[0].length });
  }
}

// ── Names ──────────────────────────────────────────────────────────────────
// Cue frames (titles, relationship words, labels, naming phrases, verbs of meeting)
// followed by name-like words, plus — when a gazetteer is given (the server's) —
// capitalised words that are known given or family names, with position heuristics:
// mid-sentence, a known name is a name; at the start of a sentence only a given name
// (or a known name followed by another name) is. Clinical vocabulary (NAME_STOPWORDS:
// drugs, organisations, places, roles) is never a name.

// Case-insensitive pieces inside case-sensitive regexes ("MME", "madame", "Mme.").
const ci = (word: string) => word.replace(/\p{L}/gu, (c) => `[${c.toLowerCase()}${c.toUpperCase()}]`);
const TITLES_CI = [
  "mme",
  "mmes",
  "mlle",
  "mlles",
  "monsieur",
  "madame",
  "mademoiselle",
  "messieurs",
  "mesdames",
  "dr",
  "dre",
  "docteur",
  "docteure",
  "doctor",
  "professeur",
  "professeure",
]
  .sort(byLength)
  .map(ci)
  .join("|");
// Short English titles and religious ones only capitalised ("ms" is milliseconds, "miss a dose").
const TITLES_CAP = ["Mrs", "MRS", "Mr", "MR", "Ms", "MS", "Mx", "Miss", "MISS", "Mister", "Sœur", "Soeur", "Frère", "Père"]
  .sort(byLength)
  .join("|");
// "M." and "Pr" stay case-sensitive ("10 m. plus loin", "pr" in abbreviations).
const TITLE_SOURCE = `(?:M\\.|MM\\.|Pr\\.?|Pre\\.?|(?:${TITLES_CI}|${TITLES_CAP})\\.?)`;
const NAME_WORD = "\\p{L}[\\p{L}'’]*(?:-\\p{L}[\\p{L}'’]*)*";
const INITIAL = "\\p{Lu}\\.(?:-?\\p{Lu}\\.)?";
const RELATION_SOURCE = [...RELATIONSHIP_WORDS].sort(byLength).join("|");

const TITLE_FRAME_RE = new RegExp(`(?<![\\p{L}\\p{N}])${TITLE_SOURCE}\\s+(?=[\\p{L}])`, "gu");
const RELATION_FRAME_RE = new RegExp(
  `(?<!\\p{L})(?:sa|son|ses|mon|ma|mes|leur|leurs|notre|votre|la|le|l'|une|un|her|his|their|my|our|the|a)\\s*(?:ex-|ex\\s+|nouvelle\\s+|nouveau\\s+|new\\s+|former\\s+|late\\s+)?(?:${RELATION_SOURCE})s?(?!\\p{L})\\s*(?:,|\\(|:)?\\s*(?=[\\p{L}])`,
  "giu",
);
const LABEL_FRAME_RE = new RegExp(`(?<![\\p{L}])${LABEL_RE_SOURCE}\\s*(?=[\\p{L}])`, "giu");
const VERB_FRAME_RE = new RegExp(`(?<![\\p{L}])${MEETING_VERBS_RE_SOURCE}\\s+(?=\\p{Lu})`, "giu");
const PHRASE_FRAME_RE = new RegExp(
  `(?<!\\p{L})(?:s'appelle|s'appelait|se\\s+nomme|se\\s+nommait|se\\s+pr[ée]sente\\s+comme|r[ée]pond\\s+au\\s+nom\\s+de|dit\\s+s'appeler|nomm[ée]e?|nomm[ée]\\(e\\)|pr[ée]nom(?:\\s+(?:est|:))?|nom(?:\\s+de\\s+famille)?\\s*:|(?:his|her|their)\\s+name\\s+is|(?:his|her|their)\\s+(?:first\\s+|last\\s+)?name,|goes\\s+by|named|called|first\\s+name(?:\\s+is)?|last\\s+name(?:\\s+is)?|surname(?:\\s+is)?|alias|aka)\\s*:?\\s+(?=[\\p{L}])`,
  "giu",
);
const NAME_TOKEN_RE = new RegExp(`(?:${INITIAL}\\s*)?${NAME_WORD}`, "uy");
const NEXT_CAP_RE = new RegExp(
  `(?:\\s+|\\s*,\\s*(?=\\p{Lu}[\\p{Ll}]))((?:${INITIAL}\\s*)?\\p{Lu}[\\p{L}'’]*(?:-\\p{L}[\\p{L}'’]*)*)`,
  "uy",
);
const WORD_RE = new RegExp(NAME_WORD, "gu");
const INITIAL_SURNAME_RE = new RegExp(
  `(?<![\\p{L}.])\\p{Lu}\\.(?:-?\\p{Lu}\\.)?\\s?(\\p{Lu}\\p{Ll}[\\p{L}'’]*(?:-\\p{L}[\\p{L}'’]*)*)`,
  "gu",
);
const SURNAME_FIRST_RE = new RegExp(`^\\s*,\\s*(${NAME_WORD})`, "u");
const CAP_WORD = "\\p{Lu}\\p{Ll}[\\p{L}'’]*(?:-\\p{L}[\\p{L}'’]*)*";
const CAP_PAIR_RE = new RegExp(`(?<![\\p{L}\\p{N}'’-])(${CAP_WORD}) (${CAP_WORD})(?![\\p{L}\\p{N}'’])`, "gu");

// Function words that follow the naming phrases without being names.
const NOT_NAMES = new Set([
  "pas",
  "plus",
  "par",
  "un",
  "une",
  "est",
  "sont",
  "selon",
  "pour",
  "ainsi",
  "comme",
  "que",
  "qui",
  "ici",
  "ni",
  "non",
  "after",
  "anonymously",
  "inconnu",
  "inconnue",
  "omis",
  "omise",
  "retiré",
  "retiree",
  "retire",
  "x",
  "y",
  "z",
  "n/a",
  "na",
  "tous",
  "toutes",
  "tout",
  "chaque",
  "aucun",
  "aucune",
  "elle-meme",
  "lui-meme",
  "herself",
  "himself",
  "someone",
  "quelqu'un",
]);

const isCap = (w: string) => /^\p{Lu}/u.test(w);
const isAllCaps = (w: string) => !/\p{Ll}/u.test(w);
function notAName(word: string): boolean {
  const f = foldName(word[1] === "." ? word.replace(/^\p{Lu}\.(?:-?\p{Lu}\.)?\s*/u, "") : word);
  return (
    f.length < 2 ||
    NAME_STOPWORDS.has(f) ||
    NOT_NAMES.has(f) ||
    (/^(?:l|d|j|qu|n|s|m|t|c)'/.test(f) && NAME_STOPWORDS.has(f.replace(/^\p{L}+'/u, "")))
  );
}
function inLexicon(word: string, names: NameLexicon | undefined, which: "given" | "family" | "any" = "any"): boolean {
  if (!names) return false;
  const folded = foldName(word);
  const test = (p: string) => (which !== "family" && names.given.has(p)) || (which !== "given" && names.family.has(p));
  if (test(folded)) return true;
  if (!folded.includes("-")) return false;
  return folded.split("-").some((p) => p.length >= 3 && test(p));
}

/** Extends a name found at `at` over the capitalised words that follow (given name + surname). */
function extendName(text: string, start: number, end: number): number {
  for (let k = 0; k < 3; k++) {
    NEXT_CAP_RE.lastIndex = end;
    const m = NEXT_CAP_RE.exec(text);
    if (!m || notAName(m[1]!) || (isAllCaps(m[1]!) && m[1]!.length <= 3 && !isAllCaps(text.slice(start, end)))) break;
    end = m.index + m[0].length;
  }
  return end;
}

/**
 * A name after a frame ending at `at`: a capitalised name-like word (any word is
 * accepted when `lowerOk` and the gazetteer knows it, "sa conjointe josée").
 */
function nameAfter(text: string, at: number, names: NameLexicon | undefined, lowerOk: boolean | "always", out: IdentifierFinding[]): void {
  NAME_TOKEN_RE.lastIndex = at;
  const m = NAME_TOKEN_RE.exec(text);
  if (!m) return;
  const word = m[0];
  const bare = word.replace(/^\p{Lu}\.(?:-?\p{Lu}\.)?\s*/u, "");
  if (notAName(word)) {
    // "Mme X." and "sa fille A.B." are already anonymised.
    return;
  }
  if (!isCap(bare) && lowerOk !== "always" && !(lowerOk && inLexicon(bare, names))) return;
  // Two or three capitals ("Pt: JT") are initials, already anonymised.
  if (isAllCaps(bare) && bare.length <= 3 && bare.replace(/\./g, "").length <= 3) return;
  const end = extendName(text, m.index, m.index + word.length);
  out.push({ kind: "name", start: m.index, end });
}

const SENTENCE_START_RE = /(?:^|[.!?:;…\n•*\-–—(«"]\s*|^\s+)$/u;

function findNames(text: string, out: IdentifierFinding[], names: NameLexicon | undefined): void {
  for (const m of text.matchAll(TITLE_FRAME_RE)) {
    const at = m.index! + m[0].length;
    // A single initial after a title ("Mme X.", "M. T.") is anonymised already.
    if (/^\p{Lu}\.?(?![\p{L}.])/u.test(text.slice(at)) && !/^\p{Lu}\.\s*\p{Lu}\p{Ll}/u.test(text.slice(at))) continue;
    nameAfter(text, at, names, true, out);
  }
  for (const re of [RELATION_FRAME_RE, LABEL_FRAME_RE]) {
    for (const m of text.matchAll(re)) nameAfter(text, m.index! + m[0].length, names, true, out);
  }
  // An explicit naming phrase introduces a name even in lower case ("il s'appelle marc").
  for (const m of text.matchAll(PHRASE_FRAME_RE)) nameAfter(text, m.index! + m[0].length, names, "always", out);
  for (const m of text.matchAll(VERB_FRAME_RE)) nameAfter(text, m.index! + m[0].length, names, false, out);
  // Initial and surname without a title ("J. Tremblay", "M.-J. Côté").
  for (const m of text.matchAll(INITIAL_SURNAME_RE)) {
    // "M." is the title Monsieur (its name is found by the title frame).
    if (notAName(m[1]!) || m[0].startsWith("M.")) continue;
    if (names && !inLexicon(m[1]!, names) && SENTENCE_START_RE.test(text.slice(Math.max(0, m.index! - 3), m.index!))) continue;
    out.push({ kind: "name", start: m.index!, end: m.index! + m[0].length });
  }
  // Two capitalised words in a row in the middle of a sentence, neither of them clinical
  // vocabulary, are a given name and a surname ("vu Gaétan Tukkiapik ce matin") far more
  // often than anything else in these notes (organisations and places are in the stopwords).
  for (const m of text.matchAll(CAP_PAIR_RE)) {
    const [a, b] = [m[1]!, m[2]!];
    if (notAName(a) || notAName(b) || isAllCaps(a) || isAllCaps(b)) continue;
    const atStart = m.index! === 0 || SENTENCE_START_RE.test(text.slice(Math.max(0, m.index! - 3), m.index!));
    if (atStart && !(inLexicon(a, names) || inLexicon(b, names))) continue;
    out.push({ kind: "name", start: m.index!, end: m.index! + m[0].length });
  }
  if (!names) return;
  // Known names by the gazetteer, wherever they stand.
  for (const m of text.matchAll(WORD_RE)) {
    const word = m[0];
    if (!isCap(word) || notAName(word)) continue;
    if (isAllCaps(word) && word.length <= 3) continue;
    const given = inLexicon(word, names, "given");
    const family = inLexicon(word, names, "family");
    if (!given && !family) continue;
    const before = text.slice(Math.max(0, m.index! - 3), m.index!);
    const atStart = m.index! < 4 ? /^\s*$/.test(text.slice(0, m.index!)) || SENTENCE_START_RE.test(before) : SENTENCE_START_RE.test(before);
    const end = extendName(text, m.index!, m.index! + word.length);
    // Surname first: "Tremblay, Sylvain".
    const surnameFirst = family && SURNAME_FIRST_RE.exec(text.slice(m.index! + word.length, m.index! + word.length + 60));
    if (atStart && !given && end === m.index! + word.length && !(surnameFirst && inLexicon(surnameFirst[1]!, names, "given"))) continue;
    const fullEnd = surnameFirst && inLexicon(surnameFirst[1]!, names, "given") ? m.index! + word.length + surnameFirst[0].length : end;
    // "Jean Coutu" is a pharmacy.
    if (/^\s+Coutu\b/u.test(text.slice(m.index! + word.length))) continue;
    out.push({ kind: "name", start: m.index!, end: Math.max(end, fullEnd) });
  }
}

// ── Text as it is typed ────────────────────────────────────────────────────
// The detectors read a normalised copy of the text; every character of the copy knows
// the span of the original it came from, so findings point into the original.
//  - base view: NFKC (full-width letters and digits, ligatures), every space separator
//    (no-break U+00A0, narrow no-break U+202F, thin U+2009…) as a space, every Unicode
//    decimal digit as its ASCII digit, every dash as a hyphen, curly apostrophes straight,
//    zero-width characters and soft hyphens removed;
//  - words view (only when it differs): letters spaced out joined back ("T R E M B L A Y"),
//    numbers written in words as digits ("quatre-vingt-douze ans" → "92 ans",
//    "mil neuf cent soixante et un" → "1961").
// Every detector runs on the base view, and again on the words view when there is one.

// `from`/`to` absent: the identity (the text needed no change).
interface View {
  text: string;
  from?: number[];
  to?: number[];
}
const fromOf = (v: View, i: number) => (v.from ? v.from[i]! : i);
const toOf = (v: View, i: number) => (v.to ? v.to[i]! : i + 1);

function digitValue0(cp: number): number {
  // Decimal digits come in runs of ten starting at zero.
  let start = cp;
  while (start > cp - 60 && /\p{Nd}/u.test(String.fromCodePoint(start - 1))) start--;
  return (cp - start) % 10;
}

// Text that needs no normalisation: ASCII and the precomposed Latin letters of French.
// eslint-disable-next-line no-control-regex -- the ASCII range starts at NUL
const PLAIN_RE = /^[\x00-\x7f\u00C0-\u0131\u0134-\u013E\u0141-\u0148\u014A-\u017E]*$/;

function baseView(orig: string): View {
  if (PLAIN_RE.test(orig)) return { text: orig };
  let text = "";
  const from: number[] = [];
  const to: number[] = [];
  for (let i = 0; i < orig.length;) {
    const cp = orig.codePointAt(i)!;
    const len = cp > 0xffff ? 2 : 1;
    const ch = orig.slice(i, i + len);
    let rep: string;
    if (cp < 0x80) rep = ch;
    else if (/[\p{Zs}\u2028\u2029]/u.test(ch)) rep = " ";
    else if (/[\u200B-\u200D\u2060\uFEFF\u00AD]/u.test(ch)) rep = "";
    else if (/[\p{Pd}\u2212]/u.test(ch)) rep = "-";
    else if (/[’‘ʼ′´`]/u.test(ch)) rep = "'";
    else {
      rep = ch.normalize("NFKC");
      if (/^\p{Nd}$/u.test(rep) && !/^[0-9]$/.test(rep)) rep = String(digitValue0(rep.codePointAt(0)!));
      else if (/\p{Zs}/u.test(rep)) rep = rep.replace(/\p{Zs}/gu, " ");
    }
    for (let k = 0; k < rep.length; k++) {
      text += rep[k];
      from.push(i);
      to.push(i + len);
    }
    i += len;
  }
  return { text, from, to };
}

/** A view with some spans of `v` replaced; each replacement maps to the whole span it replaced. */
function rewrite(v: View, edits: Array<{ start: number; end: number; text: string }>): View {
  edits.sort((a, b) => a.start - b.start);
  let text = "";
  const from: number[] = [];
  const to: number[] = [];
  let at = 0;
  const copy = (a: number, b: number) => {
    text += v.text.slice(a, b);
    for (let i = a; i < b; i++) {
      from.push(fromOf(v, i));
      to.push(toOf(v, i));
    }
  };
  for (const e of edits) {
    if (e.start < at) continue;
    copy(at, e.start);
    for (let k = 0; k < e.text.length; k++) {
      text += e.text[k];
      from.push(fromOf(v, e.start));
      to.push(toOf(v, e.end - 1));
    }
    at = e.end;
  }
  copy(at, v.text.length);
  return { text, from, to };
}

// Numbers in words, French and English.
const NUMBER_WORDS = new Map<string, number>([
  ["zéro", 0],
  ["zero", 0],
  ["un", 1],
  ["une", 1],
  ["premier", 1],
  ["première", 1],
  ["deux", 2],
  ["trois", 3],
  ["quatre", 4],
  ["cinq", 5],
  ["six", 6],
  ["sept", 7],
  ["huit", 8],
  ["neuf", 9],
  ["dix", 10],
  ["onze", 11],
  ["douze", 12],
  ["treize", 13],
  ["quatorze", 14],
  ["quinze", 15],
  ["seize", 16],
  ["vingt", 20],
  ["vingts", 20],
  ["trente", 30],
  ["quarante", 40],
  ["cinquante", 50],
  ["soixante", 60],
  ["septante", 70],
  ["huitante", 80],
  ["octante", 80],
  ["nonante", 90],
  ["cent", 100],
  ["cents", 100],
  ["mille", 1000],
  ["mil", 1000],
  ["one", 1],
  ["first", 1],
  ["two", 2],
  ["second", 2],
  ["three", 3],
  ["third", 3],
  ["four", 4],
  ["fourth", 4],
  ["five", 5],
  ["fifth", 5],
  ["six", 6],
  ["sixth", 6],
  ["seven", 7],
  ["seventh", 7],
  ["eight", 8],
  ["eighth", 8],
  ["nine", 9],
  ["ninth", 9],
  ["ten", 10],
  ["tenth", 10],
  ["eleven", 11],
  ["eleventh", 11],
  ["twelve", 12],
  ["twelfth", 12],
  ["thirteen", 13],
  ["thirteenth", 13],
  ["fourteen", 14],
  ["fourteenth", 14],
  ["fifteen", 15],
  ["fifteenth", 15],
  ["sixteen", 16],
  ["sixteenth", 16],
  ["seventeen", 17],
  ["seventeenth", 17],
  ["eighteen", 18],
  ["eighteenth", 18],
  ["nineteen", 19],
  ["nineteenth", 19],
  ["twenty", 20],
  ["twentieth", 20],
  ["thirty", 30],
  ["thirtieth", 30],
  ["forty", 40],
  ["fifty", 50],
  ["sixty", 60],
  ["seventy", 70],
  ["eighty", 80],
  ["ninety", 90],
  ["hundred", 100],
  ["thousand", 1000],
]);
const NUMBER_WORD_ALT = [...NUMBER_WORDS.keys()].sort(byLength).join("|");
const NUMBER_RUN_RE = new RegExp(
  `(?<![\\p{L}\\p{N}])(?:${NUMBER_WORD_ALT})(?:(?:[\\s-]+|\\s+(?:et|and)\\s+|-et-)(?:${NUMBER_WORD_ALT}))*(?![\\p{L}\\p{N}])`,
  "giu",
);

/** The value of a run of number words, or null when it does not read as one number. */
export function parseNumberWords(run: string): number | null {
  const tokens = run
    .toLowerCase()
    .split(/[\s-]+/)
    .filter((t) => t !== "et" && t !== "and");
  let total = 0;
  let current = 0;
  let yearPrefix: number | null = null;
  let prev: string | null = null;
  for (const t of tokens) {
    const v = NUMBER_WORDS.get(t);
    if (v === undefined) return null;
    if (v === 100) current = (current || 1) * 100;
    else if (v === 1000) {
      total += (current || 1) * 1000;
      current = 0;
    } else if (v === 20 && prev === "quatre" && current % 100 === 4)
      current += 76; // quatre-vingt(s)
    else if (v >= 10 && current >= 10 && current <= 99 && total === 0 && !((current === 60 || current === 80) && v < 20)) {
      // English years: "nineteen sixty-one".
      if (yearPrefix !== null) return null;
      yearPrefix = current;
      current = v;
    } else current += v;
    prev = t;
  }
  const value = total + current;
  return yearPrefix !== null ? yearPrefix * 100 + value : value;
}

const MONTH_AFTER_RE = new RegExp(`^\\s+(?:de\\s+|of\\s+)?(?:${FR_MONTH_ALT}|${EN_MONTH_ALT})(?!\\p{L})`, "iu");
const MONTH_BEFORE_RE = new RegExp(`(?:${EN_MONTH_ALT})\\s+(?:the\\s+)?$`, "iu");
const SPACED_RE = /(?<![\p{L}\p{N}])[\p{L}\p{N}](?:[ .][\p{L}\p{N}]){3,}(?![\p{L}\p{N}])/gu;

function wordsView(base: View): View | null {
  const edits: Array<{ start: number; end: number; text: string }> = [];
  const t = base.text;
  // Letters spaced out: one letter, one space, ... ; two spaces separate words.
  for (const m of t.matchAll(SPACED_RE)) edits.push({ start: m.index!, end: m.index! + m[0].length, text: m[0].replace(/[ .]/g, "") });
  for (const m of t.matchAll(NUMBER_RUN_RE)) {
    const raw = m[0];
    if (/^(?:un|une|one|first|second|premier|première|neuf|sept)$/i.test(raw)) continue;
    const value = parseNumberWords(raw);
    if (value === null) continue;
    // Small numbers matter only as a day beside a month ("le trois mars", "March third");
    // "trois fois par jour" stays as written (and the words view is not built for it).
    if (
      value < 20 &&
      !MONTH_AFTER_RE.test(t.slice(m.index! + raw.length, m.index! + raw.length + 14)) &&
      !MONTH_BEFORE_RE.test(t.slice(Math.max(0, m.index! - 12), m.index!))
    )
      continue;
    if (edits.some((e) => e.start < m.index! + raw.length && m.index! < e.end)) continue;
    edits.push({ start: m.index!, end: m.index! + raw.length, text: String(value) });
  }
  return edits.length > 0 ? rewrite(base, edits) : null;
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
      if (f.certain) last.certain = true;
    } else {
      merged.push({ ...f });
    }
  }
  return merged.map((f) => (f.certain ? f : { kind: f.kind, start: f.start, end: f.end }));
}

function detectAll(text: string, names: NameLexicon | undefined): IdentifierFinding[] {
  const out: IdentifierFinding[] = [];
  findNams(text, out);
  findEmails(text, out);
  findSins(text, out);
  findDatesOfBirth(text, out);
  findPhones(text, out);
  findPostalCodes(text, out);
  findRecordNumbers(text, out);
  findRooms(text, out);
  findAddresses(text, out);
  findAddressesAfter(text, out);
  findDates(text, out);
  findAges(text, out);
  findNames(text, out, names);
  return out;
}

export interface FindOptions {
  /** The gazetteer of given and family names (the server's); without it, names are found by their cue frames only. */
  names?: NameLexicon;
}

/**
 * Everything in `text` that could identify a patient, as non-overlapping spans sorted
 * by position: `text.slice(start, end)` is the identifier. Never throws.
 */
export function findIdentifiers(
  text: string,
  options: FindOptions = {},
): Array<{ kind: string; start: number; end: number; certain?: boolean }> {
  if (typeof text !== "string" || text.length === 0) return [];
  const out: IdentifierFinding[] = [];
  const base = baseView(text);
  const views = [base];
  const words = wordsView(base);
  if (words) views.push(words);
  for (const view of views) {
    for (const f of detectAll(view.text, options.names)) {
      if (f.end <= f.start) continue;
      out.push({ ...f, start: fromOf(view, f.start), end: toOf(view, f.end - 1) });
    }
  }
  return mergeFindings(out);
}

/** Typed variant for callers that switch on the kind. */
export function findIdentifierFindings(text: string, options: FindOptions = {}): IdentifierFinding[] {
  return findIdentifiers(text, options) as IdentifierFinding[];
}

/** The finding with some context either side, for lists shown without JavaScript. */
export function excerptOf(
  text: string,
  finding: { start: number; end: number },
  context = 30,
): {
  before: string;
  match: string;
  after: string;
} {
  const from = Math.max(0, finding.start - context);
  const to = Math.min(text.length, finding.end + context);
  return {
    before: (from > 0 ? "…" : "") + text.slice(from, finding.start),
    match: text.slice(finding.start, finding.end),
    after: text.slice(finding.end, to) + (to < text.length ? "…" : ""),
  };
}
