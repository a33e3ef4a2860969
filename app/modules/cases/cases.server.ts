// Clinical case discussions. Every free-text field of a case, reply,
// recommendation and follow-up goes through the identifier guard before anything is
// written: a finding refuses the save (400) with one message per finding naming the
// kind, the excerpt and the position. Row-level security decides who sees what
// (supabase/migrations/20261123000400_cases.sql); this module never uses the system path.
import { sql, type Selectable } from "kysely";
import type { z } from "zod";
import type { RichNode } from "~/components/rich-text/limits";
import { bodyFromForm } from "~/components/rich-text/links.server";
import { docToText } from "~/components/rich-text/plain-text";
import { validateRichText } from "~/components/rich-text/validate.server";
import { renderRichTextSafe } from "~/components/rich-text/render.server";
import type { Database, Tx, UserClaims } from "~/utils/db.server";
import type { Cases, CasePostKind, CaseStatus } from "~/utils/db-schema";
import { invalid, type FieldErrors, type Outcome, type Refused } from "~/utils/outcome";
import type { GuardFinding, OverrideInput } from "~/modules/identifier-guard/guard.server";
import { isSpaceMember, spaceVisibility } from "~/modules/spaces/spaces.server";
import { attempt, notFound, refused } from "./refusals.server";
import { overridesQuery, toOverrideRow, type OverrideRow } from "./review.server";
import { caseTemplateSchema, isCaseId, submitSchema } from "./schemas";
import { CONSENT_SETTINGS } from "./template";
import { caseColleagues, guardOrRefuse, parseOverrides, resolveCaseLinks, richBody, storeOverrides, type RichBody } from "./text.server";

// The public surface of the cases capability: routes, jobs and tests import from this
// file only. Review and experts live beside it and are exported from here.
export {
  AGE_DECADES,
  CARE_SETTINGS,
  CONDITIONS,
  CONSENT_SETTINGS,
  DOSE_RANGES,
  GENDERS,
  HOUSING,
  SUBSTANCES,
  TREATMENTS,
} from "./template";
export { caseTemplateSchema, submitSchema, type CaseTemplateInput } from "./schemas";
export { canReviewCases, getReviewQueue, sendBackCase, type OverrideRow, type ReviewQueueItem } from "./review.server";
export { designateExpert, getExpertsPanel, removeExpert, type ExpertRow, type ExpertsPanel } from "./experts.server";
export type { FieldErrors, GuardFinding, OverrideInput };
export type { Outcome, Refused };

// ── Reads ────────────────────────────────────────────────────────────────────

/** The private spaces the person belongs to (where a case can be presented): the spaces module's. */
export { listMySpaces } from "~/modules/spaces/spaces.server";

/** A draft of the viewer's, as the form's values; null when it is not theirs or not a draft. */
export async function getDraftForEdit(db: Database, claims: UserClaims, caseId: string) {
  if (!isCaseId(caseId)) return null;
  return db.withUser(
    claims,
    async (tx) => {
      const row = await tx
        .selectFrom("cases")
        .select([...CASE_COLUMNS])
        .where("id", "=", caseId)
        .where("status", "=", "draft")
        .executeTakeFirst();
      if (!row) return null;
      const {
        rows: [who],
      } = await sql<{ author_id: string | null }>`select author_id from public.case_presenter(${caseId}::uuid)`.execute(tx);
      if (who?.author_id !== claims.sub) return null;
      let details = row.details_text;
      const doc = row.details ? validateRichText(row.details) : null;
      if (doc?.ok) details = docToText(doc.doc);
      const opt = (value: string | number | null) => (value == null ? "" : String(value));
      return {
        id: row.id,
        reviewNote: row.review_note,
        values: {
          title: row.title,
          question: row.question,
          careSetting: row.care_setting,
          ageDecade: opt(row.age_decade),
          gender: opt(row.gender),
          treatment: opt(row.treatment),
          doseRange: opt(row.dose_range),
          housing: opt(row.housing),
          socialSituation: row.social_situation,
          whatTried: row.what_tried,
          details,
          topics: row.topics.join(", "),
          pseudonym: opt(row.pseudonym),
          spaceId: opt(row.space_id),
        } as Record<string, string>,
        multi: { substances: row.substances, conditions: row.conditions },
      };
    },
    { readOnly: true },
  );
}

