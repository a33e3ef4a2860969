// Clinical case discussions (issue 5). Every free-text field of a case, reply,
// recommendation and follow-up goes through the identifier guard before anything is
// written: a finding refuses the save (400) with one message per finding naming the
// kind, the excerpt and the position. Row-level security decides who sees what
// (supabase/migrations/20261123000400_cases.sql); this module never uses the system path.
import { sql } from "kysely";
import { z } from "zod";
import type { RichDoc, RichNode } from "~/components/rich-text/limits";
import { docToText } from "~/components/rich-text/plain-text";
import { validateRichText } from "~/components/rich-text/validate.server";
import { renderRichTextSafe } from "~/components/rich-text/render.server";
import { bodyFromForm, resolveLinks } from "~/modules/forums/forums.server";
import type { Database, Tx, UserClaims } from "~/utils/db.server";
import type { CasePostKind, CaseStatus } from "~/utils/db-schema";
import { excerptOf, findIdentifiers } from "./identifiers";
import { designateExpertSchema, overridesSchema, removeExpertSchema, sendBackSchema, type OverrideInput } from "./schemas";
import {
  AGE_DECADES, CARE_SETTINGS, CONDITIONS, CONSENT_SETTINGS, DOSE_RANGES, GENDERS, HOUSING, SUBSTANCES, TREATMENTS,
} from "./template";

export { AGE_DECADES, CARE_SETTINGS, CONDITIONS, CONSENT_SETTINGS, DOSE_RANGES, GENDERS, HOUSING, SUBSTANCES, TREATMENTS };

export type FieldErrors = Record<string, string[]>;
export interface GuardFinding { field: string; kind: string; start: number; end: number; before: string; match: string; after: string }
export type { OverrideInput };
export type Refused = {
  ok: false; status: 400 | 403 | 404 | 409; formError?: string; fieldErrors?: FieldErrors; findings?: GuardFinding[];
};
export type Outcome<T extends object = object> = ({ ok: true } & T) | Refused;

const refused = (status: Refused["status"], formError: string, extra: Omit<Refused, "ok" | "status" | "formError"> = {}): Refused =>
  ({ ok: false, status, formError, ...extra });

// ── Template choices ─────────────────────────────────────────────────────────

const manyOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.preprocess((v) => (v === undefined || v === "" ? [] : Array.isArray(v) ? v : [v]), z.array(z.enum(values)).max(values.length));
const optionalChoice = <T extends readonly [string, ...string[]]>(values: T) =>
  z.preprocess((v) => (v === "" ? undefined : v), z.enum(values).optional());
const trimmed = (max: number) => z.string().trim().max(max, { message: "cases.errors.too_long" });

export const caseTemplateSchema = z.object({
  title: z.string().trim().min(4, { message: "cases.errors.title_required" }).max(160, { message: "cases.errors.too_long" }),
  question: z.string().trim().min(10, { message: "cases.errors.question_required" }).max(2000, { message: "cases.errors.too_long" }),
  careSetting: z.enum(CARE_SETTINGS, { message: "cases.errors.care_setting_required" }),
  ageDecade: z.preprocess((v) => (v === "" || v === undefined ? undefined : Number(v)),
    z.union(AGE_DECADES.map((d) => z.literal(d)) as unknown as [z.ZodLiteral<10>, z.ZodLiteral<20>]).optional()),
  gender: optionalChoice(GENDERS),
  substances: manyOf(SUBSTANCES),
  treatment: optionalChoice(TREATMENTS),
  doseRange: optionalChoice(DOSE_RANGES),
  conditions: manyOf(CONDITIONS),
  housing: optionalChoice(HOUSING),
  socialSituation: trimmed(1000).default(""),
  whatTried: trimmed(4000).default(""),
  details: z.string().max(40_000).optional(),
  detailsJson: z.string().max(400_000).optional(),
  topics: z.preprocess((v) => (typeof v === "string" ? v.split(",").map((s) => s.trim()).filter(Boolean) : v ?? []),
    z.array(z.string().max(40)).max(8)),
  pseudonym: z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), trimmed(80).min(2).optional()),
  spaceId: z.preprocess((v) => (v === "" ? undefined : v), z.string().uuid().optional()),
});
export type CaseTemplateInput = z.input<typeof caseTemplateSchema>;

// ── The guard ────────────────────────────────────────────────────────────────
const KIND_FR: Record<string, string> = {
  nam: "numéro d'assurance maladie (NAM)", record_number: "numéro de dossier", phone: "numéro de téléphone",
  email: "adresse courriel", postal_code: "code postal", date_of_birth: "date de naissance", date: "date complète",
  address: "adresse", age_over_89: "âge de plus de 89 ans", name: "nom de personne",
};

