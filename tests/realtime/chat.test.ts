// Chat over Socket.IO against the real server: delivery and ordering in a room,
// exactly-once storage with retries after a lost ack, the backfill after a
// reconnect, membership on every event, bad input refused with nothing saved,
// typing, read receipts, presence, unread counts and live notifications.
import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openDirectConversation, setPresenceVisible } from "../../app/modules/chat/chat.server";
import { MESSAGE_MAX_LENGTH } from "../../app/modules/chat/limits";
import { REALTIME_MAX_PAYLOAD_BYTES } from "../../app/modules/realtime/schemas";
import type { ChatMessage } from "../../app/modules/chat/schemas";
import {
  ask,
  closeSockets,
  connectAs,
  connected,
  inbox,
  online,
  people,
  postForm,
  settle,
  startChatApp,
  until,
  type ChatApp,
} from "./chat-kit";
import { countWhere, createGroup, storedMessages, type Person } from "./chat-people";

let app: ChatApp;
let alice: Person, bob: Person, carol: Person, dan: Person;
let group: string;

beforeAll(async () => {
  app = await startChatApp();
  const [a, b, c, d] = await people(app, [
    { name: "Alice Tremblay" },
    { name: "Bruno Roy" },
    { name: "Carole Gagnon" },
    { name: "Dany Côté" },
  ]);
  if (!a || !b || !c || !d) throw new Error("people");
  [alice, bob, carol, dan] = [a, b, c, d];
  group = await createGroup(app.db, [alice, bob, carol], "Équipe TAO");
}, 120_000);
afterEach(() => closeSockets());
afterAll(() => app?.close());

const send = (socket: Parameters<typeof ask>[0], conversationId: string, body: string, extra: Record<string, unknown> = {}) =>
  ask(socket, "chat:send", { conversationId, clientId: randomUUID(), body, ...extra });
const messageOf = (ack: { [key: string]: unknown }): ChatMessage => ack.message as ChatMessage;

