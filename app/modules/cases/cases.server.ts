// Clinical case discussions (issue 5). Every free-text field of a case, reply,
// recommendation and follow-up goes through the identifier guard before anything is
// written: a finding refuses the save (400) with one message per finding naming the
// kind, the excerpt and the position. Row-level security decides who sees what
// (supabase/migrations/20261123000400_cases.sql); this module never uses the system path.
import { sql } from "kysely";
import { z } from "zod";
import type { RichNode } from "~/components/rich-text/limits";
import { bodyFromForm } from "~/modules/forums/forums.server";
import type { Database, Tx, UserClaims } from "~/utils/db.server";
import type { CasePostKind, CaseStatus } from "~/utils/db-schema";
import { excerptOf, findIdentifiers } from "./identifiers";
import {
  AGE_DECADES, CARE_SETTINGS, CONDITIONS, CONSENT_SETTINGS, DOSE_RANGES, GENDERS, HOUSING, SUBSTANCES, TREATMENTS,
} from "./template";

export { AGE_DECADES, CARE_SETTINGS, CONDITIONS, CONSENT_SETTINGS, DOSE_RANGES, GENDERS, HOUSING, SUBSTANCES, TREATMENTS };

export type FieldErrors = Record<string, string[]>;
export interface GuardFinding { field: string; kind: string; start: number; end: number; before: string; match: string; after: string }
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

/** Runs findIdentifiers on each field; the findings with their context, field by field. */
export function guardFields(fields: Record<string, string>): { findings: GuardFinding[]; fieldErrors: FieldErrors } {
  const findings: GuardFinding[] = [];
  const fieldErrors: FieldErrors = {};
  for (const [field, text] of Object.entries(fields)) {
    for (const f of findIdentifiers(text)) {
      const ex = excerptOf(text, f);
      findings.push({ field, kind: f.kind, start: f.start, end: f.end, ...ex });
      (fieldErrors[field] ??= []).push(
        `Identifiant possible — ${KIND_FR[f.kind] ?? f.kind} : « ${ex.match} » (caractères ${f.start + 1} à ${f.end}, dans « ${ex.before}${ex.match}${ex.after} »). ` +
          "Retirez-le ou remplacez-le par une information non identifiante.",
      );
    }
  }
  return { findings, fieldErrors };
}

/** Every string a rich-text document carries besides its text (link targets, labels). */
function attributeStrings(node: RichNode, out: string[] = []): string[] {
  for (const value of Object.values(node.attrs ?? {})) if (typeof value === "string") out.push(value);
  for (const mark of node.marks ?? []) if (mark.type === "link") out.push(mark.attrs.href);
  for (const child of node.content ?? []) attributeStrings(child, out);
  return out;
}

type RichBody = { ok: true; json: string | null; text: string; attrs: string } | { ok: false; error: string };
function richBody(input: { body?: string; bodyJson?: string }, allowEmpty: boolean): RichBody {
  if (allowEmpty && !input.body?.trim() && !input.bodyJson?.trim()) return { ok: true, json: null, text: "", attrs: "" };
  const result = bodyFromForm(input);
  if (!result.ok) return { ok: false, error: `forums.richText.errors.${result.error}` };
  return { ok: true, json: JSON.stringify(result.doc), text: result.text, attrs: attributeStrings(result.doc).join("\n") };
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
const CASE_COLUMNS = ["id", "space_id", "status", "requires_review", "title", "question", "care_setting", "age_decade", "gender",
  "substances", "treatment", "dose_range", "conditions", "housing", "social_situation", "what_tried", "details", "details_text",
  "topics", "pseudonym", "attested_at", "consent_obtained", "created_at", "updated_at", "submitted_at", "opened_at", "closed_at"] as const;

export interface CaseListItem { id: string; title: string; status: CaseStatus; careSetting: string; spaceId: string | null; createdAt: Date }

export async function listCases(db: Database, claims: UserClaims): Promise<CaseListItem[]> {
  return db.withUser(claims, async (tx) => {
    const rows = await tx.selectFrom("cases").select(["id", "title", "status", "care_setting", "space_id", "created_at"])
      .orderBy("created_at", "desc").limit(100).execute();
    return rows.map((r) => ({ id: r.id, title: r.title, status: r.status, careSetting: r.care_setting, spaceId: r.space_id, createdAt: r.created_at }));
  });
}

export interface CasePost { id: number; kind: CasePostKind; body: unknown; bodyText: string; createdAt: Date; authorName: string | null }
export interface CaseView {
  case: Record<(typeof CASE_COLUMNS)[number], unknown> & { id: string; title: string; status: CaseStatus };
  presenter: { authorId: string | null; displayName: string | null; pseudonym: string | null; revealed: boolean };
  mine: boolean; canModerate: boolean; canRecommend: boolean;
  posts: CasePost[];
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
    const posts = await tx.selectFrom("case_posts as cp").leftJoin("profiles as p", "p.id", "cp.author_id")
      .select(["cp.id", "cp.kind", "cp.body", "cp.body_text", "cp.created_at", "p.display_name"])
      .where("cp.case_id", "=", caseId).orderBy("cp.id").execute();
    return {
      case: row as CaseView["case"],
      presenter: { authorId: who?.author_id ?? null, displayName: who?.display_name ?? null, pseudonym: who?.pseudonym ?? row.pseudonym, revealed: who?.revealed ?? false },
      mine: who?.author_id === claims.sub,
      canModerate: rights?.can_moderate ?? false,
      canRecommend: rights?.can_recommend ?? false,
      posts: posts.map((p) => ({ id: p.id, kind: p.kind, body: p.body, bodyText: p.body_text, createdAt: p.created_at, authorName: p.display_name ?? null })),
    };
  });
}

