// The chat and notification services against the database (PGlite, or PostgreSQL
// with TEST_DB=postgres): exactly-once sends, mentions, read positions, conversation
// management with its refusals, reports and moderation, and the email sent to
// people who stay offline with unread notifications.
import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createConversation,
  deleteMessage,
  editMessage,
  getConversationPage,
  inviteMembers,
  listConversations,
  listOpenReports,
  markRead,
  openDirectConversation,
  removeMember,
  renameConversation,
  reportMessage,
  resolveReport,
  sendMessage,
  syncConversation,
  touchLastSeen,
} from "~/modules/chat/chat.server";
import {
  getNotificationSettings,
  listNotifications,
  markNotificationsRead,
  sendDueNotificationEmails,
  unsubscribeNotificationEmails,
  updateNotificationSettings,
} from "~/modules/notifications/notifications.server";
import { createMailer } from "~/utils/mail.server";
import { createTestDatabase, createUser, type TestDatabase, type TestUser } from "../setup/test-db";

/** Signs the unsubscribe links of notification emails. */
const TEST_SECRET = "a-test-secret-of-at-least-32-characters";
let t: TestDatabase;
let ana: TestUser, ben: TestUser, chloe: TestUser, unverified: TestUser, moderator: TestUser;

beforeAll(async () => {
  t = await createTestDatabase();
  ana = await createUser(t.db, { displayName: "Ana Pelletier", verified: true });
  ben = await createUser(t.db, { displayName: "Ben Ouellet", verified: true });
  chloe = await createUser(t.db, { displayName: "Chloé Roy", verified: true, directoryOptIn: true });
  unverified = await createUser(t.db, { displayName: "Pas Encore", directoryOptIn: true });
  moderator = await createUser(t.db, { displayName: "Modé Ratrice", verified: true, roles: ["moderator"] });
});
afterAll(() => t?.cleanup());