describe("delivery", () => {
  it("persists, acks, then broadcasts to every other socket in the room, in order", async () => {
    const [a, b, c] = await Promise.all([online(app, alice), online(app, bob), online(app, carol)]);
    const atB = inbox<ChatMessage>(b, "chat:message");
    const atC = inbox<ChatMessage>(c, "chat:message");
    const atA = inbox<ChatMessage>(a, "chat:message");
    const sent: number[] = [];
    for (let i = 1; i <= 15; i++) {
      const ack = await send(a, group, `Message ${i}`);
      expect(ack.ok).toBe(true);
      sent.push(messageOf(ack).id);
    }
    await until(() => atB.length === 15 && atC.length === 15, "15 messages at Bruno and Carole");
    expect(atB.map((m) => m.id)).toEqual(sent);
    expect(atC.map((m) => m.body)).toEqual(sent.map((_, i) => `Message ${i + 1}`));
    expect(atB[0]).toMatchObject({ authorId: alice.id, authorName: "Alice Tremblay", conversationId: group, state: "active" });
    // The sender has it in the ack, not twice.
    expect(atA).toEqual([]);
    const stored = await storedMessages(app.db, group);
    expect(stored.slice(-15).map((m) => m.id)).toEqual(sent);
  });

  it("delivers everything once to everyone when several people send at once", async () => {
    const [a, b, c] = await Promise.all([online(app, alice), online(app, bob), online(app, carol)]);
    const watcher = await online(app, alice); // Alice's second tab sees every message, hers included
    const seen = inbox<ChatMessage>(watcher, "chat:message");
    const acks = await Promise.all([a, b, c].flatMap((s, who) => Array.from({ length: 8 }, (_, i) => send(s, group, `P${who}-${i}`))));
    expect(acks.every((ack) => ack.ok)).toBe(true);
    const ids = acks.map((ack) => messageOf(ack).id);
    // The tab that sent gets its own messages in acks only.
    const fromOthers = acks.filter((_, i) => i >= 8).map((ack) => messageOf(ack).id);
    await until(() => seen.length >= 24, "24 messages at the second tab");
    expect(new Set(seen.map((m) => m.id))).toEqual(new Set(ids));
    expect(seen.length).toBe(24);
    expect(fromOthers.every((id) => seen.some((m) => m.id === id))).toBe(true);
  });

  it("a retry after a lost ack stores nothing new and answers with the same message", async () => {
    const a = await online(app, alice);
    const b = await online(app, bob);
    const atB = inbox<ChatMessage>(b, "chat:message");
    const clientId = randomUUID();
    const payload = { conversationId: group, clientId, body: "Une seule fois" };
    // Sent without an ack callback: the server stores it and has no way to answer.
    a.emit("chat:send", payload);
    await until(async () => (await countWhere(app.db, "messages", sql<boolean>`client_id = ${clientId}::uuid`)) === 1, "stored once");
    const retry = await ask(a, "chat:send", payload);
    const again = await ask(a, "chat:send", payload);
    expect(retry.ok && again.ok).toBe(true);
    expect(messageOf(retry).id).toBe(messageOf(again).id);
    expect(messageOf(retry).clientId).toBe(clientId);
    // Concurrent duplicates too.
    const burst = { ...payload, clientId: randomUUID(), body: "En rafale" };
    const twins = await Promise.all(Array.from({ length: 5 }, () => ask(a, "chat:send", burst)));
    expect(new Set(twins.map((ack) => messageOf(ack).id)).size).toBe(1);
    expect(await countWhere(app.db, "messages", sql<boolean>`client_id in (${clientId}::uuid, ${burst.clientId}::uuid)`)).toBe(2);
    await settle();
    // Others received each message once.
    expect(atB.filter((m) => m.clientId === clientId || m.clientId === burst.clientId)).toHaveLength(2);
    // The same client id for another conversation is a client bug, refused.
    const [elsewhere] = await Promise.all([openDirectConversation(app.db, alice.claims, bob.id)]);
    if (!elsewhere.ok) throw new Error(elsewhere.code);
    expect(await ask(a, "chat:send", { ...payload, conversationId: elsewhere.id })).toEqual({ ok: false, error: "client_id_conflict" });
  });

  it("a socket dropped mid-send: whether or not the first attempt got through, the retry leaves exactly one", async () => {
    for (let round = 0; round < 5; round++) {
      const a = await online(app, alice);
      const clientId = randomUUID();
      a.emit("chat:send", { conversationId: group, clientId, body: `Coupé en route ${round}` }, () => {});
      // Dropped right away, or after the packet left: both must end with one stored message.
      if (round % 2 === 1) await settle(5);
      a.disconnect();
      const again = await online(app, alice);
      const retry = await ask(again, "chat:send", { conversationId: group, clientId, body: `Coupé en route ${round}` });
      expect(retry.ok).toBe(true);
      await settle(50);
      expect(await countWhere(app.db, "messages", sql<boolean>`client_id = ${clientId}::uuid`)).toBe(1);
      again.disconnect();
    }
  });
});

describe("reconnect backfill", () => {
  it("a member back online gets what they missed: new messages, replies, edits, deletions and reactions", async () => {
    const a = await online(app, alice);
    let b = await online(app, bob);
    const first = await send(a, group, "Avant la coupure");
    const older = await send(a, group, "Sera modifié");
    const doomed = await send(a, group, "Sera supprimé");
    const join = await ask(b, "chat:join", { conversationId: group, afterId: messageOf(first).id });
    expect(join.ok).toBe(true);
    let lastSeen = messageOf(doomed).id;
    const since = String(join.syncedAt);
    b.disconnect();

    const missed: number[] = [];
    for (let i = 0; i < 5; i++) missed.push(messageOf(await send(a, group, `Pendant l'absence ${i}`)).id);
    const reply = await send(a, group, "Réponse dans un fil", { parentId: messageOf(first).id });
    expect((await ask(a, "chat:edit", { messageId: messageOf(older).id, body: "Modifié pendant l'absence" })).ok).toBe(true);
    expect((await ask(a, "chat:delete", { messageId: messageOf(doomed).id })).ok).toBe(true);
    expect((await ask(a, "chat:react", { messageId: messageOf(first).id, emoji: "👍", on: true })).ok).toBe(true);

    b = await online(app, bob);
    const back = await ask(b, "chat:join", { conversationId: group, afterId: lastSeen, since });
    expect(back.ok).toBe(true);
    const messages = back.messages as ChatMessage[];
    const updated = back.updated as ChatMessage[];
    expect(messages.map((m) => m.id)).toEqual([...missed, messageOf(reply).id]);
    const byId = new Map(updated.map((m) => [m.id, m]));
    expect(byId.get(messageOf(older).id)).toMatchObject({ body: "Modifié pendant l'absence", editedAt: expect.any(String) });
    expect(byId.get(messageOf(doomed).id)).toMatchObject({ body: "", state: "deleted" });
    expect(byId.get(messageOf(first).id)).toMatchObject({ replyCount: 1, reactions: [{ emoji: "👍", userIds: [alice.id] }] });
    lastSeen = Math.max(...messages.map((m) => m.id));

    // Live again: the next message arrives by broadcast.
    const live = inbox<ChatMessage>(b, "chat:message");
    const next = await send(a, group, "De retour");
    await until(() => live.some((m) => m.id === messageOf(next).id), "live message after the backfill");
    expect(messageOf(next).id).toBeGreaterThan(lastSeen);
  });

  it("loads earlier history and threads by cursor, newest page first", async () => {
    const a = await online(app, alice);
    const page = await ask(a, "chat:history", { conversationId: group });
    const messages = page.messages as ChatMessage[];
    expect(page.ok).toBe(true);
    expect(messages.length).toBeGreaterThan(10);
    expect(messages.every((m) => m.parentId === null)).toBe(true);
    const ids = messages.map((m) => m.id);
    expect([...ids].sort((x, y) => x - y)).toEqual(ids);
    const earlier = await ask(a, "chat:history", { conversationId: group, before: ids[0] });
    expect((earlier.messages as ChatMessage[]).every((m) => m.id < (ids[0] ?? 0))).toBe(true);
  });
});

