// The identifier guard on the server, for every capability where clinicians write about
// patients (cases, forum topics and replies, chat messages): runs the pure detector on
// each free-text field *before* any transaction opens, and answers either the refusal
// (the findings with their context, one message per finding) or the overrides that were
// needed to let the text through (the ones to store beside the text, for moderators).
import { nameLexicon } from "./gazetteer.server";
import { excerptOf, findIdentifiers } from "./identifiers";
import { overridesSchema, type OverrideInput } from "./schemas";
import type { FieldErrors, RefusalFinding } from "~/utils/outcome";

export type { FieldErrors };
/** A possible identifier found in a field (the outcome contract carries these in a refusal). */
export type GuardFinding = RefusalFinding;
export type { OverrideInput };

/** What a refused save carries back to the form (400): field errors and the findings to show. */
export interface GuardRefusal {
  formError: "identifierGuard.errors.identifiers";
  fieldErrors: FieldErrors;
  findings: GuardFinding[];
}

/**
 * One i18n key per field with a finding (a link target or label counts for its text
 * field: `detailsLinks` → `details`); the page lists the findings themselves, with
 * their kind translated, from `findings`.
 */
export function messagesOf(findings: GuardFinding[]): FieldErrors {
  const fieldErrors: FieldErrors = {};
  for (const f of findings) fieldErrors[f.field.replace(/Links$/, "")] = ["identifierGuard.errors.inField"];
  return fieldErrors;
}