// ── Writes ───────────────────────────────────────────────────────────────────
function parseTemplate(input: unknown): Outcome<{ values: z.output<typeof caseTemplateSchema>; details: { json: string | null; text: string }; guardText: Record<string, string> }> {
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
  return { ok: true, values: v, details: { json: details.json, text: details.text }, guardText };
}

function guardOrRefuse(fields: Record<string, string>): Refused | null {
  const { findings, fieldErrors } = guardFields(fields);
  if (findings.length === 0) return null;
  return refused(400, "cases.errors.identifiers", { fieldErrors, findings });
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
export async function createCase(db: Database, claims: UserClaims, input: unknown): Promise<Outcome<{ id: string }>> {
  const t = parseTemplate(input);
  if (!t.ok) return t;
  const guard = guardOrRefuse(t.guardText);
  if (guard) return guard;
  return attempt(() => db.withUser(claims, async (tx) => {
    let requiresReview = false;
    if (t.values.spaceId) {
      const { rows: [m] } = await sql<{ member: boolean }>`select public.is_space_member(${t.values.spaceId}::uuid) as member`.execute(tx);
      if (!m?.member) return refused(403, "cases.errors.not_in_space");
      // Private ECHO groups review cases before they open.
      const space = await tx.selectFrom("spaces").select(["visibility"]).where("id", "=", t.values.spaceId).executeTakeFirst();
      requiresReview = space?.visibility === "members";
    }
    const row = await tx.insertInto("cases").values({ ...rowValues(t.values, t.details), space_id: t.values.spaceId ?? null, requires_review: requiresReview })
      .returning("id").executeTakeFirstOrThrow();
    return { ok: true as const, id: row.id };
  }));
}

/** Edits a draft (author only, enforced by the database too). */
export async function updateCase(db: Database, claims: UserClaims, caseId: string, input: unknown): Promise<Outcome<{ id: string }>> {
  const t = parseTemplate(input);
  if (!t.ok) return t;
  const guard = guardOrRefuse(t.guardText);
  if (guard) return guard;
  return attempt(() => db.withUser(claims, async (tx) => {
    const res = await tx.updateTable("cases").set(rowValues(t.values, t.details)).where("id", "=", caseId).where("status", "=", "draft")
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0) return refused(403, "cases.errors.forbidden");
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
    const guard = guardOrRefuse({ title: row.title, question: row.question, socialSituation: row.social_situation,
      whatTried: row.what_tried, details: row.details_text, pseudonym: row.pseudonym ?? "", topics: row.topics.join(", ") });
    if (guard) return guard;
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

async function addPost(db: Database, claims: UserClaims, caseId: string, kind: CasePostKind, input: { body?: string; bodyJson?: string }): Promise<Outcome<{ id: number }>> {
  const body = richBody(input, false);
  if (!body.ok) return refused(400, "cases.errors.invalid", { fieldErrors: { body: [body.error] } });
  if (!body.text.trim()) return refused(400, "cases.errors.invalid", { fieldErrors: { body: ["cases.errors.body_required"] } });
  const guard = guardOrRefuse({ body: body.text, bodyLinks: body.attrs });
  if (guard) return guard;
  if (!z.string().uuid().safeParse(caseId).success) return refused(404, "cases.errors.not_found");
  return attempt(() => db.withUser(claims, async (tx: Tx) => {
    const visible = await tx.selectFrom("cases").select("id").where("id", "=", caseId).executeTakeFirst();
    if (!visible) return refused(404, "cases.errors.not_found");
    const row = await tx.insertInto("case_posts").values({ case_id: caseId, kind, body: body.json!, body_text: body.text })
      .returning("id").executeTakeFirstOrThrow();
    return { ok: true as const, id: row.id };
  }));
}

export const replyToCase = (db: Database, claims: UserClaims, caseId: string, input: { body?: string; bodyJson?: string }) =>
  addPost(db, claims, caseId, "reply", input);
export const recommendOnCase = (db: Database, claims: UserClaims, caseId: string, input: { body?: string; bodyJson?: string }) =>
  addPost(db, claims, caseId, "recommendation", input);
export const followUpCase = (db: Database, claims: UserClaims, caseId: string, input: { body?: string; bodyJson?: string }) =>
  addPost(db, claims, caseId, "follow_up", input);