describe("membership on every event", () => {
  it("refuses every event about a conversation the person is not in, and saves nothing", async () => {
    const d = await online(app, dan);
    const before = await countWhere(app.db, "messages", sql<boolean>`conversation_id = ${group}::uuid`);
    const [someMessage] = await storedMessages(app.db, group);
    const refusals = await Promise.all([
      ask(d, "chat:join", { conversationId: group, afterId: 0 }),
      send(d, group, "Intrus"),
      ask(d, "chat:typing", { conversationId: group, typing: true }),
      ask(d, "chat:read", { conversationId: group, messageId: 1 }),
      ask(d, "chat:history", { conversationId: group }),
      ask(d, "chat:presence", { conversationId: group }),
      ask(d, "chat:react", { messageId: someMessage?.id ?? 1, emoji: "👍", on: true }),
      ask(d, "chat:edit", { messageId: someMessage?.id ?? 1, body: "Piraté" }),
    ]);
    expect(refusals.map((r) => r.ok)).toEqual(Array(refusals.length).fill(false));
    expect(refusals.map((r) => r.error)).toEqual([
      "forbidden",
      "forbidden",
      "forbidden",
      "forbidden",
      "forbidden",
      "forbidden",
      "not_found",
      "not_found",
    ]);
    expect(await countWhere(app.db, "messages", sql<boolean>`conversation_id = ${group}::uuid`)).toBe(before);
    // And Dan hears nothing of the room.
    const heard = inbox(d, "chat:message");
    const a = await online(app, alice);
    await send(a, group, "Dany ne doit pas voir ceci");
    await settle();
    expect(heard).toEqual([]);
  });

  it("refuses edits and deletions of someone else's message", async () => {
    const a = await online(app, alice);
    const b = await online(app, bob);
    const mine = messageOf(await send(a, group, "À Alice"));
    expect(await ask(b, "chat:edit", { messageId: mine.id, body: "Bruno réécrit" })).toEqual({ ok: false, error: "forbidden" });
    expect(await ask(b, "chat:delete", { messageId: mine.id })).toEqual({ ok: false, error: "forbidden" });
    const [row] = (await storedMessages(app.db, group)).filter((m) => m.id === mine.id);
    expect(row).toMatchObject({ body: "À Alice", deleted_at: null, edited_at: null });
  });
});

