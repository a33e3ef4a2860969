// Presence: whether a person lets others see them online, and when they were last
// connected (for "offline for a while" notification emails).
import { sql } from "kysely";
import type { Database, UserClaims } from "~/utils/db.server";

// ── Presence ────────────────────────────────────────────────────────────────────

export async function getChatSettings(db: Database, claims: UserClaims) {
  return db.withUser(
    claims,
    async (tx) => {
      const row = await tx.selectFrom("presence").select("visible").where("user_id", "=", claims.sub).executeTakeFirst();
      return { showPresence: row?.visible ?? false };
    },
    { readOnly: true },
  );
}

export async function setPresenceVisible(db: Database, claims: UserClaims, visible: boolean) {
  await db.withUser(claims, (tx) =>
    tx
      .insertInto("presence")
      .values({ user_id: claims.sub, visible })
      .onConflict((oc) => oc.column("user_id").doUpdateSet({ visible }))
      .execute(),
  );
}

/** Of these people, those who let others see them online (system path: presence rows are private). */
export async function presenceVisibleAmong(db: Database, userIds: string[]): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const rows = await db.asSystem("chat: who shows their presence", (tx) =>
    tx.selectFrom("presence").select("user_id").where("user_id", "in", userIds).where("visible", "=", true).execute(),
  );
  return new Set(rows.map((r) => r.user_id));
}

/** Records that these people have a live connection now (for "offline for a while" emails). */
export async function touchLastSeen(db: Database, userIds: string[]): Promise<void> {
  if (userIds.length === 0) return;
  await db.asSystem("realtime: last seen", async (tx) => {
    await sql`
      insert into public.presence (user_id, last_seen_at)
      select p.id, now() from public.profiles p where p.id = any(${userIds}::uuid[])
      on conflict (user_id) do update set last_seen_at = excluded.last_seen_at`.execute(tx);
  });
}
