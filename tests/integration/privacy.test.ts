// Export and erasure through the job queue (decision 016). A member with a forum
// reply, a draft, a bookmark, a direct conversation, notifications, an email and an
// uploaded file exports their data (zip checked), then asks for deletion, cancels,
// asks again; once the grace period is over the queue erases them and a search of
// every column of every table and of the upload folder finds nothing of them, while
// the thread they replied in still reads, from a "former member".
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { unzipSync, strFromU8 } from "fflate";
import { sql } from "kysely";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Viewer } from "~/modules/accounts/accounts.server";
import { openDirectConversation, sendMessage } from "~/modules/chat/chat.server";
import { createReply, createTopic, getTopicPage, saveDraft, toggleBookmark } from "~/modules/forums/forums.server";
import { createJobQueue, type JobQueue } from "~/modules/jobs/queue.server";
import { cancelDeletion, DELETION_GRACE_DAYS, openExport, requestDeletion, requestExport } from "~/modules/privacy/privacy.server";
import { createMailer } from "~/utils/mail.server";
import { createLocalStorage, type FileStorage } from "~/utils/storage.server";
import { definePrivacyJobs } from "../../server/jobs";
import { createTestDatabase, createUser, type CreateUserOptions, type TestDatabase } from "../setup/test-db";

const logger = pino({ level: "silent" });
let t: TestDatabase;
let root: string;
let storage: FileStorage;
let jobs: JobQueue;
const NAME = "Zéphirine Ouellette-Brassard";
const EMAIL = `zephirine.${Date.now().toString(36)}@example.test`;
const CONTACT = `zob.contact.${Date.now().toString(36)}@example.test`;

interface Person {
  id: string;
  email: string;
  viewer: Viewer;
}
async function person(name: string, options: CreateUserOptions = {}): Promise<Person> {
  const user = await createUser(t.db, { displayName: name, directoryOptIn: true, verified: true, ...options });
  await t.db.asSystem("test: a member of a month's standing", (tx) =>
    tx
      .updateTable("profiles")
      .set({ created_at: sql`now() - interval '30 days'`, verified_at: sql`now() - interval '30 days'` })
      .where("id", "=", user.id)
      .execute(),
  );
  return {
    id: user.id,
    email: user.email,
    viewer: { claims: user.claims, id: user.id, displayName: name, verified: true, roles: options.roles ?? [], locale: "fr-CA" },
  };
}
const system = <T>(
  fn: Parameters<TestDatabase["db"]["asSystem"]>[1] extends (tx: infer X) => Promise<unknown> ? (tx: X) => Promise<T> : never,
) => t.db.asSystem("test: read back", fn);

let zoe: Person, bob: Person, admin: Person;
let topicId = 0,
  zoeReplyId = 0,
  bobPostId = 0,
  uploadKey = "";

async function jobState(key: string) {
  return system((tx) => tx.selectFrom("jobs").select(["state", "last_error", "run_at"]).where("key", "=", key).executeTakeFirst());
}