const fold = (text: string) => text.normalize("NFKD").replace(/\p{M}/gu, "").toLocaleLowerCase("fr-CA");
const wordsOf = (text: string) =>
  fold(text)
    .split(/[^\p{L}'’-]+/u)
    .filter(Boolean);

/** Greetings and titles a finding may start with ("Bonjour Marc-André", "Dre Roy"). */
const ADDRESS_WORDS = new Set(
  [
    "bonjour",
    "bonsoir",
    "salut",
    "allo",
    "allô",
    "coucou",
    "merci",
    "cher",
    "chere",
    "hello",
    "hi",
    "hey",
    "dear",
    "thanks",
    "dr",
    "dre",
    "docteur",
    "docteure",
    "m",
    "mme",
    "mlle",
    "madame",
    "monsieur",
    "mr",
    "mrs",
    "ms",
    "doctor",
  ].map(fold),
);

/** Titles colleagues use for one another; "M. Gagnon" and "Mme Tremblay" are how notes name patients. */
const COLLEAGUE_TITLES = new Set(["dr", "dre", "docteur", "docteure", "doctor"]);

interface Colleague {
  words: ReadonlySet<string>;
  given: string;
}
const colleagueOf = (name: string): Colleague | null => {
  const words = wordsOf(name);
  return words.length > 0 ? { words: new Set(words), given: words[0]! } : null;
};

/**
 * A "name" that is a colleague's, not a patient's: every word of it (greetings and titles
 * aside) belongs to the name of ONE person the text is written among, and it is said the
 * way colleagues say it — with the given name ("Bonjour Marc-André", "@Ben Ouellet") or
 * after Dr/Dre ("Dre Roy" among colleagues with a Chloé Roy). Words are not pooled across
 * colleagues (a Marc Gagnon and a Josée Roy do not make a "Marc Roy"), a surname after
 * M./Mme stays a finding (Quebec's frequent surnames are shared by patients and
 * colleagues alike), and a mention gets no pass of its own: a patient's name typed after
 * an @ is still a patient's name.
 */
function isColleague(text: string, f: { kind: string; start: number; end: number }, colleagues: readonly Colleague[]): boolean {
  if (f.kind !== "name" || colleagues.length === 0) return false;
  const all = wordsOf(text.slice(f.start, f.end));
  const words = all.filter((w) => !ADDRESS_WORDS.has(w));
  if (words.length === 0) return false;
  const titled =
    COLLEAGUE_TITLES.has(all[0] ?? "") || COLLEAGUE_TITLES.has(wordsOf(text.slice(Math.max(0, f.start - 12), f.start)).at(-1) ?? "");
  return colleagues.some((c) => words.every((w) => c.words.has(w)) && (titled || words.includes(c.given)));
}

export interface GuardOptions {
  /** Display names of the members the text is addressed to or written among (never patients). */
  colleagues?: readonly string[];
}

/**
 * Where a capability finds its colleagues' names (the members of the conversation, the
 * pairing, the topic's participants and the mentioned members…). Called only when a
 * finding is a name: the common save, with nothing found, makes no query for it.
 */
export type ColleagueNames = () => Promise<readonly string[]>;

/** Runs findIdentifiers on each field; the findings with their context, field by field. */
export function guardFields(
  fields: Record<string, string>,
  options: GuardOptions = {},
): { findings: GuardFinding[]; fieldErrors: FieldErrors } {
  const findings: GuardFinding[] = [];
  const colleagues = (options.colleagues ?? []).flatMap((name) => colleagueOf(name) ?? []);
  for (const [field, text] of Object.entries(fields)) {
    for (const f of findIdentifiers(text, { names: nameLexicon })) {
      if (isColleague(text, f, colleagues)) continue;
      findings.push({ field, kind: f.kind, start: f.start, end: f.end, ...excerptOf(text, f), certain: f.certain === true });
    }
  }
  return { findings, fieldErrors: messagesOf(findings) };
}

/**
 * Overrides sent with a save, checked against the one contract. The reason is free text
 * too: it goes through the guard (a reason with an identifier is refused).
 */
export function parseOverrides(input: unknown): { ok: true; overrides: OverrideInput[] } | { ok: false; fieldErrors: FieldErrors } {
  const parsed = overridesSchema.safeParse(input ?? []);
  if (!parsed.success) return { ok: false, fieldErrors: { overrides: [...new Set(parsed.error.issues.map((i) => i.message))] } };
  if (parsed.data.some((o) => findIdentifiers(o.reason, { names: nameLexicon }).length > 0)) {
    return { ok: false, fieldErrors: { overrides: ["identifierGuard.errors.override_reason_identifies"] } };
  }
  return { ok: true, overrides: parsed.data };
}

const sameFinding = (o: { field: string; kind: string; match: string }, f: GuardFinding) =>
  o.field === f.field && o.kind === f.kind && o.match === f.match;

/**
 * Runs the guard; a finding passes only when an override names exactly it (same field,
 * kind and matched text — not its position, so editing around it keeps the override)
 * and it is not certain by its form: a NAM or SIN whose check digit agrees, an email, a
 * full date of birth block whatever the override says (the refusal then says so under
 * `fieldErrors.overrides`). Returns the refusal, or the indexes of the overrides that
 * were needed (the ones to store: an override naming nothing that was found is not kept).
 */
export function checkText(
  fields: Record<string, string>,
  overrides: ReadonlyArray<{ field: string; kind: string; match: string }> = [],
  options: GuardOptions = {},
): { ok: false; refusal: GuardRefusal } | { ok: true; used: number[] } {
  const { findings } = guardFields(fields, options);
  const blocking = findings.filter((f) => f.certain || !overrides.some((o) => sameFinding(o, f)));
  if (blocking.length > 0) {
    const fieldErrors = messagesOf(blocking);
    if (blocking.some((f) => f.certain && overrides.some((o) => sameFinding(o, f)))) {
      fieldErrors.overrides = ["identifierGuard.errors.override_certain"];
    }
    return { ok: false, refusal: { formError: "identifierGuard.errors.identifiers", fieldErrors, findings: blocking } };
  }
  return { ok: true, used: overrides.flatMap((o, i) => (findings.some((f) => sameFinding(o, f)) ? [i] : [])) };
}

/**
 * checkText with the overrides sent in a form or a socket payload: the parsed overrides
 * that were used (to store in the same transaction as the text), or the refusal — bad
 * overrides (fieldErrors.overrides) or the findings that still block.
 */
export function assertNoIdentifiers(
  fields: Record<string, string>,
  overridesInput?: unknown,
  stored: ReadonlyArray<{ field: string; kind: string; match: string }> = [],
  options: GuardOptions = {},
): { ok: true; overrides: OverrideInput[] } | { ok: false; formError: string; fieldErrors: FieldErrors; findings?: GuardFinding[] } {
  const parsed = parseOverrides(overridesInput);
  if (!parsed.ok) return { ok: false, formError: "identifierGuard.errors.invalid_override", fieldErrors: parsed.fieldErrors };
  const check = checkText(fields, [...parsed.overrides, ...stored], options);
  if (!check.ok) return { ok: false, ...check.refusal };
  return { ok: true, overrides: check.used.filter((i) => i < parsed.overrides.length).map((i) => parsed.overrides[i]!) };
}

/**
 * checkText, with the colleague-name exemption: when a finding is a name, the names of the
 * people the text is written among are looked up (once) and the text checked again with
 * them. Cases, forums, chat and mentoring all come through here or assertNoIdentifiersAmong.
 */
export async function checkTextAmong(
  fields: Record<string, string>,
  overrides: ReadonlyArray<{ field: string; kind: string; match: string }>,
  colleagues: ColleagueNames,
): Promise<ReturnType<typeof checkText>> {
  const first = checkText(fields, overrides);
  if (first.ok || !first.refusal.findings.some((f) => f.kind === "name")) return first;
  const names = await colleagues();
  return names.length > 0 ? checkText(fields, overrides, { colleagues: names }) : first;
}

/** assertNoIdentifiers with the colleague-name exemption (see checkTextAmong). */
export async function assertNoIdentifiersAmong(
  fields: Record<string, string>,
  overridesInput: unknown,
  stored: ReadonlyArray<{ field: string; kind: string; match: string }>,
  colleagues: ColleagueNames,
): Promise<ReturnType<typeof assertNoIdentifiers>> {
  const first = assertNoIdentifiers(fields, overridesInput, stored);
  if (first.ok || !first.findings?.some((f) => f.kind === "name")) return first;
  const names = await colleagues();
  return names.length > 0 ? assertNoIdentifiers(fields, overridesInput, stored, { colleagues: names }) : first;
}

/** Link targets of a rich-text document: free text too (a mailto: or tel: link, a query string). */
export function linkTargets(node: {
  marks?: ReadonlyArray<{ type: string; attrs?: { href?: unknown } }>;
  content?: ReadonlyArray<unknown>;
}): string {
  const out: string[] = [];
  const walk = (n: unknown) => {
    if (!n || typeof n !== "object") return;
    const { marks, content } = n as { marks?: unknown; content?: unknown };
    if (Array.isArray(marks)) {
      for (const m of marks) {
        const href = (m as { type?: unknown; attrs?: { href?: unknown } } | null)?.attrs?.href;
        if ((m as { type?: unknown }).type === "link" && typeof href === "string") out.push(href);
      }
    }
    if (Array.isArray(content)) content.forEach(walk);
  };
  walk(node);
  return out.join("\n");
}