/** The details as textarea markup after a refusal (the editor may have sent JSON only). */
export function detailsTextOf(form: FormData): string | undefined {
  const json = form.get("detailsJson");
  if (typeof json !== "string" || !json.trim()) return undefined;
  const result = bodyFromForm({ bodyJson: json });
  return result.ok ? docToText(result.doc) : undefined;
}
const CASE_COLUMNS = [
  "id",
  "space_id",
  "status",
  "requires_review",
  "title",
  "question",
  "care_setting",
  "age_decade",
  "gender",
  "substances",
  "treatment",
  "dose_range",
  "conditions",
  "housing",
  "social_situation",
  "what_tried",
  "details",
  "details_text",
  "topics",
  "pseudonym",
  "attested_at",
  "consent_obtained",
  "created_at",
  "updated_at",
  "submitted_at",
  "opened_at",
  "closed_at",
  "review_note",
  "reviewed_at",
] as const;

export interface CaseListItem {
  id: string;
  title: string;
  status: CaseStatus;
  careSetting: string;
  spaceId: string | null;
  createdAt: Date;
}

export async function listCases(db: Database, claims: UserClaims): Promise<CaseListItem[]> {
  return db.withUser(claims, async (tx) => {
    const rows = await tx
      .selectFrom("cases")
      .select(["id", "title", "status", "care_setting", "space_id", "created_at"])
      .orderBy("created_at", "desc")
      .limit(100)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      title: r.title,
      status: r.status,
      careSetting: r.care_setting,
      spaceId: r.space_id,
      createdAt: r.created_at,
    }));
  });
}

export interface CasePost {
  id: number;
  kind: CasePostKind;
  body: unknown;
  bodyText: string;
  html: string;
  createdAt: Date;
  authorName: string | null;
}
export interface Citation {
  kind: "tool" | "topic";
  id: string;
  label: string;
  href: string;
}
/** A case's row as its readers see it (the columns of CASE_COLUMNS, typed from the schema). */
export type CaseRow = Pick<Selectable<Cases>, (typeof CASE_COLUMNS)[number]>;
export interface CaseView {
  case: CaseRow;
  presenter: { authorId: string | null; displayName: string | null; pseudonym: string | null; revealed: boolean };
  mine: boolean;
  canModerate: boolean;
  canRecommend: boolean;
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
  const add = (c: Citation) => {
    if (!found.has(`${c.kind}:${c.id}`)) found.set(`${c.kind}:${c.id}`, c);
  };
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
  if (!isCaseId(caseId)) return null;
  return db.withUser(claims, async (tx) => {
    const row = await tx
      .selectFrom("cases")
      .select([...CASE_COLUMNS])
      .where("id", "=", caseId)
      .executeTakeFirst();
    if (!row) return null;
    const {
      rows: [rights],
    } = await sql<{ can_moderate: boolean; can_recommend: boolean; logged: boolean }>`
      select public.can_moderate_case(${caseId}::uuid) as can_moderate, public.can_recommend_case(${caseId}::uuid) as can_recommend,
             public.case_log_moderator_read(${caseId}::uuid) as logged`.execute(tx);
    const {
      rows: [who],
    } = await sql<{ author_id: string | null; display_name: string | null; pseudonym: string | null; revealed: boolean }>`
      select * from public.case_presenter(${caseId}::uuid)`.execute(tx);
    // Each post with who wrote it (case_post_authors: names for readers of the case, the
    // presenter's posts only flagged).
    const { rows: posts } = await sql<{
      id: number;
      kind: CasePostKind;
      body: unknown;
      body_text: string;
      created_at: Date;
      by_presenter: boolean | null;
      display_name: string | null;
    }>`
      select cp.id, cp.kind, cp.body, cp.body_text, cp.created_at, a.by_presenter, a.display_name
        from public.case_posts cp left join public.case_post_authors(${caseId}::uuid) a on a.post_id = cp.id
       where cp.case_id = ${caseId}::uuid order by cp.id`.execute(tx);
    const overrides = await overridesQuery(tx).where("o.case_id", "=", caseId).orderBy("o.id").execute();
    // Under a pseudonym, the presenter's own posts carry it too (peers never see the name);
    // case_presenter() already answered with the name only to those who may see it.
    const authorName = (p: { by_presenter: boolean | null; display_name: string | null }) =>
      p.by_presenter ? (who?.display_name ?? row.pseudonym ?? null) : p.display_name;
    return {
      case: row,
      presenter: {
        authorId: who?.author_id ?? null,
        displayName: who?.display_name ?? null,
        pseudonym: who?.pseudonym ?? row.pseudonym,
        revealed: who?.revealed ?? false,
      },
      mine: who?.author_id === claims.sub,
      canModerate: rights?.can_moderate ?? false,
      canRecommend: rights?.can_recommend ?? false,
      posts: posts.map((p) => ({
        id: p.id,
        kind: p.kind,
        body: p.body,
        bodyText: p.body_text,
        html: renderRichTextSafe(p.body, p.body_text),
        createdAt: p.created_at,
        authorName: authorName(p),
      })),
      detailsHtml: row.details ? renderRichTextSafe(row.details, row.details_text) : "",
      citations: citationsOf([row.details, ...posts.map((p) => p.body)]),
      overrides: overrides.map(toOverrideRow),
    };
  });
}