const findingMessage = (f: GuardFinding) =>
  `Identifiant possible — ${KIND_FR[f.kind] ?? f.kind} : « ${f.match} » (caractères ${f.start + 1} à ${f.end}, dans « ${f.before}${f.match}${f.after} »). ` +
  "Retirez-le ou remplacez-le par une information non identifiante.";

function messagesOf(findings: GuardFinding[]): FieldErrors {
  const fieldErrors: FieldErrors = {};
  for (const f of findings) (fieldErrors[f.field] ??= []).push(findingMessage(f));
  return fieldErrors;
}

/** Runs findIdentifiers on each field; the findings with their context, field by field. */
export function guardFields(fields: Record<string, string>): { findings: GuardFinding[]; fieldErrors: FieldErrors } {
  const findings: GuardFinding[] = [];
  for (const [field, text] of Object.entries(fields)) {
    for (const f of findIdentifiers(text)) findings.push({ field, kind: f.kind, start: f.start, end: f.end, ...excerptOf(text, f) });
  }
  return { findings, fieldErrors: messagesOf(findings) };
}

/** Every string a rich-text document carries besides its text (link targets, labels). */
function attributeStrings(node: RichNode, out: string[] = []): string[] {
  for (const value of Object.values(node.attrs ?? {})) if (typeof value === "string") out.push(value);
  for (const mark of node.marks ?? []) if (mark.type === "link") out.push(mark.attrs.href);
  for (const child of node.content ?? []) attributeStrings(child, out);
  return out;
}

type RichBody =
  | { ok: true; doc: RichDoc | null; text: string; attrs: string; mentions: string[]; references: Array<{ kind: string; id: string }> }
  | { ok: false; error: string };
function richBody(input: { body?: string; bodyJson?: string }, allowEmpty: boolean): RichBody {
  if (allowEmpty && !input.body?.trim() && !input.bodyJson?.trim()) return { ok: true, doc: null, text: "", attrs: "", mentions: [], references: [] };
  const result = bodyFromForm(input);
  if (!result.ok) return { ok: false, error: `forums.richText.errors.${result.error}` };
  return { ok: true, doc: result.doc, text: result.text, attrs: attributeStrings(result.doc).join("\n"), mentions: result.mentions, references: result.references };
}

/**
 * References to topics and tools must be readable by every reader of the case (a
 * private topic's title never reaches a case open to all verified members); labels
 * become the current titles. Cases notify nobody by mention, so mentions are refused
 * (the placeholder space matches no member).
 */
const NO_SPACE = "00000000-0000-0000-0000-000000000000";
async function resolveCaseLinks(tx: Tx, body: Extract<RichBody, { ok: true }>, spaceId: string | null): Promise<{ ok: true; json: string | null } | { ok: false; error: string }> {
  if (!body.doc) return { ok: true, json: null };
  if (body.mentions.length === 0 && body.references.length === 0) return { ok: true, json: JSON.stringify(body.doc) };
  if (body.mentions.length > 0) return { ok: false, error: "forums.richText.errors.bad_mention" };
  const resolved = await resolveLinks(tx, body.doc, spaceId ? { id: spaceId, visibility: "members" } : { id: NO_SPACE, visibility: "verified" }, [], body.references);
  if (!resolved.ok) return { ok: false, error: `forums.richText.errors.${resolved.error}` };
  return { ok: true, json: JSON.stringify(resolved.doc) };
}

function dbRefusal(error: unknown): Refused | null {
  const message = error instanceof Error ? error.message : String(error);
  if (/row-level security|permission denied|not allowed|only the presenter|not a member|not open|starts as a draft|fixed/.test(message)) {
    return refused(403, "cases.errors.forbidden");
  }
  if ((error as { code?: string } | null)?.code === "23514") return refused(400, "cases.errors.invalid");
  return null;
}
async function attempt<T extends object>(fn: () => Promise<Outcome<T>>): Promise<Outcome<T>> {
  try {
    return await fn();
  } catch (error) {
    const known = dbRefusal(error);
    if (known) return known;
    throw error;
  }
}

// ── Reads ────────────────────────────────────────────────────────────────────

/** Whether the person reviews cases: a moderator or admin, or a private space's moderator (case coordinator). */
export async function canReviewCases(db: Database, claims: UserClaims, userId: string): Promise<boolean> {
  return db.withUser(claims, async (tx) => {
    const { rows: [r] } = await sql<{ yes: boolean }>`
      select public.has_role('moderator') or exists (
        select 1 from public.space_members m where m.user_id = ${userId}::uuid and m.role = 'moderator') as yes`.execute(tx);
    return r?.yes ?? false;
  }, { readOnly: true });
}

/** The private spaces the person belongs to (where a case can be presented). */
export async function listMySpaces(db: Database, claims: UserClaims, userId: string) {
  return db.withUser(claims, (tx) => tx.selectFrom("space_members as m").innerJoin("spaces as s", "s.id", "m.space_id")
    .select(["s.id", "s.name_fr", "s.name_en"]).where("m.user_id", "=", userId).where("s.visibility", "=", "members").execute(), { readOnly: true });
}

