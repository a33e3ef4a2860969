// How often authors wave the guard's findings through, per kind, for moderators: the
// override is the honest way out of a false positive, and its rate is what tells a
// moderator whether the guard is too eager (names of drugs) or authors too careless.
// Read through RLS: each person counts only the overrides they may read (a case's
// moderators, a space's moderators, verified moderators for chat), so a peer sees zeros.
import { sql } from "kysely";
import type { Database, UserClaims } from "~/utils/db.server";
import { IDENTIFIER_KINDS } from "./schemas";

export const OVERRIDE_RATE_DAYS = 90;

/** Overrides per kind over the last 90 days (cases, forums and chat together), largest first. */
export async function overridesPerKind(db: Database, claims: UserClaims): Promise<Array<{ kind: string; count: number }>> {
  const rows = await db.withUser(
    claims,
    async (tx) => {
      const since = sql<Date>`now() - make_interval(days => ${OVERRIDE_RATE_DAYS})`;
      const cases = await tx
        .selectFrom("case_identifier_overrides")
        .select(["kind", (eb) => eb.fn.countAll<string>().as("n")])
        .where("created_at", ">", since)
        .groupBy("kind")
        .execute();
      const others = await tx
        .selectFrom("identifier_overrides")
        .select(["kind", (eb) => eb.fn.countAll<string>().as("n")])
        .where("created_at", ">", since)
        .groupBy("kind")
        .execute();
      return [...cases, ...others];
    },
    { readOnly: true },
  );
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.kind, (counts.get(r.kind) ?? 0) + Number(r.n));
  return IDENTIFIER_KINDS.filter((k) => counts.has(k))
    .map((kind) => ({ kind, count: counts.get(kind)! }))
    .sort((a, b) => b.count - a.count);
}