// ── Writes ───────────────────────────────────────────────────────────────────
type ParsedTemplate = {
  values: z.output<typeof caseTemplateSchema>;
  details: Extract<RichBody, { ok: true }>;
  guardText: Record<string, string>;
  overrides: OverrideInput[];
};
function parseTemplate(input: unknown, overridesInput?: unknown): Outcome<ParsedTemplate> {
  const parsed = caseTemplateSchema.safeParse(input);
  if (!parsed.success) return invalid(parsed.error, "cases.errors.invalid");
  const v = parsed.data;
  const details = richBody({ body: v.details, bodyJson: v.detailsJson }, true);
  if (!details.ok) return refused(400, "cases.errors.invalid", { fieldErrors: { details: [details.error] } });
  const guardText: Record<string, string> = {
    title: v.title,
    question: v.question,
    socialSituation: v.socialSituation,
    whatTried: v.whatTried,
    details: details.text,
    detailsLinks: details.attrs,
    topics: v.topics.join(", "),
    pseudonym: v.pseudonym ?? "",
  };
  const overrides = parseOverrides(overridesInput);
  if (!overrides.ok) return overrides;
  return { ok: true, values: v, details, guardText, overrides: overrides.overrides };
}

function rowValues(v: z.output<typeof caseTemplateSchema>, details: { json: string | null; text: string }) {
  return {
    title: v.title,
    question: v.question,
    care_setting: v.careSetting,
    age_decade: v.ageDecade ?? null,
    gender: v.gender ?? null,
    substances: v.substances,
    treatment: v.treatment ?? null,
    dose_range: v.doseRange ?? null,
    conditions: v.conditions,
    housing: v.housing ?? null,
    social_situation: v.socialSituation,
    what_tried: v.whatTried,
    details: details.json,
    details_text: details.text,
    topics: v.topics,
    pseudonym: v.pseudonym ?? null,
  };
}