describe("bad input", () => {
  it("malformed, oversized and unknown events get error acks; the socket and the others keep going", async () => {
    const a = await online(app, alice);
    const b = await online(app, bob);
    const before = await countWhere(app.db, "messages", sql<boolean>`true`);
    const bad = await Promise.all([
      ask(a, "chat:send", { conversationId: group, clientId: randomUUID(), body: "x".repeat(MESSAGE_MAX_LENGTH + 1) }),
      ask(a, "chat:send", { conversationId: group, clientId: randomUUID(), body: "   " }),
      ask(a, "chat:send", { conversationId: group, clientId: "pas-un-uuid", body: "Bonjour" }),
      ask(a, "chat:send", { conversationId: group, clientId: randomUUID(), body: "Bonjour", html: "<b>x</b>" }),
      ask(a, "chat:send", "juste une chaîne"),
      ask(a, "chat:react", { messageId: 1, emoji: "💩", on: true }),
      ask(a, "chat:edit", { messageId: -4, body: "x" }),
      ask(a, "chat:nope", { conversationId: group }),
    ]);
    expect(bad.map((r) => r.error)).toEqual([
      "invalid_payload",
      "invalid_payload",
      "invalid_payload",
      "invalid_payload",
      "invalid_payload",
      "invalid_payload",
      "invalid_payload",
      "unknown_event",
    ]);
    expect(await countWhere(app.db, "messages", sql<boolean>`true`)).toBe(before);
    expect(a.connected && b.connected).toBe(true);
    expect((await send(a, group, "Toujours là")).ok).toBe(true);

    // Over the transport's cap the connection is closed, nothing stored; others are unaffected.
    const gone = new Promise<string>((resolve) => a.once("disconnect", resolve));
    a.emit("chat:send", { conversationId: group, clientId: randomUUID(), body: "x".repeat(REALTIME_MAX_PAYLOAD_BYTES + 10) });
    expect(await gone).toMatch(/^transport (close|error)$/);
    expect(await countWhere(app.db, "messages", sql<boolean>`true`)).toBe(before + 1);
    expect((await send(b, group, "Bruno continue")).ok).toBe(true);
  });

  it("after sign-out the socket is closed and the session opens no new one; nothing it emits is saved", async () => {
    const [eve] = await people(app, [{ name: "Ève Sauvé" }]);
    if (!eve) throw new Error("person");
    const conversation = await createGroup(app.db, [eve, alice], "Déconnexion");
    const socket = await online(app, eve);
    const closed = new Promise<string>((resolve) => socket.once("disconnect", resolve));
    const out = await fetch(`${app.url}/logout`, { method: "POST", redirect: "manual", headers: { Cookie: eve.cookie, Origin: app.url } });
    expect(out.status).toBe(302);
    expect(await closed).toBe("io server disconnect");
    socket.emit("chat:send", { conversationId: conversation, clientId: randomUUID(), body: "Après la déconnexion" });
    const again = connectAs(app, eve);
    await expect(connected(again)).rejects.toThrow("unauthorized");
    await settle();
    expect(await countWhere(app.db, "messages", sql<boolean>`conversation_id = ${conversation}::uuid`)).toBe(0);
  });
});

