// Retention of read notifications and chat threads (decision 011), run through the job
// queue as the daily "retention.sweep": off by default (nothing deleted); on, old read
// notifications go while unread and recent ones stay; old chat threads go while recent
// ones, threads with a recent reply and messages under an open report stay.
import { randomUUID } from "node:crypto";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDirectConversation, reportMessage, sendMessage } from "~/modules/chat/chat.server";
import { createJobQueue } from "~/modules/jobs/queue.server";
import { sweepRetention } from "~/modules/retention/retention.server";
import { defineRetentionJob } from "../../server/jobs";
import { createTestDatabase, createUser, type TestDatabase, type TestUser } from "../setup/test-db";

const logger = pino({ level: "silent" });
const DAY = 86_400_000;
let t: TestDatabase;
let ana: TestUser, ben: TestUser;
let conversationId: string;

beforeAll(async () => {
  t = await createTestDatabase();
  ana = await createUser(t.db, { displayName: "Ana Pelletier", verified: true });
  ben = await createUser(t.db, { displayName: "Ben Ouellet", verified: true });
  const opened = await openDirectConversation(t.db, ana.claims, ben.id);
  if (!opened.ok) throw new Error(opened.code);
  conversationId = opened.id;
});
afterAll(() => t?.cleanup());

/** Runs the sweep the way production does: one occurrence of the job, on the queue. */
async function runSweep(env: { NOTIFICATION_RETENTION_DAYS: number; CHAT_RETENTION_DAYS: number }) {
  const jobs = createJobQueue({ db: t.db, logger, worker: { backoffMs: 20, leaseMs: 2000, pollMs: 50 } });
  defineRetentionJob(jobs, { db: t.db, env, logger });
  const { id } = await jobs.schedule({ type: "retention.sweep", key: `test:retention:${randomUUID()}` });
  await jobs.runDue();
  const job = await t.db.asSystem("test: read job", (tx) =>
    tx.selectFrom("jobs").select(["state", "last_error"]).where("id", "=", id).executeTakeFirstOrThrow(),
  );
  expect(job).toEqual({ state: "succeeded", last_error: null });
}

async function notification(ageDays: number, read: boolean): Promise<number> {
  const created = new Date(Date.now() - ageDays * DAY);
  const row = await t.db.asSystem("test: notification", (tx) =>
    tx
      .insertInto("notifications")
      .values({ user_id: ben.id, kind: "chat.direct", payload: JSON.stringify({}), created_at: created, read_at: read ? created : null })
      .returning("id")
      .executeTakeFirstOrThrow(),
  );
  return Number(row.id);
}

async function message(ageDays: number, body: string, parentId?: number): Promise<number> {
  const sent = await sendMessage(t.db, ana.claims, { conversationId, clientId: randomUUID(), body, parentId });
  if (!sent.ok) throw new Error(sent.code);
  const id = sent.message.id;
  await t.db.asSystem("test: age message", (tx) =>
    tx
      .updateTable("messages")
      .set({ created_at: new Date(Date.now() - ageDays * DAY) })
      .where("id", "=", id)
      .execute(),
  );
  return id;
}

const remainingNotifications = async (ids: number[]) =>
  (
    await t.db.asSystem("test: notifications left", (tx) =>
      tx.selectFrom("notifications").select("id").where("id", "in", ids).orderBy("id").execute(),
    )
  ).map((r) => Number(r.id));
const remainingMessages = async (ids: number[]) =>
  (
    await t.db.asSystem("test: messages left", (tx) =>
      tx.selectFrom("messages").select("id").where("id", "in", ids).orderBy("id").execute(),
    )
  ).map((r) => Number(r.id));

describe("retention sweep", () => {
  it("off by default: a year-old read notification and a year-old message are kept", async () => {
    const note = await notification(365, true);
    const msg = await message(365, "Un vieux message");
    await runSweep({ NOTIFICATION_RETENTION_DAYS: 0, CHAT_RETENTION_DAYS: 0 });
    expect(await remainingNotifications([note])).toEqual([note]);
    expect(await remainingMessages([msg])).toEqual([msg]);
    await t.db.asSystem("test: clean", (tx) => tx.deleteFrom("messages").where("id", "=", msg).execute());
    await t.db.asSystem("test: clean", (tx) => tx.deleteFrom("notifications").where("id", "=", note).execute());
  });

  it("notifications: old read ones are deleted; unread ones, however old, and recent read ones stay", async () => {
    const oldRead = await notification(40, true);
    const oldUnread = await notification(400, false);
    const recentRead = await notification(5, true);
    const oldMsg = await message(400, "Message ancien, la rétention du clavardage est désactivée");
    await runSweep({ NOTIFICATION_RETENTION_DAYS: 30, CHAT_RETENTION_DAYS: 0 });
    expect(await remainingNotifications([oldRead, oldUnread, recentRead])).toEqual([oldUnread, recentRead]);
    expect(await remainingMessages([oldMsg])).toEqual([oldMsg]);
    await t.db.asSystem("test: clean", (tx) => tx.deleteFrom("messages").where("id", "=", oldMsg).execute());
  });

  it("chat: old threads are deleted with their replies; recent messages, threads with a recent reply and reported messages stay", async () => {
    const old = await message(100, "Ancien message");
    const oldRoot = await message(100, "Ancien fil");
    const oldReply = await message(99, "Ancienne réponse", oldRoot);
    const liveRoot = await message(100, "Fil encore actif");
    const recentReply = await message(1, "Réponse récente", liveRoot);
    const reported = await message(100, "Message signalé");
    const report = await reportMessage(t.db, ben.claims, { messageId: reported, reason: "Information identifiante" });
    expect(report.ok).toBe(true);
    const recent = await message(2, "Message récent");
    await runSweep({ NOTIFICATION_RETENTION_DAYS: 0, CHAT_RETENTION_DAYS: 30 });
    expect(await remainingMessages([old, oldRoot, oldReply, liveRoot, recentReply, reported, recent])).toEqual([
      liveRoot,
      recentReply,
      reported,
      recent,
    ]);
    // The open report is intact for the moderator.
    const open = await t.db.asSystem("test: report", (tx) =>
      tx.selectFrom("message_reports").select("status").where("message_id", "=", reported).execute(),
    );
    expect(open).toEqual([{ status: "open" }]);
  });

  it("deletes in bounded batches until nothing old is left", async () => {
    const ids = await Promise.all(Array.from({ length: 7 }, () => notification(60, true)));
    const counts = await sweepRetention({ db: t.db, logger }, { notificationDays: 30, chatDays: 0 }, { batchSize: 3 });
    expect(counts.notifications).toBe(7);
    expect(await remainingNotifications(ids)).toEqual([]);
  });
});