/** A draft of the viewer's, as the form's values; null when it is not theirs or not a draft. */
export async function getDraftForEdit(db: Database, claims: UserClaims, caseId: string) {
  if (!z.string().uuid().safeParse(caseId).success) return null;
  return db.withUser(claims, async (tx) => {
    const row = await tx.selectFrom("cases").select([...CASE_COLUMNS]).where("id", "=", caseId).where("status", "=", "draft").executeTakeFirst();
    if (!row) return null;
    const { rows: [who] } = await sql<{ author_id: string | null }>`select author_id from public.case_presenter(${caseId}::uuid)`.execute(tx);
    if (who?.author_id !== claims.sub) return null;
    let details = row.details_text;
    const doc = row.details ? validateRichText(row.details) : null;
    if (doc?.ok) details = docToText(doc.doc);
    const opt = (value: string | number | null) => (value == null ? "" : String(value));
    return {
      id: row.id, reviewNote: row.review_note,
      values: {
        title: row.title, question: row.question, careSetting: row.care_setting, ageDecade: opt(row.age_decade), gender: opt(row.gender),
        treatment: opt(row.treatment), doseRange: opt(row.dose_range), housing: opt(row.housing), socialSituation: row.social_situation,
        whatTried: row.what_tried, details, topics: row.topics.join(", "), pseudonym: opt(row.pseudonym), spaceId: opt(row.space_id),
      } as Record<string, string>,
      multi: { substances: row.substances, conditions: row.conditions },
    };
  }, { readOnly: true });
}

/** The details as textarea markup after a refusal (the editor may have sent JSON only). */
export function detailsTextOf(form: FormData): string | undefined {
  const json = form.get("detailsJson");
  if (typeof json !== "string" || !json.trim()) return undefined;
  const result = bodyFromForm({ bodyJson: json });
  return result.ok ? docToText(result.doc) : undefined;
}
const CASE_COLUMNS = ["id", "space_id", "status", "requires_review", "title", "question", "care_setting", "age_decade", "gender",
  "substances", "treatment", "dose_range", "conditions", "housing", "social_situation", "what_tried", "details", "details_text",
  "topics", "pseudonym", "attested_at", "consent_obtained", "created_at", "updated_at", "submitted_at", "opened_at", "closed_at",
  "review_note", "reviewed_at"] as const;

export interface CaseListItem { id: string; title: string; status: CaseStatus; careSetting: string; spaceId: string | null; createdAt: Date }

export async function listCases(db: Database, claims: UserClaims): Promise<CaseListItem[]> {
  return db.withUser(claims, async (tx) => {
    const rows = await tx.selectFrom("cases").select(["id", "title", "status", "care_setting", "space_id", "created_at"])
      .orderBy("created_at", "desc").limit(100).execute();
    return rows.map((r) => ({ id: r.id, title: r.title, status: r.status, careSetting: r.care_setting, spaceId: r.space_id, createdAt: r.created_at }));
  });
}

export interface CasePost { id: number; kind: CasePostKind; body: unknown; bodyText: string; html: string; createdAt: Date; authorName: string | null }
export interface Citation { kind: "tool" | "topic"; id: string; label: string; href: string }
export interface CaseView {
  case: Record<(typeof CASE_COLUMNS)[number], unknown> & { id: string; title: string; status: CaseStatus };
  presenter: { authorId: string | null; displayName: string | null; pseudonym: string | null; revealed: boolean };
  mine: boolean; canModerate: boolean; canRecommend: boolean;
  posts: CasePost[];
  /** The details as schema-only HTML (links and references rendered). */
  detailsHtml: string;
  /** Tools and forum topics cited by the case and its posts, once each. */
  citations: Citation[];
  /** Overrides of the guard on this case: its moderators see them all, an author their own. */
  overrides: OverrideRow[];
}

/** References (#topic, #tool) and links to /tools/<id> or /forums/t/<id> in stored documents. */
export function citationsOf(docs: unknown[]): Citation[] {
  const found = new Map<string, Citation>();
  const add = (c: Citation) => { if (!found.has(`${c.kind}:${c.id}`)) found.set(`${c.kind}:${c.id}`, c); };
  const walk = (node: unknown, linkText = "") => {
    if (!node || typeof node !== "object") return;
    const n = node as RichNode;
    if (n.type === "reference" && typeof n.attrs?.id === "string") {
      const kind = n.attrs.kind === "tool" ? "tool" : "topic";
      const id = n.attrs.id;
      add({ kind, id, label: String(n.attrs.label ?? id), href: kind === "tool" ? `/tools/${id}` : `/forums/t/${id}` });
    }
    for (const mark of n.marks ?? []) {
      if (mark.type !== "link") continue;
      const tool = /^(?:https?:\/\/[^/]+)?\/tools\/([0-9a-f-]{36})$/i.exec(mark.attrs.href);
      const topic = /^(?:https?:\/\/[^/]+)?\/forums\/t\/([1-9][0-9]{0,17})$/.exec(mark.attrs.href);
      if (tool) add({ kind: "tool", id: tool[1]!, label: n.text ?? linkText, href: `/tools/${tool[1]}` });
      if (topic) add({ kind: "topic", id: topic[1]!, label: n.text ?? linkText, href: `/forums/t/${topic[1]}` });
    }
    for (const child of n.content ?? []) walk(child);
  };
  for (const doc of docs) walk(doc);
  return [...found.values()];
}