const ok = <T extends { ok: boolean }>(result: T): Extract<T, { ok: true }> => {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result)}`);
  return result as Extract<T, { ok: true }>;
};
const send = (who: TestUser, conversationId: string, body: string, extra: { parentId?: number; clientId?: string } = {}) =>
  sendMessage(t.db, who.claims, { conversationId, clientId: extra.clientId ?? randomUUID(), body, parentId: extra.parentId });

describe("conversations", () => {
  it("a direct conversation is opened once per pair, from either side, and never with oneself or an unverified member", async () => {
    const first = ok(await openDirectConversation(t.db, ana.claims, ben.id));
    expect(first.created).toBe(true);
    expect(ok(await openDirectConversation(t.db, ben.claims, ana.id))).toEqual({ ok: true, id: first.id, created: false });
    const racing = await Promise.all([
      openDirectConversation(t.db, chloe.claims, moderator.id),
      openDirectConversation(t.db, moderator.claims, chloe.id),
    ]);
    expect(new Set(racing.map((r) => ok(r).id)).size).toBe(1);
    expect(await openDirectConversation(t.db, ana.claims, ana.id)).toMatchObject({ ok: false, code: "forbidden" });
    expect(await openDirectConversation(t.db, ana.claims, unverified.id)).toMatchObject({ ok: false, code: "forbidden" });
    expect(await openDirectConversation(t.db, unverified.claims, ana.id)).toMatchObject({ ok: false, code: "forbidden" });
    const list = await listConversations(t.db, ana.claims);
    expect(list.find((c) => c.id === first.id)).toMatchObject({ kind: "direct", name: "Ben Ouellet", otherUserId: ben.id });
  });

  it("groups: the creator invites, renames and removes; members leave; public channels are the moderators'", async () => {
    const group = ok(await createConversation(t.db, ana.claims, { kind: "group", title: "Équipe TAO", members: [ben.id] }));
    expect(group.added).toEqual([ben.id]);
    expect(await inviteMembers(t.db, ben.claims, group.id, [chloe.id])).toMatchObject({ ok: false, code: "forbidden" });
    expect(ok(await inviteMembers(t.db, ana.claims, group.id, [chloe.id, ben.id])).added).toEqual([chloe.id]);
    expect(await inviteMembers(t.db, ana.claims, group.id, [unverified.id])).toMatchObject({ ok: false, code: "forbidden" });
    expect(await renameConversation(t.db, ben.claims, group.id, { title: "Piraté" })).toMatchObject({ ok: false, code: "forbidden" });
    ok(await renameConversation(t.db, ana.claims, group.id, { title: "Équipe TAO Côte-Nord", topic: "Suivi des admissions" }));
    expect(await removeMember(t.db, ben.claims, group.id, chloe.id)).toMatchObject({ ok: false, code: "forbidden" });
    ok(await removeMember(t.db, ana.claims, group.id, chloe.id));
    ok(await removeMember(t.db, ben.claims, group.id, ben.id));
    const page = await getConversationPage(t.db, ana.claims, group.id, {});
    expect(page?.conversation).toMatchObject({ name: "Équipe TAO Côte-Nord", memberCount: 1, canManage: true });
    expect(await getConversationPage(t.db, ben.claims, group.id, {})).toBeNull();

    expect(await createConversation(t.db, ana.claims, { kind: "channel", title: "Ouvert", visibility: "verified" })).toMatchObject({
      ok: false,
      code: "forbidden",
    });
    ok(await createConversation(t.db, moderator.claims, { kind: "channel", title: "Pharmacie", visibility: "verified" }));
    ok(await createConversation(t.db, ana.claims, { kind: "channel", title: "Gestionnaires", visibility: "members" }));
  });
});

describe("messages", () => {
  let group: string;
  beforeAll(async () => {
    group = ok(await createConversation(t.db, ana.claims, { kind: "group", title: "Messages", members: [ben.id, chloe.id] })).id;
  });

  it("is stored once per client id: a retry returns the same message and creates nothing new", async () => {
    const clientId = randomUUID();
    const first = ok(await send(ana, group, "Une seule fois", { clientId }));
    const again = ok(await send(ana, group, "Une seule fois", { clientId }));
    expect(first.created).toBe(true);
    expect(again.created).toBe(false);
    expect(again.message.id).toBe(first.message.id);
    expect(again.notifications).toEqual([]);
    const twins = await Promise.all(Array.from({ length: 4 }, () => send(ana, group, "Concurrence", { clientId: randomUUID() })));
    expect(twins.every((r) => r.ok)).toBe(true);
    const racing = randomUUID();
    const same = await Promise.all(Array.from({ length: 4 }, () => send(ben, group, "Même id", { clientId: racing })));
    expect(new Set(same.map((r) => ok(r).message.id)).size).toBe(1);
    expect(same.filter((r) => ok(r).created)).toHaveLength(1);
  });

  it("recognises mentions of members only, and notifies them", async () => {
    // A name after @ that is no member's of the conversation is not a mention: the guard sees a
    // possible patient's name (decision 023), and nothing is stored or notified.
    expect(await send(ana, group, "Merci @Ben Ouellet ; pas @Modé Ratrice")).toMatchObject({ ok: false, code: "identifiers" });
    const sent = ok(await send(ana, group, "Merci @Ben Ouellet et @Chloé Roy ; pas @modé"));
    expect(sent.message.mentions.map((m) => m.id).sort()).toEqual([ben.id, chloe.id].sort());
    expect(sent.notifications.map((n) => n.userId).sort()).toEqual([ben.id, chloe.id].sort());
    expect(sent.notifications[0]).toMatchObject({ kind: "chat.mention", payload: { actorName: "Ana Pelletier", title: "Messages" } });
  });

  it("threads: replies go under a top-level message of the same conversation, which counts them", async () => {
    const root = ok(await send(ana, group, "Question du jour")).message;
    const reply = ok(await send(ben, group, "Réponse", { parentId: root.id }));
    expect(reply.parent).toMatchObject({ id: root.id, replyCount: 1 });
    expect(await send(ben, group, "Trop profond", { parentId: reply.message.id })).toMatchObject({ ok: false, code: "invalid_parent" });
    const elsewhere = ok(await createConversation(t.db, ben.claims, { kind: "group", title: "Ailleurs", members: [] })).id;
    expect(await send(ben, elsewhere, "Mauvais fil", { parentId: root.id })).toMatchObject({ ok: false, code: "invalid_parent" });
    const page = await getConversationPage(t.db, ana.claims, group, { thread: root.id });
    expect(page?.thread?.replies.map((m) => m.id)).toEqual([reply.message.id]);
    expect(page?.messages.some((m) => m.id === reply.message.id)).toBe(false);
  });

  it("edits and deletions: the author only, never after deletion; the backfill returns the changes", async () => {
    const msg = ok(await send(ana, group, "Premier jet")).message;
    const before = ok(await syncConversation(t.db, ben.claims, { conversationId: group, afterId: msg.id }));
    expect(await editMessage(t.db, ben.claims, { messageId: msg.id, body: "Non" })).toMatchObject({ ok: false, code: "forbidden" });
    expect(ok(await editMessage(t.db, ana.claims, { messageId: msg.id, body: "Version finale" })).message).toMatchObject({
      body: "Version finale",
      editedAt: expect.any(String),
    });
    expect(ok(await deleteMessage(t.db, ana.claims, { messageId: msg.id })).message).toMatchObject({ body: "", state: "deleted" });
    expect(await editMessage(t.db, ana.claims, { messageId: msg.id, body: "Revenu" })).toMatchObject({
      ok: false,
      code: "message_deleted",
    });
    const after = ok(await syncConversation(t.db, ben.claims, { conversationId: group, afterId: msg.id, since: before.syncedAt }));
    expect(after.updated.find((m) => m.id === msg.id)).toMatchObject({ state: "deleted", body: "" });
    expect(await syncConversation(t.db, moderator.claims, { conversationId: group, afterId: 0 })).toMatchObject({
      ok: false,
      code: "forbidden",
    });
  });

  it("read positions move forward, lower the unread count, and clear the notifications they cover", async () => {
    const direct = ok(await openDirectConversation(t.db, chloe.claims, ben.id)).id;
    const m1 = ok(await send(chloe, direct, "Allô"));
    const m2 = ok(await send(chloe, direct, "Tu as un moment ?"));
    expect(m1.notifications[0]).toMatchObject({ userId: ben.id, kind: "chat.direct", count: 1 });
    expect(m2.notifications[0]).toMatchObject({ userId: ben.id, kind: "chat.direct", count: 2 });
    expect((await listConversations(t.db, ben.claims)).find((c) => c.id === direct)?.unread).toBe(2);
    const read = ok(await markRead(t.db, ben.claims, { conversationId: direct, messageId: m2.message.id }));
    expect(read).toMatchObject({ lastReadMessageId: m2.message.id, unread: 0, moved: true, readReceipts: true });
    expect(read.notificationsUnread).not.toBeNull();
    expect((await listNotifications(t.db, ben.claims)).notifications.find((n) => n.kind === "chat.direct")?.readAt).not.toBeNull();
    expect(ok(await markRead(t.db, ben.claims, { conversationId: direct, messageId: 0 })).lastReadMessageId).toBe(m2.message.id);
  });
});

describe("reports and moderation", () => {
  it("a member reports; moderators see the snapshot and remove the message (audited); others cannot", async () => {
    const group = ok(await createConversation(t.db, ana.claims, { kind: "group", title: "Signalements", members: [ben.id] })).id;
    const msg = ok(await send(ben, group, "Nom complet et date de naissance d'une personne")).message;
    expect(await reportMessage(t.db, chloe.claims, { messageId: msg.id, reason: "Pas membre" })).toMatchObject({
      ok: false,
      code: "not_found",
    });
    expect(ok(await reportMessage(t.db, ana.claims, { messageId: msg.id, reason: "Information identifiante" })).created).toBe(true);
    expect(ok(await reportMessage(t.db, ana.claims, { messageId: msg.id, reason: "Encore" })).created).toBe(false);
    // The reporter sees their own report; other members see none (the moderation page also requires the role).
    expect(await listOpenReports(t.db, ben.claims)).toEqual([]);
    const [report] = await listOpenReports(t.db, moderator.claims);
    expect(report).toMatchObject({
      messageId: msg.id,
      body: "Nom complet et date de naissance d'une personne",
      authorName: "Ben Ouellet",
      reporterName: "Ana Pelletier",
    });
    expect(await resolveReport(t.db, ana.claims, { reportId: report?.id ?? 0, decision: "removed", note: "Non" })).toMatchObject({
      ok: false,
      code: "forbidden",
    });
    const resolved = ok(
      await resolveReport(t.db, moderator.claims, { reportId: report?.id ?? 0, decision: "removed", note: "Identifiant retiré" }),
    );
    expect(resolved.message).toMatchObject({ id: msg.id, state: "removed", body: "" });
    expect(await resolveReport(t.db, moderator.claims, { reportId: report?.id ?? 0, decision: "dismissed", note: "Encore" })).toMatchObject(
      { ok: false, code: "not_found" },
    );
    const page = await getConversationPage(t.db, ana.claims, group, {});
    expect(page?.messages.find((m) => m.id === msg.id)).toMatchObject({ state: "removed", body: "" });
  });
});

describe("email when offline for a while", () => {
  const logger = pino({ level: "silent" });
  const outboxFor = (email: string) =>
    t.db.asSystem("test: outbox", (tx) => tx.selectFrom("outbox").selectAll().where("to_email", "=", email).orderBy("id").execute());
  /** As if `minutes` had passed since the notifications and the person's last connection. */
  const age = (user: TestUser, minutes: number) =>
    t.db.asSystem("test: age", async (tx) => {
      await sql`update public.notifications set created_at = now() - make_interval(mins => ${minutes}) where user_id = ${user.id}::uuid`.execute(
        tx,
      );
      await sql`update public.presence set last_seen_at = now() - make_interval(mins => ${minutes}) where user_id = ${user.id}::uuid`.execute(
        tx,
      );
    });

  it("emails unread notifications once the person has been offline for their delay: who and where, never what", async () => {
    const mail = createMailer({ db: t.db, from: "passerelle@example.org", logger });
    const options = { db: t.db, mail, publicUrl: "https://passerelle.example", secret: TEST_SECRET };
    const [dana, eli] = [
      await createUser(t.db, { displayName: "Dana Morin", verified: true }),
      await createUser(t.db, { displayName: "Éli Caron", verified: true }),
    ];
    const direct = ok(await openDirectConversation(t.db, eli.claims, dana.id)).id;
    // Messages with identifiers are refused by the guard; the email must not carry clinical text either.
    ok(await send(eli, direct, "Le dossier de la personne Untelcas est prêt, rechute hier soir"));
    ok(await send(eli, direct, "Rappelle-moi"));
    await touchLastSeen(t.db, [dana.id]);

    // Too soon, and Dana was online a moment ago: nothing.
    expect(await sendDueNotificationEmails(options)).toBe(0);
    await age(dana, 10);
    expect(await sendDueNotificationEmails(options)).toBe(0);
    // 15 minutes (the default) and offline since: one email.
    await age(dana, 16);
    expect(await sendDueNotificationEmails(options)).toBe(1);
    const [email] = await outboxFor(dana.email);
    expect(email).toMatchObject({ kind: "notifications_digest", subject: "Passerelle — 1 notification non lue" });
    expect(email?.body_text).toContain("2 nouveaux messages d'Éli Caron");
    expect(email?.body_text).toContain("https://passerelle.example/notifications");
    expect(email?.body_text).not.toContain("Untel");
    expect(email?.body_text).not.toContain("Rappelle");
    // Once only.
    expect(await sendDueNotificationEmails(options)).toBe(0);
    expect(await outboxFor(dana.email)).toHaveLength(1);
    // One-click unsubscribe (RFC 8058): the body's signed link is also the List-Unsubscribe header, and it works once.
    const link = /(https:\/\/passerelle\.example\/notifications\/unsubscribe\?token=\S+)/.exec(email?.body_text ?? "")?.[1] ?? "";
    expect(email?.headers).toEqual({ "List-Unsubscribe": `<${link}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" });
    const token = new URL(link).searchParams.get("token");
    expect(await unsubscribeNotificationEmails(t.db, "another-secret-of-at-least-32-characters", token)).toBe(false);
    expect(await unsubscribeNotificationEmails(t.db, TEST_SECRET, `${dana.id}.forged`)).toBe(false);
    expect(await unsubscribeNotificationEmails(t.db, TEST_SECRET, token)).toBe(true);
    expect(await getNotificationSettings(t.db, dana.claims)).toEqual({ emailDelayMinutes: null });
  });

  it("respects the person's choice (a longer delay, or never) and skips what was read", async () => {
    const mail = createMailer({ db: t.db, from: "passerelle@example.org", logger });
    const options = { db: t.db, mail, publicUrl: "https://passerelle.example", secret: TEST_SECRET };
    const [fay, gil, hugo] = await Promise.all([
      createUser(t.db, { displayName: "Fay", verified: true }),
      createUser(t.db, { displayName: "Gil", verified: true }),
      createUser(t.db, { displayName: "Hugo", verified: true }),
    ]);
    expect(await getNotificationSettings(t.db, fay.claims)).toEqual({ emailDelayMinutes: 15 });
    await updateNotificationSettings(t.db, fay.claims, 60);
    await updateNotificationSettings(t.db, gil.claims, null);
    expect(await getNotificationSettings(t.db, gil.claims)).toEqual({ emailDelayMinutes: null });
    for (const person of [fay, gil, hugo])
      ok(
        await send(
          ana,
          ok(await openDirectConversation(t.db, ana.claims, person.id)).id,
          `Bonjour, message ${[fay, gil, hugo].indexOf(person) + 1}`,
        ),
      );
    expect(await markNotificationsRead(t.db, hugo.claims, "all")).toBe(0);
    for (const person of [fay, gil, hugo]) await age(person, 30);
    expect(await sendDueNotificationEmails(options)).toBe(0);
    await age(fay, 61);
    expect(await sendDueNotificationEmails(options)).toBe(1);
    expect(await outboxFor(fay.email)).toHaveLength(1);
    expect(await outboxFor(gil.email)).toHaveLength(0);
    expect(await outboxFor(hugo.email)).toHaveLength(0);
  });

  it("writes the email in the person's language", async () => {
    const mail = createMailer({ db: t.db, from: "passerelle@example.org", logger });
    const ivy = await createUser(t.db, { displayName: "Ivy English", verified: true });
    await t.db.withUser(ivy.claims, (tx) => tx.updateTable("profiles").set({ locale: "en-CA" }).where("id", "=", ivy.id).execute());
    ok(await send(ben, ok(await openDirectConversation(t.db, ben.claims, ivy.id)).id, "Hi"));
    await age(ivy, 20);
    expect(await sendDueNotificationEmails({ db: t.db, mail, publicUrl: "https://passerelle.example", secret: TEST_SECRET })).toBe(1);
    const [email] = await outboxFor(ivy.email);
    expect(email?.subject).toBe("Passerelle — 1 unread notification");
    expect(email?.body_text).toContain("New message from Ben Ouellet");
  });
});
