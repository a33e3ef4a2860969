// Demo content for the embedded default (and for SEED_DEMO=true only): four demo
// accounts, the public tools and past events of supabase/data, forum conversations and
// one clinical case. Runs once: it does
// nothing when the demo admin already exists. System path: seeding acts for no one.
import { readFileSync } from "node:fs";
import path from "node:path";
import { sql } from "kysely";
import { acceptingCurrentNotices } from "~/modules/accounts/consent";
import { seedDemoCases } from "~/modules/cases/seed.server";
import { seedDemoMentoring } from "~/modules/mentoring/seed.server";
import { seedDemoEvent } from "~/modules/events/seed.server";
import { seedForums } from "~/modules/forums/seed.server";
import { TOOL_SEED_EXTRAS } from "~/modules/tools/seed-data";
import type { Database, UserClaims } from "~/utils/db.server";
import type { Role, Tools } from "~/utils/db-schema";
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from "./demo-data";

interface ToolSeed {
  title: string;
  publisher: string;
  published: string;
  kind: Tools["kind"];
  topics?: string[];
  url?: string;
}
interface EventSeed {
  title: string;
  kind: string;
  series?: string;
  date: string;
  start?: string;
  end?: string;
  topics?: string[];
}

export async function seedDemo(
  db: Database,
  options: { hashPassword(p: string): Promise<string>; root?: string; onSeeding?: () => void },
): Promise<boolean> {
  const root = options.root ?? process.cwd();
  const data = JSON.parse(readFileSync(path.join(root, "supabase/data/library-and-events.json"), "utf8")) as {
    tools: ToolSeed[];
    events: EventSeed[];
  };
  const already = await db.asSystem("seed: check", (tx) =>
    tx
      .selectFrom("auth.users")
      .select("id")
      .where(sql`lower(email)`, "=", DEMO_ACCOUNTS[0].email)
      .executeTakeFirst(),
  );
  if (already) return false;
  options.onSeeding?.();
  const passwordHash = await options.hashPassword(DEMO_PASSWORD);

  const ids = new Map<string, string>();
  await db.asSystem("seed: demo content", async (tx) => {
    for (const account of DEMO_ACCOUNTS) {
      const user = await tx
        .insertInto("auth.users")
        .values({ email: account.email, encrypted_password: passwordHash, email_confirmed_at: new Date() })
        .returning("id")
        .executeTakeFirstOrThrow();
      ids.set(account.email, user.id);
      await tx
        .insertInto("profiles")
        .values({
          id: user.id,
          display_name: account.displayName,
          discipline: account.discipline,
          region_code: account.region,
          establishment: account.establishment,
          establishment_kind: account.establishmentKind,
          languages: account.languages,
          topics: account.topics,
          bio: account.bio,
          directory_opt_in: account.directoryOptIn,
          locale: "fr-CA",
        })
        .execute();
      await tx
        .insertInto("profile_private")
        .values({
          user_id: user.id,
          contact_email: account.email,
          order_code: account.orderCode,
          permit_number: account.permitNumber,
        })
        .execute();
      await tx.insertInto("consents").values(acceptingCurrentNotices(user.id)).execute();
    }
    const adminId = ids.get(DEMO_ACCOUNTS[0].email);
    if (!adminId) throw new Error("seed: admin missing");
    // The first admin has no one to verify them: the seed records it as such.
    await tx.updateTable("profiles").set({ verification_status: "verified", verified_at: new Date() }).where("id", "=", adminId).execute();
    await tx
      .insertInto("audit_log")
      .values({
        actor_id: null,
        action: "member.verified",
        target_type: "profile",
        target_id: adminId,
        details: JSON.stringify({ method: "seed", note: "Compte administrateur de démonstration" }),
      })
      .execute();
    for (const account of DEMO_ACCOUNTS) {
      const id = ids.get(account.email);
      if (!id) continue;
      const roles: Role[] = account.roles;
      for (const role of roles) await tx.insertInto("user_roles").values({ user_id: id, role, granted_by: adminId }).execute();
      if (account.verified && id !== adminId) {
        await tx
          .insertInto("verifications")
          .values({
            user_id: id,
            decision: "verified",
            method: "order_register",
            verified_by: adminId,
            note: "Permis vérifié au registre public de l'ordre (démonstration)",
          })
          .execute();
      }
    }
    // Published, with summaries in our own words and review dates (TOOL_SEED_EXTRAS).
    for (const tool of data.tools) {
      const extra = TOOL_SEED_EXTRAS[tool.title];
      await tx
        .insertInto("tools")
        .values({
          title: tool.title,
          publisher: tool.publisher,
          published_on: tool.published,
          kind: tool.kind,
          topics: tool.topics ?? [],
          url: tool.url ?? null,
          status: "published",
          summary_fr: extra?.summaryFr ?? "",
          summary_en: extra?.summaryEn ?? "",
          language: extra?.language ?? "fr",
          disciplines: extra?.disciplines ?? [],
          last_reviewed_on: extra?.lastReviewedOn ?? null,
          review_due_on: extra?.reviewDueOn ?? null,
        })
        .execute();
    }
    // Past events become events of their series (the managers' meetings), held at the
    // given time or noon in Toronto; the database derives the instant.
    const seriesIds = new Map<string, string>();
    for (const event of data.events) {
      if (!event.series || seriesIds.has(event.series)) continue;
      const row = await tx
        .insertInto("event_series")
        .values({ title: event.series, created_by: adminId })
        .returning("id")
        .executeTakeFirstOrThrow();
      seriesIds.set(event.series, row.id);
    }
    for (const event of data.events) {
      await tx
        .insertInto("events")
        .values({
          title: event.title,
          kind: event.kind === "virtual_event" || event.kind === "managers_meeting" || event.kind === "webinar" ? event.kind : "webinar",
          series: event.series ?? null,
          series_id: event.series ? (seriesIds.get(event.series) ?? null) : null,
          starts_on: event.date,
          start_time: event.start ?? null,
          end_time: event.end ?? null,
          topics: event.topics ?? [],
          registration_open: false,
        })
        .execute();
    }
    await seedDemoEvent(tx, { organiser: adminId, member: ids.get("membre@passerelle.test") ?? adminId, series: seriesIds });
    await seedForums(tx, ids);
  });
  // The demo case goes through the guard and the lifecycle as its people, once they exist.
  const claimsOf = (email: string): UserClaims => {
    const sub = ids.get(email);
    if (!sub) throw new Error(`seed: ${email} missing`);
    return { sub, role: "authenticated", aud: "authenticated", email, exp: Math.floor(Date.now() / 1000) + 600 };
  };
  await seedDemoCases(db, {
    member: claimsOf("membre@passerelle.test"),
    peer: claimsOf("admin@passerelle.test"),
    mentor: claimsOf("mentor@passerelle.test"),
  });
  await seedDemoMentoring(db, {
    mentor: claimsOf("mentor@passerelle.test").sub,
    member: claimsOf("membre@passerelle.test").sub,
    admin: claimsOf("admin@passerelle.test").sub,
  });
  return true;
}
