// French punctuation spacing as the Office québécois de la langue française
// recommends for Quebec (decision 003): a non-breaking space (U+00A0) before the
// colon and inside « guillemets », and no space at all before ? ! and ; — so a colon
// or a closing guillemet never starts a line, and nothing floats before ? ! ;.
// One function applies the rule (scripts/french-typography.ts runs it over the fr-CA
// locale files) and one lists what breaks it (the test over those files).

const NBSP = "\u00a0";
/** Any space a writer may have typed before or after punctuation (space, no-break, narrow no-break). */
const SPACE = "[ \\u00a0\\u202f]";
/** A colon as punctuation: followed by a space or the end; not "https://", "12:00" or "{de:name}". */
const COLON = new RegExp(`(?<=\\S)${SPACE}?:(?=\\s|$)`, "g");
const OPENING = new RegExp(`«${SPACE}?`, "g");
const CLOSING = new RegExp(`${SPACE}?»`, "g");
const BEFORE_TIGHT = new RegExp(`${SPACE}+([?!;])`, "g");

/** The text with French punctuation spacing. */
export function frenchTypography(text: string): string {
  return text.replace(COLON, `${NBSP}:`).replace(OPENING, `«${NBSP}`).replace(CLOSING, `${NBSP}»`).replace(BEFORE_TIGHT, "$1");
}

/** What in `text` breaks the rule, each with a little context (empty when it follows it). */
export function typographyViolations(text: string): string[] {
  const found: string[] = [];
  const context = (index: number) => JSON.stringify(text.slice(Math.max(0, index - 12), index + 6));
  for (const m of text.matchAll(/(?<=\S)([ \u202f]?):(?=\s|$)/g))
    found.push(`colon without a non-breaking space before it: ${context(m.index ?? 0)}`);
  for (const m of text.matchAll(/«(?!\u00a0)/g)) found.push(`« without a non-breaking space after it: ${context(m.index ?? 0)}`);
  for (const m of text.matchAll(/(?<!\u00a0)»/g)) found.push(`» without a non-breaking space before it: ${context(m.index ?? 0)}`);
  for (const m of text.matchAll(/[ \u00a0\u202f]+[?!;]/g)) found.push(`space before ? ! or ;: ${context(m.index ?? 0)}`);
  return found;
}