/**
 * A case as the viewer may see it, or null (not found and not allowed look the same).
 * A moderator's or admin's read is recorded in the audit log (case_log_moderator_read).
 */
export async function getCase(db: Database, claims: UserClaims, caseId: string): Promise<CaseView | null> {
  if (!z.string().uuid().safeParse(caseId).success) return null;
  return db.withUser(claims, async (tx) => {
    const row = await tx.selectFrom("cases").select([...CASE_COLUMNS]).where("id", "=", caseId).executeTakeFirst();
    if (!row) return null;
    const { rows: [rights] } = await sql<{ can_moderate: boolean; can_recommend: boolean; logged: boolean }>`
      select public.can_moderate_case(${caseId}::uuid) as can_moderate, public.can_recommend_case(${caseId}::uuid) as can_recommend,
             public.case_log_moderator_read(${caseId}::uuid) as logged`.execute(tx);
    const { rows: [who] } = await sql<{ author_id: string | null; display_name: string | null; pseudonym: string | null; revealed: boolean }>`
      select * from public.case_presenter(${caseId}::uuid)`.execute(tx);
    // Each post with who wrote it (case_post_authors: names for readers of the case, the
    // presenter's posts only flagged).
    const { rows: posts } = await sql<{ id: number; kind: CasePostKind; body: unknown; body_text: string; created_at: Date; by_presenter: boolean | null; display_name: string | null }>`
      select cp.id, cp.kind, cp.body, cp.body_text, cp.created_at, a.by_presenter, a.display_name
        from public.case_posts cp left join public.case_post_authors(${caseId}::uuid) a on a.post_id = cp.id
       where cp.case_id = ${caseId}::uuid order by cp.id`.execute(tx);
    const overrides = await overridesQuery(tx).where("o.case_id", "=", caseId).orderBy("o.id").execute();
    // Under a pseudonym, the presenter's own posts carry it too (peers never see the name);
    // case_presenter() already answered with the name only to those who may see it.
    const authorName = (p: { by_presenter: boolean | null; display_name: string | null }) =>
      p.by_presenter ? who?.display_name ?? row.pseudonym ?? null : p.display_name;
    return {
      case: row as CaseView["case"],
      presenter: { authorId: who?.author_id ?? null, displayName: who?.display_name ?? null, pseudonym: who?.pseudonym ?? row.pseudonym, revealed: who?.revealed ?? false },
      mine: who?.author_id === claims.sub,
      canModerate: rights?.can_moderate ?? false,
      canRecommend: rights?.can_recommend ?? false,
      posts: posts.map((p) => ({ id: p.id, kind: p.kind, body: p.body, bodyText: p.body_text, html: renderRichTextSafe(p.body, p.body_text),
        createdAt: p.created_at, authorName: authorName(p) })),
      detailsHtml: row.details ? renderRichTextSafe(row.details, row.details_text) : "",
      citations: citationsOf([row.details, ...posts.map((p) => p.body)]),
      overrides: overrides.map(toOverrideRow),
    };
  });
}

// ── Writes ───────────────────────────────────────────────────────────────────
type ParsedTemplate = { values: z.output<typeof caseTemplateSchema>; details: Extract<RichBody, { ok: true }>; guardText: Record<string, string>; overrides: OverrideInput[] };
function parseOverrides(input: unknown): Outcome<{ overrides: OverrideInput[] }> {
  const parsed = overridesSchema.safeParse(input ?? []);
  if (!parsed.success) {
    return refused(400, "cases.errors.invalid", { fieldErrors: { overrides: [...new Set(parsed.error.issues.map((i) => i.message))] } });
  }
  // The reason is free text too: it goes through the guard like everything else.
  const leaking = parsed.data.filter((o) => findIdentifiers(o.reason).length > 0);
  if (leaking.length > 0) return refused(400, "cases.errors.invalid", { fieldErrors: { overrides: ["cases.errors.override_reason_identifies"] } });
  return { ok: true, overrides: parsed.data };
}