beforeAll(async () => {
  t = await createTestDatabase();
  root = await mkdtemp(path.join(tmpdir(), "privacy-uploads-"));
  storage = createLocalStorage(root);
  jobs = createJobQueue({ db: t.db, logger, worker: { backoffMs: 20, leaseMs: 2000, pollMs: 50 } });
  const mail = createMailer({ db: t.db, from: "passerelle@example.org", logger });
  definePrivacyJobs(jobs, { db: t.db, mail, storage, logger, publicUrl: "http://passerelle.test" });

  zoe = await person(NAME, { email: EMAIL });
  bob = await person("Bertrand Lafleur");
  admin = await person("Adèle Admin", { roles: ["admin"] });
  await system((tx) => tx.updateTable("profile_private").set({ contact_email: CONTACT }).where("user_id", "=", zoe.id).execute());

  const categoryId = await system(async (tx) => {
    const space = await tx
      .insertInto("spaces")
      .values({
        slug: "region-09",
        kind: "region",
        visibility: "verified",
        name_fr: "Côte-Nord",
        name_en: "Côte-Nord",
        region_code: "09",
        discipline_code: null,
        created_by: null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    return (
      await tx
        .insertInto("forum_categories")
        .values({ space_id: space.id, slug: "cote-nord", name_fr: "Côte-Nord", name_en: "Côte-Nord", topic_code: null, created_by: null })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;
  });
  const topic = await createTopic(t.db, bob.viewer, categoryId, { title: "Induction à domicile", tags: [], body: "Comment faites-vous ?" });
  if (!topic.ok) throw new Error(JSON.stringify(topic));
  topicId = topic.topicId;
  bobPostId = topic.postId;
  const reply = await createReply(t.db, zoe.viewer, topicId, { body: "Nous commençons avec de petites doses, le soir." });
  if (!reply.ok) throw new Error(JSON.stringify(reply));
  zoeReplyId = reply.postId;
  // Others name her in their own words.
  const thanks = await createReply(t.db, bob.viewer, topicId, { body: `Merci ${NAME}, c'est très utile.` });
  if (!thanks.ok) throw new Error(JSON.stringify(thanks));
  await saveDraft(t.db, zoe.viewer, { key: `topic:${categoryId}`, title: "Brouillon privé", body: "À terminer" });
  await toggleBookmark(t.db, zoe.viewer, bobPostId);

  const dm = await openDirectConversation(t.db, zoe.viewer.claims, bob.id);
  if (!dm.ok) throw new Error(dm.code);
  for (const [who, body] of [
    [zoe, "Bonjour Bertrand, une question privée."],
    [bob, `Bien sûr ${NAME}.`],
  ] as const) {
    const sent = await sendMessage(t.db, who.viewer.claims, { conversationId: dm.id, clientId: randomUUID(), body });
    if (!sent.ok) throw new Error(sent.code);
  }
  await system(async (tx) => {
    await tx
      .insertInto("notifications")
      .values({ user_id: bob.id, kind: "forums.reply", payload: JSON.stringify({ actorId: zoe.id, actorName: NAME, topicId }) })
      .execute();
    await tx
      .insertInto("notifications")
      .values({ user_id: zoe.id, kind: "forums.reply", payload: JSON.stringify({ actorName: "Bertrand Lafleur", topicId }) })
      .execute();
    await tx
      .insertInto("outbox")
      .values({ to_email: EMAIL, subject: "Bienvenue", body_text: `Bonjour ${NAME}`, kind: "test" })
      .execute();
  });
  // An upload of hers that no tool points at (an abandoned one).
  uploadKey = `tool/${randomUUID()}`;
  await storage.put(uploadKey, new TextEncoder().encode(`CV de ${NAME} <${EMAIL}>`), "application/pdf");
  await system((tx) =>
    tx
      .insertInto("files")
      .values({
        purpose: "tool",
        storage_key: uploadKey,
        original_name: `cv-${NAME}.pdf`,
        content_type: "application/pdf",
        byte_size: 10,
        sha256: "0".repeat(64),
        uploaded_by: zoe.id,
      })
      .execute(),
  );
});
afterAll(async () => {
  await t?.cleanup();
  if (root) await rm(root, { recursive: true, force: true });
});

describe("export", () => {
  let requestId = 0;
  it("a second request while one is pending is refused and schedules nothing", async () => {
    const first = await requestExport({ db: t.db, jobs }, zoe.viewer);
    if (!first.ok) throw new Error(JSON.stringify(first));
    requestId = first.requestId;
    const second = await requestExport({ db: t.db, jobs }, zoe.viewer);
    expect(second).toEqual({ ok: false, status: 409, formError: "myPrivacy.errors.exportPending" });
    const count = await system((tx) =>
      tx
        .selectFrom("privacy_requests")
        .select(sql<number>`count(*)::int`.as("n"))
        .where("user_id", "=", zoe.id)
        .executeTakeFirstOrThrow(),
    );
    expect(count.n).toBe(1);
  });

  it("the job builds a zip with one JSON per module and a README in her language, and emails the link", async () => {
    await jobs.runDue();
    expect(await jobState(`privacy.export:${requestId}`)).toMatchObject({ state: "succeeded", last_error: null });
    const mail = await system((tx) =>
      tx
        .selectFrom("outbox")
        .select(["subject", "body_text"])
        .where("to_email", "=", EMAIL)
        .where("kind", "=", "privacy_export_ready")
        .executeTakeFirstOrThrow(),
    );
    expect(mail.subject).toContain("export");
    expect(mail.body_text).toContain(`http://passerelle.test/profile/privacy/export/${requestId}`);

    const opened = await openExport({ db: t.db, storage }, zoe.viewer, requestId);
    if (!opened.ok) throw new Error(`download refused: ${opened.status}`);
    const bytes = new Uint8Array(await new Response(opened.stream).arrayBuffer());
    const files = unzipSync(bytes);
    expect(Object.keys(files).sort()).toEqual(
      expect.arrayContaining(["README.txt", "accounts.json", "forums.json", "chat.json", "cases.json", "tools.json", "notifications.json"]),
    );
    expect(strFromU8(files["README.txt"]!)).toContain("Vos données Passerelle");
    const accounts = JSON.parse(strFromU8(files["accounts.json"]!));
    expect(accounts.profile.display_name).toBe(NAME);
    expect(accounts.privateFields.contact_email).toBe(CONTACT);
    expect(accounts.consents.length).toBeGreaterThan(0);
    const forums = JSON.parse(strFromU8(files["forums.json"]!));
    expect(forums.posts.map((p: { body_text: string }) => p.body_text)).toContain("Nous commençons avec de petites doses, le soir.");
    expect(forums.drafts).toHaveLength(1);
    expect(forums.bookmarks).toHaveLength(1);
    const chat = JSON.parse(strFromU8(files["chat.json"]!));
    expect(chat.messagesWritten.map((m: { body: string }) => m.body)).toEqual(["Bonjour Bertrand, une question privée."]);
    const audit = await system((tx) =>
      tx
        .selectFrom("audit_log")
        .select("action")
        .where("actor_id", "=", zoe.id)
        .where("action", "like", "privacy.%")
        .orderBy("id")
        .execute(),
    );
    expect(audit.map((a) => a.action)).toEqual(["privacy.export_requested", "privacy.export_downloaded"]);
  });

  it("RLS: her requests are hers alone (not another member's, not an admin's, not anonymous)", async () => {
    const seen = async (claims: Viewer["claims"] | null) =>
      t.db.withUser(claims, (tx) => tx.selectFrom("privacy_requests").select("id").where("user_id", "=", zoe.id).execute());
    expect(await seen(zoe.viewer.claims)).toHaveLength(1);
    expect(await seen(bob.viewer.claims)).toEqual([]);
    expect(await seen(admin.viewer.claims)).toEqual([]);
    await expect(seen(null)).rejects.toThrow(/permission denied/);
    await expect(
      t.db.withUser(zoe.viewer.claims, (tx) =>
        tx.updateTable("privacy_requests").set({ status: "ready" }).where("user_id", "=", zoe.id).execute(),
      ),
    ).rejects.toThrow(/permission denied/);
  });

  it("only she can download it, and not after 7 days", async () => {
    expect(await openExport({ db: t.db, storage }, bob.viewer, requestId)).toEqual({ ok: false, status: 404 });
    await system((tx) =>
      tx
        .updateTable("privacy_requests")
        .set({ expires_at: new Date(Date.now() - 1000) })
        .where("id", "=", requestId)
        .execute(),
    );
    expect(await openExport({ db: t.db, storage }, zoe.viewer, requestId)).toEqual({ ok: false, status: 410 });
  });
});

describe("deletion", () => {
  it("the last admin cannot ask for deletion", async () => {
    expect(await requestDeletion({ db: t.db, jobs }, admin.viewer)).toEqual({
      ok: false,
      status: 409,
      formError: "myPrivacy.errors.lastAdmin",
    });
  });

  it("request, cancel, request again: the erasure waits for the 30-day grace period", async () => {
    const first = await requestDeletion({ db: t.db, jobs }, zoe.viewer);
    if (!first.ok) throw new Error(JSON.stringify(first));
    expect(first.dueAt.getTime() - Date.now()).toBeGreaterThan((DELETION_GRACE_DAYS - 1) * 86_400_000);
    expect(await requestDeletion({ db: t.db, jobs }, zoe.viewer)).toEqual({
      ok: false,
      status: 409,
      formError: "myPrivacy.errors.deletionPending",
    });
    expect(await cancelDeletion({ db: t.db, jobs }, zoe.viewer)).toEqual({ ok: true });
    expect(await jobState(`privacy.erase:${first.requestId}`)).toMatchObject({ state: "cancelled" });
    expect(await cancelDeletion({ db: t.db, jobs }, zoe.viewer)).toEqual({
      ok: false,
      status: 409,
      formError: "myPrivacy.errors.noDeletionPending",
    });

    const again = await requestDeletion({ db: t.db, jobs }, zoe.viewer);
    if (!again.ok) throw new Error(JSON.stringify(again));
    await jobs.runDue();
    expect(await jobState(`privacy.erase:${again.requestId}`)).toMatchObject({ state: "queued" });
    const still = await system((tx) => tx.selectFrom("profiles").select("id").where("id", "=", zoe.id).executeTakeFirst());
    expect(still).toBeDefined();

    // The grace period passes.
    await system(async (tx) => {
      await tx
        .updateTable("privacy_requests")
        .set({ due_at: new Date(Date.now() - 1000) })
        .where("id", "=", again.requestId)
        .execute();
      await tx
        .updateTable("jobs")
        .set({ run_at: new Date(Date.now() - 1000) })
        .where("key", "=", `privacy.erase:${again.requestId}`)
        .execute();
    });
    await jobs.runDue();
    expect(await jobState(`privacy.erase:${again.requestId}`)).toMatchObject({ state: "succeeded", last_error: null });
  });

  it("after erasure, no column of any table and no uploaded file holds her email, names or id", async () => {
    const needles = [EMAIL, CONTACT, NAME, zoe.id];
    const { rows: tables } = await system((tx) =>
      sql<{ tbl: string }>`
      select quote_ident(n.nspname) || '.' || quote_ident(c.relname) as tbl from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where c.relkind in ('r', 'p') and n.nspname in ('public', 'auth')`.execute(tx),
    );
    expect(tables.length).toBeGreaterThan(40);
    const found: string[] = [];
    for (const { tbl } of tables) {
      for (const needle of needles) {
        // The whole row as text: every column, text, jsonb, arrays, uuids and search vectors alike.
        const { rows } = await system((tx) =>
          sql<{ n: number }>`select count(*)::int as n from ${sql.raw(tbl)} x where x::text ilike ${`%${needle}%`}`.execute(tx),
        );
        if (rows[0]!.n > 0) found.push(`${tbl}: ${rows[0]!.n} row(s) contain ${JSON.stringify(needle)}`);
      }
    }
    expect(found, found.join("\n")).toEqual([]);

    const walk = async (dir: string): Promise<string[]> =>
      (
        await Promise.all(
          (await readdir(dir, { withFileTypes: true })).map((e) =>
            e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)],
          ),
        )
      ).flat();
    const files = await walk(root);
    for (const file of files) {
      const text = (await readFile(file)).toString("utf8");
      for (const needle of needles) expect(text.includes(needle), `${file} contains ${needle}`).toBe(false);
    }
    expect(files.some((f) => f.endsWith(uploadKey.split("/")[1]!))).toBe(false);
    // Her export zip is compressed (a text search would not see inside): it must be gone altogether.
    expect(files.filter((f) => path.relative(root, f).startsWith("export"))).toEqual([]);
  });

  it("the thread she replied in still reads, her reply kept from a former member; her private conversation is gone", async () => {
    const page = await getTopicPage(t.db, bob.viewer.claims, topicId);
    expect(page).not.toBeNull();
    const row = await system((tx) =>
      tx.selectFrom("forum_posts").select(["author_id", "body_text"]).where("id", "=", zoeReplyId).executeTakeFirstOrThrow(),
    );
    expect(row).toEqual({ author_id: null, body_text: "Nous commençons avec de petites doses, le soir." });
    const thanks = await system((tx) =>
      tx
        .selectFrom("forum_posts")
        .select("body_text")
        .where("topic_id", "=", topicId)
        .where("post_number", "=", 3)
        .executeTakeFirstOrThrow(),
    );
    expect(thanks.body_text).toBe("Merci ancien membre, c'est très utile.");
    const conversations = await system((tx) => tx.selectFrom("conversations").select("id").where("kind", "=", "direct").execute());
    expect(conversations).toEqual([]);
    const erased = await system((tx) =>
      tx.selectFrom("audit_log").select(["actor_id", "target_id"]).where("action", "=", "privacy.member_erased").execute(),
    );
    expect(erased).toEqual([{ actor_id: null, target_id: null }]);
  });
});
