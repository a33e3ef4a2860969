// Home: what anyone (anonymous included) may see — public tools, the next events, past
// events and a few counts. Read with the visitor's own claims, like every read (an event
// for a space's members shows to them only).
import { sql } from "kysely";
import type { Claims, Database } from "~/utils/db.server";

export const HOME_TOOLS = 6;
export const HOME_EVENTS = 5;
export const HOME_UPCOMING = 3;

export async function listHomeContent(db: Database, claims: Claims) {
  return db.withUser(
    claims,
    async (tx) => {
      const tools = await tx
        .selectFrom("tools")
        .select(["id", "title", "publisher", "published_on", "kind", "topics"])
        .where("status", "=", "published")
        .orderBy("published_on", "desc")
        .limit(HOME_TOOLS)
        .execute();
      // An event is upcoming until it ends (one still on is joined from its page); a cancelled one
      // is on its page and in registrants' calendars, not advertised here. Past events have no
      // duration when they were imported from the archive: they count as ended.
      const ends = sql<Date>`starts_at + make_interval(mins => coalesce(duration_minutes, 0))`;
      const listEvents = (when: "upcoming" | "past") =>
        tx
          .selectFrom("events")
          .select(["id", "title", "kind", "series", "starts_at", "language"])
          .where("status", "=", "scheduled")
          .where(ends, when === "upcoming" ? ">" : "<=", sql<Date>`now()`)
          .orderBy("starts_at", when === "upcoming" ? "asc" : "desc")
          .limit(when === "upcoming" ? HOME_UPCOMING : HOME_EVENTS)
          .execute();
      const upcoming = await listEvents("upcoming");
      const events = await listEvents("past");
      const topics = await tx.selectFrom("topics").select(["code", "name_fr", "name_en"]).execute();
      // Counts come from a security-definer function: an anonymous visitor may know how
      // many verified members there are, not who they are.
      const counts = await sql<{ members: number; regions: number }>`select * from public.community_counts()`.execute(tx);
      return {
        tools,
        topics,
        upcoming,
        events,
        counts: counts.rows[0] ?? { members: 0, regions: 0 },
      };
    },
    { readOnly: true },
  );
}