function parseTemplate(input: unknown, overridesInput?: unknown): Outcome<ParsedTemplate> {
  const parsed = caseTemplateSchema.safeParse(input);
  if (!parsed.success) {
    const fieldErrors: FieldErrors = {};
    for (const issue of parsed.error.issues) (fieldErrors[String(issue.path[0] ?? "form")] ??= []).push(issue.message);
    return refused(400, "cases.errors.invalid", { fieldErrors });
  }
  const v = parsed.data;
  const details = richBody({ body: v.details, bodyJson: v.detailsJson }, true);
  if (!details.ok) return refused(400, "cases.errors.invalid", { fieldErrors: { details: [details.error] } });
  const guardText: Record<string, string> = {
    title: v.title, question: v.question, socialSituation: v.socialSituation, whatTried: v.whatTried,
    details: details.text, detailsLinks: details.attrs, topics: v.topics.join(", "), pseudonym: v.pseudonym ?? "",
  };
  const overrides = parseOverrides(overridesInput);
  if (!overrides.ok) return overrides;
  return { ok: true, values: v, details, guardText, overrides: overrides.overrides };
}

const sameFinding = (o: { field: string; kind: string; match: string }, f: GuardFinding) =>
  o.field === f.field && o.kind === f.kind && o.match === f.match;

/**
 * Runs the guard; a finding passes only when an override names exactly it (same field,
 * kind and matched text). Returns the refusal, or the overrides that were needed (the
 * ones to store: an override naming nothing that was found is not kept).
 */
function guardOrRefuse(fields: Record<string, string>, overrides: Array<{ field: string; kind: string; match: string }> = []):
  { refusal: Refused; used: [] } | { refusal: null; used: number[] } {
  const { findings } = guardFields(fields);
  const blocking = findings.filter((f) => !overrides.some((o) => sameFinding(o, f)));
  if (blocking.length > 0) {
    return { refusal: refused(400, "cases.errors.identifiers", { fieldErrors: messagesOf(blocking), findings: blocking }), used: [] };
  }
  return { refusal: null, used: overrides.flatMap((o, i) => (findings.some((f) => sameFinding(o, f)) ? [i] : [])) };
}

async function storeOverrides(tx: Tx, caseId: string, postId: number | null, overrides: OverrideInput[]) {
  if (overrides.length === 0) return;
  await tx.insertInto("case_identifier_overrides").values(overrides.map((o) => ({
    case_id: caseId, post_id: postId, field: o.field, kind: o.kind, match: o.match, reason: o.reason,
  }))).execute();
}

function rowValues(v: z.output<typeof caseTemplateSchema>, details: { json: string | null; text: string }) {
  return {
    title: v.title, question: v.question, care_setting: v.careSetting, age_decade: v.ageDecade ?? null, gender: v.gender ?? null,
    substances: v.substances, treatment: v.treatment ?? null, dose_range: v.doseRange ?? null, conditions: v.conditions,
    housing: v.housing ?? null, social_situation: v.socialSituation, what_tried: v.whatTried, details: details.json,
    details_text: details.text, topics: v.topics, pseudonym: v.pseudonym ?? null,
  };
}

/** Creates a draft (author only). Refused with 400 and nothing saved when the guard finds anything. */
export async function createCase(db: Database, claims: UserClaims, input: unknown, overridesInput?: unknown): Promise<Outcome<{ id: string }>> {
  const t = parseTemplate(input, overridesInput);
  if (!t.ok) return t;
  const guard = guardOrRefuse(t.guardText, t.overrides);
  if (guard.refusal) return guard.refusal;
  return attempt(() => db.withUser(claims, async (tx) => {
    let requiresReview = false;
    if (t.values.spaceId) {
      const { rows: [m] } = await sql<{ member: boolean }>`select public.is_space_member(${t.values.spaceId}::uuid) as member`.execute(tx);
      if (!m?.member) return refused(403, "cases.errors.not_in_space");
      // Private ECHO groups review cases before they open.
      const space = await tx.selectFrom("spaces").select(["visibility"]).where("id", "=", t.values.spaceId).executeTakeFirst();
      requiresReview = space?.visibility === "members";
    }
    const details = await resolveCaseLinks(tx, t.details, t.values.spaceId ?? null);
    if (!details.ok) return refused(400, "cases.errors.invalid", { fieldErrors: { details: [details.error] } });
    const row = await tx.insertInto("cases").values({ ...rowValues(t.values, { json: details.json, text: t.details.text }), space_id: t.values.spaceId ?? null, requires_review: requiresReview })
      .returning("id").executeTakeFirstOrThrow();
    await storeOverrides(tx, row.id, null, guard.used.map((i) => t.overrides[i]!));
    return { ok: true as const, id: row.id };
  }));
}

