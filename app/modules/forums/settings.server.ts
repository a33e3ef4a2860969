// Forum email settings: how often a person is emailed (each post, daily, weekly, never)
// and the categories they watch.
import { sql } from "kysely";
import type { Viewer } from "~/modules/accounts/accounts.server";
import type { Database } from "~/utils/db.server";
import { type Outcome } from "~/utils/outcome";
import { attempt } from "./refusals.server";

// ── Email settings ──────────────────────────────────────────────────────────

export async function getForumSettings(db: Database, viewer: Viewer) {
  return db.withUser(
    viewer.claims,
    async (tx) => {
      const settings = await tx.selectFrom("forum_email_settings").select(["mode"]).where("user_id", "=", viewer.id).executeTakeFirst();
      const watched = await tx
        .selectFrom("forum_category_watches as w")
        .innerJoin("forum_categories as c", "c.id", "w.category_id")
        .select(["c.slug", "c.name_fr", "c.name_en", "w.level"])
        .where("w.user_id", "=", viewer.id)
        .where("w.level", "!=", "normal")
        .orderBy("c.name_fr")
        .execute();
      return { mode: settings?.mode ?? "each", watched };
    },
    { readOnly: true },
  );
}

export async function setEmailMode(db: Database, viewer: Viewer, mode: "each" | "daily" | "weekly" | "off"): Promise<Outcome> {
  return attempt(() =>
    db.withUser(viewer.claims, async (tx): Promise<Outcome> => {
      await tx
        .insertInto("forum_email_settings")
        .values({ user_id: viewer.id, mode })
        .onConflict((oc) => oc.column("user_id").doUpdateSet({ mode, updated_at: sql`now()` }))
        .execute();
      return { ok: true };
    }),
  );
}