describe("typing, read receipts, presence, unread counts, notifications", () => {
  it("typing reaches the other members, not the typist", async () => {
    const [a, b] = await Promise.all([online(app, alice), online(app, bob)]);
    const atA = inbox(a, "chat:typing");
    const atB = inbox(b, "chat:typing");
    expect(await ask(a, "chat:typing", { conversationId: group, typing: true })).toEqual({ ok: true });
    await until(() => atB.length === 1, "typing at Bruno");
    expect(atB[0]).toEqual({ conversationId: group, userId: alice.id, typing: true });
    expect(atA).toEqual([]);
  });

  it("read positions: counts go down, receipts go to the conversation, the reader's other tabs follow", async () => {
    const direct = await openDirectConversation(app.db, alice.claims, carol.id);
    if (!direct.ok) throw new Error(direct.code);
    const [a, c1, c2] = await Promise.all([online(app, alice), online(app, carol), online(app, carol)]);
    const m1 = messageOf(await send(a, direct.id, "Bonjour Carole"));
    const m2 = messageOf(await send(a, direct.id, "Tu as vu le protocole ?"));
    const summary = await ask(c1, "chat:summary", {});
    expect((summary.conversations as Array<{ id: string; unread: number }>).find((x) => x.id === direct.id)?.unread).toBe(2);
    const receipts = inbox(a, "chat:read");
    const otherTab = inbox(c2, "chat:unread");
    expect(await ask(c1, "chat:read", { conversationId: direct.id, messageId: m1.id })).toEqual({
      ok: true,
      lastReadMessageId: m1.id,
      unread: 1,
    });
    expect(await ask(c1, "chat:read", { conversationId: direct.id, messageId: m2.id })).toEqual({
      ok: true,
      lastReadMessageId: m2.id,
      unread: 0,
    });
    // Never backwards.
    expect(await ask(c1, "chat:read", { conversationId: direct.id, messageId: 0 })).toEqual({
      ok: true,
      lastReadMessageId: m2.id,
      unread: 0,
    });
    await until(() => receipts.length === 2 && otherTab.length === 3, "receipts and other tab");
    expect(receipts.at(-1)).toEqual({ conversationId: direct.id, userId: carol.id, messageId: m2.id });
    expect(otherTab.at(-1)).toEqual({ conversationId: direct.id, unread: 0 });
  });

  it("presence: only people who show it, only to co-members, live", async () => {
    const [a, c] = await Promise.all([online(app, alice), online(app, carol)]);
    expect(await ask(a, "chat:presence", { conversationId: group })).toEqual({ ok: true, online: [] });
    await setPresenceVisible(app.db, carol.claims, true);
    expect(await ask(a, "chat:presence", { conversationId: group })).toEqual({ ok: true, online: [carol.id] });
    const changes = inbox(a, "chat:presence");
    c.disconnect();
    await until(() => changes.length === 1, "Carole goes offline");
    expect(changes[0]).toEqual({ userId: carol.id, online: false });
    await online(app, carol);
    await until(() => changes.length === 2, "Carole comes back");
    expect(changes[1]).toEqual({ userId: carol.id, online: true });
    await setPresenceVisible(app.db, carol.claims, false);
    expect(await ask(a, "chat:presence", { conversationId: group })).toEqual({ ok: true, online: [] });
  });

  it("a direct message and a mention notify live, collapse while unread, and reading clears them", async () => {
    const direct = await openDirectConversation(app.db, bob.claims, dan.id);
    if (!direct.ok) throw new Error(direct.code);
    const [b, d] = await Promise.all([online(app, bob), online(app, dan)]);
    const pushed = inbox<{ notification: { kind: string; count: number; payload: Record<string, unknown> }; unread: number }>(
      d,
      "notification:new",
    );
    const counts = inbox<{ unread: number }>(d, "notification:count");
    const m1 = messageOf(await send(b, direct.id, "Salut Dany"));
    await until(() => pushed.length === 1, "first notification");
    expect(pushed[0]).toMatchObject({
      unread: 1,
      notification: { kind: "chat.direct", count: 1, payload: { actorName: "Bruno Roy", url: `/chat/${direct.id}` } },
    });
    const m2 = messageOf(await send(b, direct.id, "Tu es là ?"));
    await until(() => pushed.length === 2, "second notification");
    expect(pushed[1]).toMatchObject({ unread: 1, notification: { kind: "chat.direct", count: 2 } });
    expect(m2.id).toBeGreaterThan(m1.id);
    expect(await ask(d, "chat:read", { conversationId: direct.id, messageId: m2.id })).toMatchObject({ ok: true, unread: 0 });
    await until(() => counts.length === 1, "count after reading");
    expect(counts[0]).toEqual({ unread: 0 });

    // A mention in a group notifies the person mentioned only.
    const c = await online(app, carol);
    const atCarol = inbox<{ notification: { kind: string } }>(c, "notification:new");
    const a = await online(app, alice);
    const atAlice = inbox(a, "notification:new");
    const mention = messageOf(await send(b, group, "Merci @Carole Gagnon pour le guide"));
    expect(mention.mentions).toEqual([{ id: carol.id, name: "Carole Gagnon" }]);
    await until(() => atCarol.length === 1, "mention notification");
    expect(atCarol[0]?.notification.kind).toBe("chat.mention");
    await settle();
    expect(atAlice).toEqual([]);
  });
});