/** Edits a draft (author only, enforced by the database too). */
export async function updateCase(db: Database, claims: UserClaims, caseId: string, input: unknown, overridesInput?: unknown): Promise<Outcome<{ id: string }>> {
  if (!z.string().uuid().safeParse(caseId).success) return refused(404, "cases.errors.not_found");
  const t = parseTemplate(input, overridesInput);
  if (!t.ok) return t;
  return attempt(() => db.withUser(claims, async (tx) => {
    const current = await tx.selectFrom("cases").select(["space_id"]).where("id", "=", caseId).executeTakeFirst();
    if (!current) return refused(403, "cases.errors.forbidden");
    // Overrides given earlier for this case still stand for the same findings.
    const stored = await tx.selectFrom("case_identifier_overrides").select(["field", "kind", "match"])
      .where("case_id", "=", caseId).where("post_id", "is", null).execute();
    const guard = guardOrRefuse(t.guardText, [...t.overrides, ...stored]);
    if (guard.refusal) return guard.refusal;
    const details = await resolveCaseLinks(tx, t.details, current.space_id);
    if (!details.ok) return refused(400, "cases.errors.invalid", { fieldErrors: { details: [details.error] } });
    const res = await tx.updateTable("cases").set(rowValues(t.values, { json: details.json, text: t.details.text })).where("id", "=", caseId).where("status", "=", "draft")
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0) return refused(403, "cases.errors.forbidden");
    await storeOverrides(tx, caseId, null, guard.used.filter((i) => i < t.overrides.length).map((i) => t.overrides[i]!));
    return { ok: true as const, id: caseId };
  }));
}

export const submitSchema = z.object({
  attestNotIdentifiable: z.literal("on", { message: "cases.errors.attestation_required" }),
  attestConsent: z.literal("on").optional(),
});

/** draft → submitted (→ open when no review is required). Needs the attestation, and consent where the setting requires it. */
export async function submitCase(db: Database, claims: UserClaims, caseId: string, input: unknown): Promise<Outcome<{ status: CaseStatus }>> {
  const parsed = submitSchema.safeParse(input);
  if (!parsed.success) return refused(400, "cases.errors.invalid", { fieldErrors: { attestNotIdentifiable: ["cases.errors.attestation_required"] } });
  return attempt(() => db.withUser(claims, async (tx) => {
    const row = await tx.selectFrom("cases").select(["status", "care_setting", "title", "question", "social_situation", "what_tried", "details_text", "pseudonym", "topics"])
      .where("id", "=", caseId).executeTakeFirst();
    if (!row) return refused(404, "cases.errors.not_found");
    if (row.status !== "draft") return refused(409, "cases.errors.not_draft");
    if (CONSENT_SETTINGS.has(row.care_setting) && parsed.data.attestConsent !== "on") {
      return refused(400, "cases.errors.invalid", { fieldErrors: { attestConsent: ["cases.errors.consent_required"] } });
    }
    // The stored text is checked again (the guard may have learned new shapes since the draft).
    const stored = await tx.selectFrom("case_identifier_overrides").select(["field", "kind", "match"])
      .where("case_id", "=", caseId).where("post_id", "is", null).execute();
    const guard = guardOrRefuse({ title: row.title, question: row.question, socialSituation: row.social_situation,
      whatTried: row.what_tried, details: row.details_text, pseudonym: row.pseudonym ?? "", topics: row.topics.join(", ") }, stored);
    if (guard.refusal) return guard.refusal;
    const updated = await tx.updateTable("cases").set({ status: "submitted", attested_at: new Date(), consent_obtained: parsed.data.attestConsent === "on" })
      .where("id", "=", caseId).returning("status").executeTakeFirst();
    if (!updated) return refused(403, "cases.errors.forbidden");
    return { ok: true as const, status: updated.status };
  }));
}

/** A moderator or case coordinator opens a case waiting for review. */
export async function openCase(db: Database, claims: UserClaims, caseId: string): Promise<Outcome> {
  return attempt(() => db.withUser(claims, async (tx) => {
    const res = await tx.updateTable("cases").set({ status: "open" }).where("id", "=", caseId).where("status", "in", ["submitted", "in_review"]).executeTakeFirst();
    return Number(res.numUpdatedRows) === 0 ? refused(403, "cases.errors.forbidden") : { ok: true as const };
  }));
}

export async function closeCase(db: Database, claims: UserClaims, caseId: string): Promise<Outcome> {
  return attempt(() => db.withUser(claims, async (tx) => {
    const res = await tx.updateTable("cases").set({ status: "closed" }).where("id", "=", caseId).where("status", "not in", ["draft", "closed"]).executeTakeFirst();
    return Number(res.numUpdatedRows) === 0 ? refused(403, "cases.errors.forbidden") : { ok: true as const };
  }));
}

