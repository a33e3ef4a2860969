// Yearly permit re-verification, per kind of person: an admin records the permit's expiry
// when verifying; reminders go 30 and 7 days before, each once, in the member's language;
// the daily job marks a past permit lapsed (once); a lapsed member still reads what she
// could but the database refuses her posts in forums, cases and chat, while other members
// post as before; her renewal and the admin's confirmation restore posting. Each
// transition is in the audit log. Runs on PGlite and on PostgreSQL.
import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  getViewer,
  listReverification,
  runPermitsDaily,
  submitPermitRenewal,
  verifyMember,
  type Viewer,
} from "~/modules/accounts/accounts.server";
import { createJobQueue, type JobQueue } from "~/modules/jobs/queue.server";
import type { Tx } from "~/utils/db.server";
import { createMailer } from "~/utils/mail.server";
import { definePermitJobs } from "../../server/jobs";
import { createTestDatabase, createUser, type TestDatabase } from "../setup/test-db";
import { localToday } from "~/utils/local-time";

const logger = pino({ level: "silent" });
const POLICY = /row-level security|permission denied/;

let t: TestDatabase;
let jobs: JobQueue;
let admin: Viewer;
const system = <T>(fn: (tx: Tx) => Promise<T>) => t.db.asSystem("test: fixtures and read back", fn);
const plusDays = (days: number) => new Date(Date.parse(`${localToday()}T12:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const doc = (text: string) => JSON.stringify({ type: "doc", content: [{ type: "paragraph", content: [{ type: "text", text }] }] });
const viewerOf = async (claims: Viewer["claims"]) => (await getViewer(t.db, claims))!;

/** A verified member whose permit, checked by the admin, expires in `days` days. */
async function memberWithPermit(days: number, locale: "fr-CA" | "en-CA" = "fr-CA") {
  const user = await createUser(t.db, {});
  await system((tx) => tx.updateTable("profiles").set({ locale }).where("id", "=", user.id).execute());
  const outcome = await verifyMember(t.db, admin, {
    userId: user.id,
    decision: "verified",
    method: "order_register",
    note: "Permis actif au tableau de l'ordre",
    permitExpiresOn: plusDays(days),
  });
  expect(outcome.ok).toBe(true);
  return viewerOf(user.claims);
}

async function auditOf(userId: string) {
  return system((tx) =>
    tx.selectFrom("audit_log").select(["action", "actor_id", "details"]).where("target_id", "=", userId).orderBy("id").execute(),
  );
}

let categoryId = "";
let topicId = 0;
let conversationId = "";

async function tryPost(viewer: Viewer) {
  const attempts = {
    topic: () =>
      t.db.withUser(viewer.claims, (tx) =>
        tx.insertInto("forum_topics").values({ category_id: categoryId, author_id: viewer.id, title: "Nouvelle question" }).execute(),
      ),
    reply: () =>
      t.db.withUser(viewer.claims, (tx) =>
        tx
          .insertInto("forum_posts")
          .values({ topic_id: topicId, author_id: viewer.id, body: doc("Réponse"), body_text: "Réponse" })
          .execute(),
      ),
    chat: () =>
      t.db.withUser(viewer.claims, (tx) =>
        tx
          .insertInto("messages")
          .values({ conversation_id: conversationId, author_id: viewer.id, client_id: randomUUID(), body: "Bonjour" })
          .execute(),
      ),
    caseDraft: () =>
      t.db.withUser(viewer.claims, (tx) =>
        tx
          .insertInto("cases")
          .values({ author_id: viewer.id, title: "Cas à discuter", question: "Quelle dose viser?", care_setting: "other", status: "draft" })
          .execute(),
      ),
  };
  const results: Record<string, string> = {};
  for (const [name, run] of Object.entries(attempts)) {
    try {
      await run();
      results[name] = "ok";
    } catch (error) {
      results[name] = error instanceof Error ? error.message : String(error);
    }
  }
  return results;
}

beforeAll(async () => {
  t = await createTestDatabase();
  admin = await viewerOf((await createUser(t.db, { roles: ["admin"] })).claims);
  jobs = createJobQueue({ db: t.db, logger, worker: { backoffMs: 20, leaseMs: 2000, pollMs: 50 } });
  const mail = createMailer({ db: t.db, from: "passerelle@example.org", logger });
  definePermitJobs(jobs, { db: t.db, mail, publicUrl: "http://passerelle.test", logger });
  await system(async (tx) => {
    const space = await tx
      .insertInto("spaces")
      .values({
        slug: "permis-test",
        kind: "community",
        visibility: "verified",
        name_fr: "Permis",
        name_en: "Permits",
        region_code: null,
        discipline_code: null,
        created_by: admin.id,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const category = await tx
      .insertInto("forum_categories")
      .values({ space_id: space.id, slug: "permis-cat", name_fr: "Permis", name_en: "Permits", topic_code: null, created_by: admin.id })
      .returning("id")
      .executeTakeFirstOrThrow();
    categoryId = category.id;
    const topic = await tx
      .insertInto("forum_topics")
      .values({ category_id: categoryId, author_id: admin.id, title: "Sujet existant", status: "published" })
      .returning("id")
      .executeTakeFirstOrThrow();
    topicId = Number(topic.id);
    await tx
      .insertInto("forum_posts")
      .values({ topic_id: topicId, author_id: admin.id, body: doc("Premier message"), body_text: "Premier message", status: "published" })
      .execute();
    conversationId = randomUUID();
    await tx
      .insertInto("conversations")
      .values({ id: conversationId, kind: "group", title: "Équipe", visibility: "members", created_by: admin.id })
      .execute();
  });
});

afterAll(async () => {
  await jobs?.stop();
  await t?.cleanup();
});

async function joinConversation(userId: string) {
  await system((tx) =>
    tx
      .insertInto("conversation_members")
      .values({ conversation_id: conversationId, user_id: userId, role: "member", added_by: admin.id })
      .execute(),
  );
}

describe("permit re-verification", () => {
  it("the admin's verification records the expiry (audited); the member sees her permit, others do not", async () => {
    const member = await memberWithPermit(200);
    expect(member.verified).toBe(true);
    expect(member.permit).toMatchObject({ expiresOn: plusDays(200), lapsed: false, daysLeft: 200 });
    const audit = await auditOf(member.id);
    expect(audit.at(-1)).toMatchObject({ action: "member.verified", actor_id: admin.id });
    expect(JSON.parse(JSON.stringify(audit.at(-1)!.details))).toMatchObject({ expires_on: plusDays(200) });
    const other = await memberWithPermit(200);
    const seen = await t.db.withUser(other.claims, (tx) => tx.selectFrom("member_permits").select("user_id").execute());
    expect(seen.map((s) => s.user_id)).toEqual([other.id]);
    await expect(listReverification(t.db, other)).rejects.toMatchObject({ status: 403 });
    // Only the renewal columns are the member's: she cannot push her own expiry or lift a lapse.
    await expect(
      t.db.withUser(member.claims, (tx) =>
        tx
          .updateTable("member_permits")
          .set({ expires_on: plusDays(900), lapsed_at: null })
          .where("user_id", "=", member.id)
          .execute(),
      ),
    ).rejects.toThrow(POLICY);
  });

  it("reminders are queued once per permit and threshold, and mailed once in the member's language", async () => {
    const fr = await memberWithPermit(20, "fr-CA");
    const en = await memberWithPermit(5, "en-CA");
    const first = await runPermitsDaily({ db: t.db, jobs });
    const again = await runPermitsDaily({ db: t.db, jobs });
    expect(first.reminders).toBeGreaterThanOrEqual(2);
    expect(again.reminders).toBe(0);
    const keys = await system((tx) => tx.selectFrom("jobs").select("key").where("type", "=", "permits.remind").execute());
    expect(keys.map((k) => k.key)).toEqual(
      expect.arrayContaining([`permits.remind:${fr.id}:${plusDays(20)}:30`, `permits.remind:${en.id}:${plusDays(5)}:7`]),
    );
    while ((await jobs.runDue()) > 0);
    const mails = await system((tx) =>
      tx
        .selectFrom("outbox")
        .innerJoin("profile_private as pp", "pp.contact_email", "outbox.to_email")
        .select(["pp.user_id", "outbox.subject", "outbox.body_text"])
        .where("outbox.kind", "=", "permit_reminder")
        .where("pp.user_id", "in", [fr.id, en.id])
        .execute(),
    );
    expect(mails).toHaveLength(2);
    expect(mails.find((m) => m.user_id === fr.id)?.subject).toMatch(/votre permis d.exercice échoit dans 20\s*jours/);
    expect(mails.find((m) => m.user_id === en.id)?.subject).toMatch(/your practice permit expires in 5 days/);
    expect(mails.find((m) => m.user_id === en.id)?.body_text).toContain("http://passerelle.test/profile/permit");
    // A job run twice (a retry after a crash) sends nothing more: the permit is stamped with the mail.
    await jobs.schedule({ type: "permits.remind", key: `again:${fr.id}`, payload: { userId: fr.id, expiresOn: plusDays(20), days: 30 } });
    while ((await jobs.runDue()) > 0);
    const count = await system((tx) =>
      tx
        .selectFrom("outbox")
        .innerJoin("profile_private as pp", "pp.contact_email", "outbox.to_email")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("outbox.kind", "=", "permit_reminder")
        .where("pp.user_id", "=", fr.id)
        .executeTakeFirstOrThrow(),
    );
    expect(Number(count.n)).toBe(1);
  });

  it("a lapsed member reads but cannot post; others still post; the lapse is marked once and audited", async () => {
    const lapsing = await memberWithPermit(-1);
    const colleague = await memberWithPermit(200);
    await joinConversation(lapsing.id);
    await joinConversation(colleague.id);
    const first = await runPermitsDaily({ db: t.db, jobs });
    const again = await runPermitsDaily({ db: t.db, jobs });
    expect(first.lapsed).toBeGreaterThanOrEqual(1);
    expect(again.lapsed).toBe(0);
    const audit = await auditOf(lapsing.id);
    expect(audit.filter((a) => a.action === "member.permit_lapsed")).toHaveLength(1);

    const lapsed = await viewerOf(lapsing.claims);
    expect(lapsed.verified).toBe(true);
    expect(lapsed.permit).toMatchObject({ lapsed: true });
    // Reading: the verified space's topic and the conversation's messages, as before.
    const topics = await t.db.withUser(lapsed.claims, (tx) =>
      tx.selectFrom("forum_topics").select("id").where("id", "=", topicId).execute(),
    );
    expect(topics).toHaveLength(1);
    const posts = await t.db.withUser(lapsed.claims, (tx) =>
      tx.selectFrom("forum_posts").select("id").where("topic_id", "=", topicId).execute(),
    );
    expect(posts.length).toBeGreaterThanOrEqual(1);

    const refusedPosts = await tryPost(lapsed);
    for (const [what, result] of Object.entries(refusedPosts)) expect(result, what).toMatch(POLICY);
    const colleaguePosts = await tryPost(colleague);
    expect(colleaguePosts.topic).toBe("ok");
    expect(colleaguePosts.reply).toBe("ok");
    expect(colleaguePosts.chat).toBe("ok");
  });

  it("the member submits her renewal (audited; a date not after the current one is a field error); the admin's confirmation restores posting", async () => {
    const member = await memberWithPermit(-3);
    await runPermitsDaily({ db: t.db, jobs });
    const lapsed = await viewerOf(member.claims);
    expect(lapsed.permit?.lapsed).toBe(true);

    const early = await submitPermitRenewal(t.db, lapsed, { expiresOn: plusDays(-10) });
    expect(early).toMatchObject({ ok: false, status: 400, fieldErrors: { expiresOn: ["permit.errors.notLater"] } });
    expect(await submitPermitRenewal(t.db, lapsed, { expiresOn: plusDays(365) })).toEqual({ ok: true });
    expect((await auditOf(member.id)).at(-1)).toMatchObject({ action: "member.permit_renewal_submitted", actor_id: member.id });

    const queue = await listReverification(t.db, admin);
    expect(queue.find((r) => r.userId === member.id)).toMatchObject({ lapsed: true, renewalExpiresOn: plusDays(365) });
    // Still read-only until an admin confirms.
    expect((await tryPost(lapsed)).reply).toMatch(POLICY);

    const confirmed = await verifyMember(t.db, admin, {
      userId: member.id,
      decision: "verified",
      method: "order_register",
      note: "Permis renouvelé au tableau",
      permitExpiresOn: plusDays(365),
    });
    expect(confirmed.ok).toBe(true);
    const renewed = await viewerOf(member.claims);
    expect(renewed.permit).toMatchObject({ lapsed: false, expiresOn: plusDays(365), renewalExpiresOn: null });
    const last = (await auditOf(member.id)).at(-1)!;
    expect(last).toMatchObject({ action: "member.permit_renewed", actor_id: admin.id });
    expect(JSON.parse(JSON.stringify(last.details))).toMatchObject({ was_lapsed: true, expires_on: plusDays(365) });
    const after = await tryPost(renewed);
    expect(after.topic).toBe("ok");
    expect(after.reply).toBe("ok");
  });

  it("every table members post to has the restrictive lapsed-permit policy (events included)", async () => {
    const { rows } = await system((tx) =>
      sql<{ tablename: string; cmd: string }>`
      select tablename, cmd from pg_policies
       where schemaname = 'public' and permissive = 'RESTRICTIVE' and coalesce(qual, '') || coalesce(with_check, '') like '%permit_lapsed%'`.execute(
        tx,
      ),
    );
    const covered = new Set(rows.map((r) => `${r.tablename}:${r.cmd}`));
    for (const table of ["forum_topics", "forum_posts", "cases", "case_posts", "conversations", "messages", "event_questions", "events"])
      expect(covered.has(`${table}:INSERT`), table).toBe(true);
  });

  it("a permit job scheduled through the queue runs the daily pass", async () => {
    const member = await memberWithPermit(-2);
    await jobs.schedule({ type: "permits.daily", key: `daily-test:${member.id}` });
    while ((await jobs.runDue()) > 0);
    expect((await viewerOf(member.claims)).permit?.lapsed).toBe(true);
  });
});