describe("plain HTTP forms reach the live sockets", () => {
  it("a removed member's sockets leave the room at once: nothing more reaches them, every event is refused", async () => {
    const [owner, kept, removed] = await people(app, [{ name: "Olive Responsable" }, { name: "Karim Reste" }, { name: "Rémi Retiré" }]);
    if (!owner || !kept || !removed) throw new Error("people");
    const conversation = await createGroup(app.db, [owner, kept, removed], "Retrait");
    const [o, k, r] = await Promise.all([online(app, owner), online(app, kept), online(app, removed)]);
    const atRemoved = inbox<ChatMessage>(r, "chat:message");
    const membership = inbox(r, "chat:membership");
    await send(o, conversation, "Avant le retrait");
    await until(() => atRemoved.length === 1, "message before removal");

    const response = await postForm(app, owner, `/chat/${conversation}/members`, { intent: "remove", userId: removed.id });
    expect(response.status).toBe(302);
    await until(() => membership.length === 1, "removal notice");
    expect(membership[0]).toEqual({ conversationId: conversation, userId: removed.id, change: "removed" });

    const atKept = inbox<ChatMessage>(k, "chat:message");
    await send(o, conversation, "Après le retrait");
    await until(() => atKept.length === 1, "message after removal at the member who stayed");
    await settle();
    expect(atRemoved.map((m) => m.body)).toEqual(["Avant le retrait"]);
    expect((await send(r, conversation, "Je suis encore là ?")).error).toBe("forbidden");
    expect((await ask(r, "chat:typing", { conversationId: conversation, typing: true })).error).toBe("forbidden");
    expect((await ask(r, "chat:join", { conversationId: conversation, afterId: 0 })).error).toBe("forbidden");
    // A non-owner cannot remove anyone: 403, nothing changed.
    const refused = await postForm(app, kept, `/chat/${conversation}/members`, { intent: "remove", userId: owner.id });
    expect(refused.status).toBe(403);
  });

  it("an invited member's sockets join at once; a message posted without JavaScript is broadcast like any other", async () => {
    const [owner, guest] = await people(app, [{ name: "Hôte Accueil" }, { name: "Invitée Nouvelle", directoryOptIn: true }]);
    if (!owner || !guest) throw new Error("people");
    const conversation = await createGroup(app.db, [owner], "Invitation");
    const [o, g] = await Promise.all([online(app, owner), online(app, guest)]);
    const added = inbox(g, "chat:membership");
    const invited = await postForm(app, owner, `/chat/${conversation}/members`, { intent: "invite", members: [guest.id] });
    expect(invited).toMatchObject({ status: 302, location: `/chat/${conversation}/members?done=invited` });
    await until(() => added.length === 1, "invitation notice");
    const atGuest = inbox<ChatMessage>(g, "chat:message");
    const atOwner = inbox<ChatMessage>(o, "chat:message");
    // The owner's browser has no JavaScript: a plain form post with the page's client id.
    const clientId = randomUUID();
    const posted = await postForm(app, owner, `/chat/${conversation}`, { intent: "send", clientId, body: "Bienvenue !" });
    expect(posted.status).toBe(302);
    expect(posted.location).toMatch(new RegExp(`^/chat/${conversation}#message-\\d+$`));
    await until(() => atGuest.length === 1 && atOwner.length === 1, "the posted message at both sockets");
    // Submitted twice (a double click, a refresh): still one message.
    expect((await postForm(app, owner, `/chat/${conversation}`, { intent: "send", clientId, body: "Bienvenue !" })).status).toBe(302);
    expect(await countWhere(app.db, "messages", sql<boolean>`client_id = ${clientId}::uuid`)).toBe(1);
    // Bad input: 400 with the error, nothing stored.
    const before = await countWhere(app.db, "messages", sql<boolean>`conversation_id = ${conversation}::uuid`);
    const bad = await postForm(app, owner, `/chat/${conversation}`, {
      intent: "send",
      clientId: randomUUID(),
      body: "x".repeat(MESSAGE_MAX_LENGTH + 1),
    });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("trop long");
    const nonsense = await postForm(app, owner, `/chat/${conversation}`, { intent: "nonsense" });
    expect(nonsense.status).toBe(400);
    expect(await countWhere(app.db, "messages", sql<boolean>`conversation_id = ${conversation}::uuid`)).toBe(before);
    // A conversation the person is not in: refused, nothing stored.
    const [stranger] = await people(app, [{}]);
    if (!stranger) throw new Error("person");
    const intruder = await postForm(app, stranger, `/chat/${conversation}`, { intent: "send", clientId: randomUUID(), body: "Intrus" });
    expect(intruder.status).toBe(403);
    expect(await countWhere(app.db, "messages", sql<boolean>`conversation_id = ${conversation}::uuid`)).toBe(before);
  });
});