async function addPost(db: Database, claims: UserClaims, caseId: string, kind: CasePostKind, input: { body?: string; bodyJson?: string }, overridesInput?: unknown): Promise<Outcome<{ id: number }>> {
  const body = richBody(input, false);
  if (!body.ok) return refused(400, "cases.errors.invalid", { fieldErrors: { body: [body.error] } });
  if (!body.text.trim()) return refused(400, "cases.errors.invalid", { fieldErrors: { body: ["cases.errors.body_required"] } });
  const overrides = parseOverrides(overridesInput);
  if (!overrides.ok) return overrides;
  const guard = guardOrRefuse({ body: body.text, bodyLinks: body.attrs }, overrides.overrides);
  if (guard.refusal) return guard.refusal;
  if (!z.string().uuid().safeParse(caseId).success) return refused(404, "cases.errors.not_found");
  return attempt(() => db.withUser(claims, async (tx: Tx) => {
    const visible = await tx.selectFrom("cases").select(["id", "space_id"]).where("id", "=", caseId).executeTakeFirst();
    if (!visible) return refused(404, "cases.errors.not_found");
    const json = await resolveCaseLinks(tx, body, visible.space_id);
    if (!json.ok) return refused(400, "cases.errors.invalid", { fieldErrors: { body: [json.error] } });
    const row = await tx.insertInto("case_posts").values({ case_id: caseId, kind, body: json.json!, body_text: body.text })
      .returning("id").executeTakeFirstOrThrow();
    await storeOverrides(tx, caseId, row.id, guard.used.map((i) => overrides.overrides[i]!));
    return { ok: true as const, id: row.id };
  }));
}

type PostInput = { body?: string; bodyJson?: string };
export const replyToCase = (db: Database, claims: UserClaims, caseId: string, input: PostInput, overrides?: unknown) =>
  addPost(db, claims, caseId, "reply", input, overrides);
export const recommendOnCase = (db: Database, claims: UserClaims, caseId: string, input: PostInput, overrides?: unknown) =>
  addPost(db, claims, caseId, "recommendation", input, overrides);
export const followUpCase = (db: Database, claims: UserClaims, caseId: string, input: PostInput, overrides?: unknown) =>
  addPost(db, claims, caseId, "follow_up", input, overrides);

/** A moderator or case coordinator sends a submitted case back to its presenter with a note (audited). */
export async function sendBackCase(db: Database, claims: UserClaims, caseId: string, input: unknown): Promise<Outcome> {
  const parsed = sendBackSchema.safeParse(input);
  if (!parsed.success) return refused(400, "cases.errors.invalid", { fieldErrors: { note: parsed.error.issues.map((i) => i.message) } });
  const guard = guardOrRefuse({ note: parsed.data.note });
  if (guard.refusal) return guard.refusal;
  if (!z.string().uuid().safeParse(caseId).success) return refused(404, "cases.errors.not_found");
  return attempt(() => db.withUser(claims, async (tx) => {
    const { rows: [r] } = await sql<{ ok: boolean }>`select public.case_send_back(${caseId}::uuid, ${parsed.data.note}) as ok`.execute(tx);
    return r?.ok ? { ok: true as const } : refused(403, "cases.errors.forbidden");
  }));
}

export interface ReviewQueueItem { id: string; title: string; status: CaseStatus; careSetting: string; spaceName: string | null; submittedAt: Date | null }
export interface OverrideRow { id: number; caseId: string; caseTitle: string; postId: number | null; field: string; kind: string; match: string; reason: string; authorName: string | null; createdAt: Date }

/** Cases waiting for review, and recent overrides, on the cases the viewer moderates (RLS and can_moderate_case). */
export async function getReviewQueue(db: Database, claims: UserClaims): Promise<{ waiting: ReviewQueueItem[]; overrides: OverrideRow[] }> {
  return db.withUser(claims, async (tx) => {
    const waiting = await tx.selectFrom("cases as c").leftJoin("spaces as s", "s.id", "c.space_id")
      .select(["c.id", "c.title", "c.status", "c.care_setting", "c.submitted_at", "s.name_fr"])
      .where("c.status", "in", ["submitted", "in_review"]).where(sql<boolean>`public.can_moderate_case(c.id)`)
      .orderBy("c.submitted_at").limit(100).execute();
    const overrides = await overridesQuery(tx).where(sql<boolean>`public.can_moderate_case(o.case_id)`).orderBy("o.id", "desc").limit(100).execute();
    return {
      waiting: waiting.map((w) => ({ id: w.id, title: w.title, status: w.status, careSetting: w.care_setting, spaceName: w.name_fr ?? null, submittedAt: w.submitted_at })),
      overrides: overrides.map(toOverrideRow),
    };
  });
}

const overridesQuery = (tx: Tx) => tx.selectFrom("case_identifier_overrides as o").innerJoin("cases as c", "c.id", "o.case_id")
  .leftJoin("profiles as p", "p.id", "o.author_id")
  .select(["o.id", "o.case_id", "c.title", "o.post_id", "o.field", "o.kind", "o.match", "o.reason", "p.display_name", "o.created_at"]);
const toOverrideRow = (o: { id: number; case_id: string; title: string; post_id: number | null; field: string; kind: string; match: string; reason: string; display_name: string | null; created_at: Date }): OverrideRow => ({
  id: o.id, caseId: o.case_id, caseTitle: o.title, postId: o.post_id, field: o.field, kind: o.kind, match: o.match, reason: o.reason,
  authorName: o.display_name, createdAt: o.created_at,
});


