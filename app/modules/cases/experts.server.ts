// Designated experts: who may write recommendations on every verified case (admins
// designate) or on one private space's cases (its moderators designate).
import { sql } from "kysely";
import { memberIdsOf, moderatedPrivateSpaceIds, spaceNames } from "~/modules/spaces/spaces.server";
import type { Database, UserClaims } from "~/utils/db.server";
import { invalid, SQLSTATE, type Outcome } from "~/utils/outcome";
import { attempt, CASE_DB_REFUSALS, refused } from "./refusals.server";
import { designateExpertSchema, removeExpertSchema } from "./schemas";
import { attempt as attemptWrite } from "~/utils/outcome";

export interface ExpertRow {
  id: number;
  userId: string;
  name: string | null;
  spaceId: string | null;
  spaceName: string | null;
}
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
    const {
      rows: [me],
    } = await sql<{ admin: boolean }>`select public.is_admin() as admin`.execute(tx);
    const admin = me?.admin ?? false;
    const spaceIds = await moderatedPrivateSpaceIds(tx);
    if (!admin && spaceIds.length === 0) return null;
    const scopes = await spaceNames(tx, spaceIds);
    const rows = await tx
      .selectFrom("case_experts as e")
      .leftJoin("spaces as s", "s.id", "e.space_id")
      .select(["e.id", "e.user_id", "e.space_id", "s.name_fr"])
      .orderBy("e.id")
      .execute();
    let candidateIds: string[];
    if (admin) {
      candidateIds = (
        await tx
          .selectFrom("profiles")
          .select("id")
          .where("verification_status", "=", "verified")
          .orderBy("display_name")
          .limit(500)
          .execute()
      ).map((r) => r.id);
    } else {
      candidateIds = await memberIdsOf(tx, spaceIds);
    }
    const allIds = [...new Set([...candidateIds, ...rows.map((r) => r.user_id)])];
    const names = new Map<string, string>();
    if (allIds.length) {
      const { rows: cards } = await sql<{ id: string; display_name: string; verified: boolean }>`
        select id, display_name, verified from public.forum_profile_cards(${allIds}::uuid[])`.execute(tx);
      for (const c of cards) names.set(c.id, c.display_name);
    }
    return {
      experts: rows.map((r) => ({
        id: r.id,
        userId: r.user_id,
        name: names.get(r.user_id) ?? null,
        spaceId: r.space_id,
        spaceName: r.name_fr ?? null,
      })),
      scopes,
      candidates: candidateIds
        .filter((id) => names.has(id))
        .map((id) => ({ id, name: names.get(id)! }))
        .sort((a, b) => a.name.localeCompare(b.name, "fr")),
      canDesignateEverywhere: admin,
    };
  });
}

export async function designateExpert(db: Database, claims: UserClaims, input: unknown): Promise<Outcome> {
  const parsed = designateExpertSchema.safeParse(input);
  if (!parsed.success) return invalid(parsed.error, "cases.errors.invalid");
  return attemptWrite(
    () =>
      db.withUser(claims, async (tx) => {
        const {
          rows: [ok],
        } = await sql<{ verified: boolean }>`
      select exists (select 1 from public.forum_profile_cards(array[${parsed.data.userId}::uuid]) c where c.verified) as verified`.execute(
          tx,
        );
        if (!ok?.verified) return refused(400, "cases.errors.invalid", { fieldErrors: { userId: ["cases.errors.expert_required"] } });
        await tx
          .insertInto("case_experts")
          .values({ user_id: parsed.data.userId, space_id: parsed.data.spaceId ?? null })
          .execute();
        return { ok: true as const };
      }),
    { codes: { ...CASE_DB_REFUSALS.codes, [SQLSTATE.uniqueViolation]: [409, "cases.errors.expert_exists"] } },
  );
}

export async function removeExpert(db: Database, claims: UserClaims, input: unknown): Promise<Outcome> {
  const parsed = removeExpertSchema.safeParse(input);
  if (!parsed.success) return refused(400, "cases.errors.invalid");
  return attempt(() =>
    db.withUser(claims, async (tx) => {
      const res = await tx.deleteFrom("case_experts").where("id", "=", parsed.data.expertId).executeTakeFirst();
      return Number(res.numDeletedRows) === 0 ? refused(403, "cases.errors.forbidden") : { ok: true as const };
    }),
  );
}