/** Creates a draft (author only). Refused with 400 and nothing saved when the guard finds anything. */
export async function createCase(
  db: Database,
  claims: UserClaims,
  input: unknown,
  overridesInput?: unknown,
): Promise<Outcome<{ id: string }>> {
  const t = parseTemplate(input, overridesInput);
  if (!t.ok) return t;
  const guard = await guardOrRefuse(t.guardText, t.overrides, () =>
    db.withUser(claims, (tx) => caseColleagues(tx, null, t.values.spaceId ?? null), { readOnly: true }),
  );
  if (guard.refusal) return guard.refusal;
  return attempt(() =>
    db.withUser(claims, async (tx) => {
      let requiresReview = false;
      if (t.values.spaceId) {
        if (!(await isSpaceMember(tx, t.values.spaceId))) return refused(403, "cases.errors.not_in_space");
        // Private ECHO groups review cases before they open.
        requiresReview = (await spaceVisibility(tx, t.values.spaceId)) === "members";
      }
      const details = await resolveCaseLinks(tx, t.details, t.values.spaceId ?? null);
      if (!details.ok) return refused(400, "cases.errors.invalid", { fieldErrors: { details: [details.error] } });
      const row = await tx
        .insertInto("cases")
        .values({
          ...rowValues(t.values, { json: details.json, text: t.details.text }),
          space_id: t.values.spaceId ?? null,
          requires_review: requiresReview,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await storeOverrides(
        tx,
        row.id,
        null,
        guard.used.map((i) => t.overrides[i]!),
      );
      return { ok: true as const, id: row.id };
    }),
  );
}

/** Edits a draft (author only, enforced by the database too). */
export async function updateCase(
  db: Database,
  claims: UserClaims,
  caseId: string,
  input: unknown,
  overridesInput?: unknown,
): Promise<Outcome<{ id: string }>> {
  if (!isCaseId(caseId)) return notFound();
  const t = parseTemplate(input, overridesInput);
  if (!t.ok) return t;
  return attempt(() =>
    db.withUser(claims, async (tx) => {
      const current = await tx.selectFrom("cases").select(["space_id"]).where("id", "=", caseId).executeTakeFirst();
      if (!current) return refused(403, "cases.errors.forbidden");
      // Overrides given earlier for this case still stand for the same findings.
      const stored = await tx
        .selectFrom("case_identifier_overrides")
        .select(["field", "kind", "match"])
        .where("case_id", "=", caseId)
        .where("post_id", "is", null)
        .execute();
      const guard = await guardOrRefuse(t.guardText, [...t.overrides, ...stored], () => caseColleagues(tx, caseId, current.space_id));
      if (guard.refusal) return guard.refusal;
      const details = await resolveCaseLinks(tx, t.details, current.space_id);
      if (!details.ok) return refused(400, "cases.errors.invalid", { fieldErrors: { details: [details.error] } });
      const res = await tx
        .updateTable("cases")
        .set(rowValues(t.values, { json: details.json, text: t.details.text }))
        .where("id", "=", caseId)
        .where("status", "=", "draft")
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) === 0) return refused(403, "cases.errors.forbidden");
      await storeOverrides(
        tx,
        caseId,
        null,
        guard.used.filter((i) => i < t.overrides.length).map((i) => t.overrides[i]!),
      );
      return { ok: true as const, id: caseId };
    }),
  );
}

/** draft → submitted (→ open when no review is required). Needs the attestation, and consent where the setting requires it. */
export async function submitCase(
  db: Database,
  claims: UserClaims,
  caseId: string,
  input: unknown,
): Promise<Outcome<{ status: CaseStatus }>> {
  if (!isCaseId(caseId)) return notFound();
  const parsed = submitSchema.safeParse(input);
  if (!parsed.success)
    return refused(400, "cases.errors.invalid", { fieldErrors: { attestNotIdentifiable: ["cases.errors.attestation_required"] } });
  return attempt(() =>
    db.withUser(claims, async (tx) => {
      const row = await tx
        .selectFrom("cases")
        .select([
          "status",
          "space_id",
          "care_setting",
          "title",
          "question",
          "social_situation",
          "what_tried",
          "details_text",
          "pseudonym",
          "topics",
        ])
        .where("id", "=", caseId)
        .executeTakeFirst();
      if (!row) return refused(404, "cases.errors.not_found");
      if (row.status !== "draft") return refused(409, "cases.errors.not_draft");
      if (CONSENT_SETTINGS.has(row.care_setting) && parsed.data.attestConsent !== "on") {
        return refused(400, "cases.errors.invalid", { fieldErrors: { attestConsent: ["cases.errors.consent_required"] } });
      }
      // The stored text is checked again (the guard may have learned new shapes since the draft).
      const stored = await tx
        .selectFrom("case_identifier_overrides")
        .select(["field", "kind", "match"])
        .where("case_id", "=", caseId)
        .where("post_id", "is", null)
        .execute();
      const guard = await guardOrRefuse(
        {
          title: row.title,
          question: row.question,
          socialSituation: row.social_situation,
          whatTried: row.what_tried,
          details: row.details_text,
          pseudonym: row.pseudonym ?? "",
          topics: row.topics.join(", "),
        },
        stored,
        () => caseColleagues(tx, caseId, row.space_id),
      );
      if (guard.refusal) return guard.refusal;
      const updated = await tx
        .updateTable("cases")
        .set({ status: "submitted", attested_at: new Date(), consent_obtained: parsed.data.attestConsent === "on" })
        .where("id", "=", caseId)
        .returning("status")
        .executeTakeFirst();
      if (!updated) return refused(403, "cases.errors.forbidden");
      return { ok: true as const, status: updated.status };
    }),
  );
}