// ── Designated experts ───────────────────────────────────────────────────────
export interface ExpertRow { id: number; userId: string; name: string | null; spaceId: string | null; spaceName: string | null }
export interface ExpertsPanel {
  experts: ExpertRow[];
  /** Where the viewer may designate: "" (every verified case, admins) and the private spaces they moderate. */
  scopes: Array<{ id: string; name_fr: string; name_en: string }>;
  candidates: Array<{ id: string; name: string }>;
  canDesignateEverywhere: boolean;
}

/** The designations the viewer may see and manage (RLS), and whom they may designate where. Null: nothing to manage. */
export async function getExpertsPanel(db: Database, claims: UserClaims): Promise<ExpertsPanel | null> {
  return db.withUser(claims, async (tx) => {
    const { rows: [me] } = await sql<{ admin: boolean; spaces: string[] }>`
      select public.is_admin() as admin,
             coalesce((select array_agg(s.id) from public.spaces s where s.visibility = 'members' and s.id = any (public.moderated_space_ids())), '{}') as spaces`.execute(tx);
    const admin = me?.admin ?? false;
    const spaceIds = me?.spaces ?? [];
    if (!admin && spaceIds.length === 0) return null;
    const scopes = spaceIds.length ? await tx.selectFrom("spaces").select(["id", "name_fr", "name_en"]).where("id", "in", spaceIds).orderBy("name_fr").execute() : [];
    const rows = await tx.selectFrom("case_experts as e").leftJoin("spaces as s", "s.id", "e.space_id")
      .select(["e.id", "e.user_id", "e.space_id", "s.name_fr"]).orderBy("e.id").execute();
    let candidateIds: string[];
    if (admin) {
      candidateIds = (await tx.selectFrom("profiles").select("id").where("verification_status", "=", "verified").orderBy("display_name").limit(500).execute()).map((r) => r.id);
    } else {
      candidateIds = [...new Set((await tx.selectFrom("space_members").select("user_id").where("space_id", "in", spaceIds).execute()).map((r) => r.user_id))];
    }
    const allIds = [...new Set([...candidateIds, ...rows.map((r) => r.user_id)])];
    const names = new Map<string, string>();
    if (allIds.length) {
      const { rows: cards } = await sql<{ id: string; display_name: string; verified: boolean }>`
        select id, display_name, verified from public.forum_profile_cards(${allIds}::uuid[])`.execute(tx);
      for (const c of cards) names.set(c.id, c.display_name);
    }
    return {
      experts: rows.map((r) => ({ id: r.id, userId: r.user_id, name: names.get(r.user_id) ?? null, spaceId: r.space_id, spaceName: r.name_fr ?? null })),
      scopes,
      candidates: candidateIds.filter((id) => names.has(id)).map((id) => ({ id, name: names.get(id)! })).sort((a, b) => a.name.localeCompare(b.name, "fr")),
      canDesignateEverywhere: admin,
    };
  });
}

export async function designateExpert(db: Database, claims: UserClaims, input: unknown): Promise<Outcome> {
  const parsed = designateExpertSchema.safeParse(input);
  if (!parsed.success) {
    const fieldErrors: FieldErrors = {};
    for (const issue of parsed.error.issues) (fieldErrors[String(issue.path[0] ?? "form")] ??= []).push(issue.message);
    return refused(400, "cases.errors.invalid", { fieldErrors });
  }
  try {
    return await db.withUser(claims, async (tx) => {
      const { rows: [ok] } = await sql<{ verified: boolean }>`
        select exists (select 1 from public.forum_profile_cards(array[${parsed.data.userId}::uuid]) c where c.verified) as verified`.execute(tx);
      if (!ok?.verified) return refused(400, "cases.errors.invalid", { fieldErrors: { userId: ["cases.errors.expert_required"] } });
      await tx.insertInto("case_experts").values({ user_id: parsed.data.userId, space_id: parsed.data.spaceId ?? null }).execute();
      return { ok: true as const };
    });
  } catch (error) {
    if ((error as { code?: string } | null)?.code === "23505") return refused(409, "cases.errors.expert_exists");
    const known = dbRefusal(error);
    if (known) return known;
    throw error;
  }
}

export async function removeExpert(db: Database, claims: UserClaims, input: unknown): Promise<Outcome> {
  const parsed = removeExpertSchema.safeParse(input);
  if (!parsed.success) return refused(400, "cases.errors.invalid");
  return attempt(() => db.withUser(claims, async (tx) => {
    const res = await tx.deleteFrom("case_experts").where("id", "=", parsed.data.expertId).executeTakeFirst();
    return Number(res.numDeletedRows) === 0 ? refused(403, "cases.errors.forbidden") : { ok: true as const };
  }));
}
