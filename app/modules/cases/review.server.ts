// Reviewing cases: who reviews, the queue of submitted cases and recent overrides of
// the identifier guard, and sending a case back to its presenter with a note.
import { sql } from "kysely";
import type { Database, Tx, UserClaims } from "~/utils/db.server";
import type { CaseStatus } from "~/utils/db-schema";
import type { Outcome } from "~/utils/outcome";
import { moderatesASpace } from "~/modules/spaces/spaces.server";
import { attempt, notFound, refused } from "./refusals.server";
import { isCaseId, sendBackSchema } from "./schemas";
import { caseColleagues, guardOrRefuse } from "./text.server";

/** Whether the person reviews cases: a moderator or admin, or a private space's moderator (case coordinator). */
export async function canReviewCases(db: Database, claims: UserClaims, userId: string): Promise<boolean> {
  return db.withUser(
    claims,
    async (tx) => {
      const {
        rows: [r],
      } = await sql<{ yes: boolean }>`select public.has_role('moderator') as yes`.execute(tx);
      return r?.yes === true || moderatesASpace(tx, userId);
    },
    { readOnly: true },
  );
}

/** A moderator or case coordinator sends a submitted case back to its presenter with a note (audited). */
export async function sendBackCase(db: Database, claims: UserClaims, caseId: string, input: unknown): Promise<Outcome> {
  const parsed = sendBackSchema.safeParse(input);
  if (!parsed.success) return refused(400, "cases.errors.invalid", { fieldErrors: { note: parsed.error.issues.map((i) => i.message) } });
  if (!isCaseId(caseId)) return notFound();
  const guard = await guardOrRefuse({ note: parsed.data.note }, [], () =>
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
    db.withUser(claims, async (tx) => {
      const {
        rows: [r],
      } = await sql<{ ok: boolean }>`select public.case_send_back(${caseId}::uuid, ${parsed.data.note}) as ok`.execute(tx);
      return r?.ok ? { ok: true as const } : refused(403, "cases.errors.forbidden");
    }),
  );
}

export interface ReviewQueueItem {
  id: string;
  title: string;
  status: CaseStatus;
  careSetting: string;
  spaceName: string | null;
  submittedAt: Date | null;
}
export interface OverrideRow {
  id: number;
  caseId: string;
  caseTitle: string;
  postId: number | null;
  field: string;
  kind: string;
  match: string;
  reason: string;
  authorName: string | null;
  createdAt: Date;
}

/** Cases waiting for review, and recent overrides, on the cases the viewer moderates (RLS and can_moderate_case). */
export async function getReviewQueue(db: Database, claims: UserClaims): Promise<{ waiting: ReviewQueueItem[]; overrides: OverrideRow[] }> {
  return db.withUser(claims, async (tx) => {
    const waiting = await tx
      .selectFrom("cases as c")
      .leftJoin("spaces as s", "s.id", "c.space_id")
      .select(["c.id", "c.title", "c.status", "c.care_setting", "c.submitted_at", "s.name_fr"])
      .where("c.status", "in", ["submitted", "in_review"])
      .where(sql<boolean>`public.can_moderate_case(c.id)`)
      .orderBy("c.submitted_at")
      .limit(100)
      .execute();
    const overrides = await overridesQuery(tx)
      .where(sql<boolean>`public.can_moderate_case(o.case_id)`)
      .orderBy("o.id", "desc")
      .limit(100)
      .execute();
    return {
      waiting: waiting.map((w) => ({
        id: w.id,
        title: w.title,
        status: w.status,
        careSetting: w.care_setting,
        spaceName: w.name_fr ?? null,
        submittedAt: w.submitted_at,
      })),
      overrides: overrides.map(toOverrideRow),
    };
  });
}

export const overridesQuery = (tx: Tx) =>
  tx
    .selectFrom("case_identifier_overrides as o")
    .innerJoin("cases as c", "c.id", "o.case_id")
    .leftJoin("profiles as p", "p.id", "o.author_id")
    .select(["o.id", "o.case_id", "c.title", "o.post_id", "o.field", "o.kind", "o.match", "o.reason", "p.display_name", "o.created_at"]);
export const toOverrideRow = (o: {
  id: number;
  case_id: string;
  title: string;
  post_id: number | null;
  field: string;
  kind: string;
  match: string;
  reason: string;
  display_name: string | null;
  created_at: Date;
}): OverrideRow => ({
  id: o.id,
  caseId: o.case_id,
  caseTitle: o.title,
  postId: o.post_id,
  field: o.field,
  kind: o.kind,
  match: o.match,
  reason: o.reason,
  authorName: o.display_name,
  createdAt: o.created_at,
});