/** A moderator or case coordinator opens a case waiting for review. */
export async function openCase(db: Database, claims: UserClaims, caseId: string): Promise<Outcome> {
  if (!isCaseId(caseId)) return notFound();
  return attempt(() =>
    db.withUser(claims, async (tx) => {
      const res = await tx
        .updateTable("cases")
        .set({ status: "open" })
        .where("id", "=", caseId)
        .where("status", "in", ["submitted", "in_review"])
        .executeTakeFirst();
      return Number(res.numUpdatedRows) === 0 ? refused(403, "cases.errors.forbidden") : { ok: true as const };
    }),
  );
}

export async function closeCase(db: Database, claims: UserClaims, caseId: string): Promise<Outcome> {
  if (!isCaseId(caseId)) return notFound();
  return attempt(() =>
    db.withUser(claims, async (tx) => {
      const res = await tx
        .updateTable("cases")
        .set({ status: "closed" })
        .where("id", "=", caseId)
        .where("status", "not in", ["draft", "closed"])
        .executeTakeFirst();
      return Number(res.numUpdatedRows) === 0 ? refused(403, "cases.errors.forbidden") : { ok: true as const };
    }),
  );
}

async function addPost(
  db: Database,
  claims: UserClaims,
  caseId: string,
  kind: CasePostKind,
  input: { body?: string; bodyJson?: string },
  overridesInput?: unknown,
): Promise<Outcome<{ id: number }>> {
  const body = richBody(input, false);
  if (!body.ok) return refused(400, "cases.errors.invalid", { fieldErrors: { body: [body.error] } });
  if (!body.text.trim()) return refused(400, "cases.errors.invalid", { fieldErrors: { body: ["cases.errors.body_required"] } });
  const overrides = parseOverrides(overridesInput);
  if (!overrides.ok) return overrides;
  if (!isCaseId(caseId)) return notFound();
  const guard = await guardOrRefuse({ body: body.text, bodyLinks: body.attrs }, overrides.overrides, () =>
    db.withUser(
      claims,
      async (tx) => {
        const visible = await tx.selectFrom("cases").select("space_id").where("id", "=", caseId).executeTakeFirst();
        return visible ? caseColleagues(tx, caseId, visible.space_id) : [];
      },
      { readOnly: true },
    ),
  );
  if (guard.refusal) return guard.refusal;
  return attempt(() =>
    db.withUser(claims, async (tx: Tx) => {
      const visible = await tx.selectFrom("cases").select(["id", "space_id"]).where("id", "=", caseId).executeTakeFirst();
      if (!visible) return refused(404, "cases.errors.not_found");
      const json = await resolveCaseLinks(tx, body, visible.space_id);
      if (!json.ok) return refused(400, "cases.errors.invalid", { fieldErrors: { body: [json.error] } });
      const row = await tx
        .insertInto("case_posts")
        .values({ case_id: caseId, kind, body: json.json!, body_text: body.text })
        .returning("id")
        .executeTakeFirstOrThrow();
      await storeOverrides(
        tx,
        caseId,
        row.id,
        guard.used.map((i) => overrides.overrides[i]!),
      );
      return { ok: true as const, id: row.id };
    }),
  );
}

type PostInput = { body?: string; bodyJson?: string };
export const replyToCase = (db: Database, claims: UserClaims, caseId: string, input: PostInput, overrides?: unknown) =>
  addPost(db, claims, caseId, "reply", input, overrides);
export const recommendOnCase = (db: Database, claims: UserClaims, caseId: string, input: PostInput, overrides?: unknown) =>
  addPost(db, claims, caseId, "recommendation", input, overrides);
export const followUpCase = (db: Database, claims: UserClaims, caseId: string, input: PostInput, overrides?: unknown) =>
  addPost(db, claims, caseId, "follow_up", input, overrides);
