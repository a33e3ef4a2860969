// The live chat of an event, on PGlite and PostgreSQL: a registrant who opens it from
// the open room becomes a member of the event's one chat channel and can write there;
// a member who is not registered can neither join, read nor post; a registration that
// ends takes the person out. The room's page reads the chat (eventChatPage): the first
// read adds a person in the room, later ones only read; anyone else is refused.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Viewer } from "~/modules/accounts/accounts.server";
import { getConversationPage, joinChannel, sendMessage } from "~/modules/chat/chat.server";
import { eventChatPage, joinEventChat } from "~/modules/events/live.server";
import type { Role } from "~/utils/db-schema";
import type { Tx } from "~/utils/db.server";
import { createTestDatabase, createUser, type TestDatabase } from "../setup/test-db";

let t: TestDatabase;
let member: Viewer, registrant: Viewer, other: Viewer, organiser: Viewer;
const ev = { live: "", soon: "" };

async function person(name: string, roles: Role[] = []): Promise<Viewer> {
  const u = await createUser(t.db, { displayName: name, verified: true, roles });
  return { claims: u.claims, id: u.id, displayName: name, verified: true, roles, locale: "fr-CA" };
}
const system = <T>(fn: (tx: Tx) => Promise<T>) => t.db.asSystem("test: fixtures", fn);
async function newEvent(startsAt: Date) {
  return system(
    async (tx) =>
      (
        await tx
          .insertInto("events")
          .values({
            title: "Webinaire sur l'approvisionnement plus sécuritaire",
            kind: "webinar",
            starts_on: "2026-01-01",
            topics: [],
            starts_at: startsAt,
            duration_minutes: 60,
            audience: "public",
          })
          .returning("id")
          .executeTakeFirstOrThrow()
      ).id,
  );
}
const registerAs = (p: Viewer, eventId: string) =>
  system((tx) =>
    tx
      .insertInto("event_registrations")
      .values({ event_id: eventId, user_id: p.id, status: "registered", waitlist_position: null })
      .execute(),
  );
const send = (p: Viewer, conversationId: string, body: string) =>
  sendMessage(t.db, p.claims, { conversationId, clientId: randomUUID(), body });
async function bodiesSeenBy(p: Viewer, conversationId: string) {
  const page = await getConversationPage(t.db, p.claims, conversationId, {});
  return page?.conversation.me ? page.messages.map((m) => m.body) : null;
}

beforeAll(async () => {
  t = await createTestDatabase();
  member = await person("Membre non inscrite");
  registrant = await person("Inscrite");
  other = await person("Autre inscrite");
  organiser = await person("Organisatrice", ["organiser"]);
  ev.live = await newEvent(new Date(Date.now() - 10 * 60_000));
  ev.soon = await newEvent(new Date(Date.now() + 3 * 3_600_000));
  for (const id of Object.values(ev)) {
    await registerAs(registrant, id);
    await registerAs(other, id);
  }
});
afterAll(() => t?.cleanup());

describe("the event's live chat", () => {
  let conversationId = "";

  test("a registrant opening it becomes a member of the event's channel and can post", async () => {
    const joined = await joinEventChat(t.db, registrant, ev.live);
    expect(joined.ok).toBe(true);
    conversationId = joined.ok ? joined.conversationId : "";
    const sent = await send(registrant, conversationId, "Bonjour à toutes et à tous!");
    expect(sent.ok).toBe(true);
    expect(await bodiesSeenBy(registrant, conversationId)).toEqual(["Bonjour à toutes et à tous!"]);
  });

  test("everyone in the room shares the one conversation (opening it again changes nothing)", async () => {
    const again = await joinEventChat(t.db, registrant, ev.live);
    expect(again.ok && again.conversationId).toBe(conversationId);
    const theirs = await joinEventChat(t.db, other, ev.live);
    expect(theirs.ok && theirs.conversationId).toBe(conversationId);
    const host = await joinEventChat(t.db, organiser, ev.live);
    expect(host.ok && host.conversationId).toBe(conversationId);
    expect(await bodiesSeenBy(other, conversationId)).toEqual(["Bonjour à toutes et à tous!"]);
    expect((await send(organiser, conversationId, "Bienvenue, on commence dans cinq minutes.")).ok).toBe(true);
    const rows = await system((tx) => tx.selectFrom("event_chats").selectAll().where("event_id", "=", ev.live).execute());
    expect(rows).toHaveLength(1);
  });

  test("the room's page reads the chat: a person in the room is added on the first read only; others are refused", async () => {
    const speakerLike = await person("Organisatrice deux", ["organiser"]);
    const first = await eventChatPage(t.db, speakerLike, ev.live);
    if (!first.ok) throw new Error(JSON.stringify(first));
    expect(first).toMatchObject({ conversationId, added: true });
    expect(first.page.conversation.me).not.toBeNull();
    expect(first.page.messages.map((m) => m.body)).toContain("Bonjour à toutes et à tous!");
    const again = await eventChatPage(t.db, speakerLike, ev.live);
    expect(again.ok && again.added).toBe(false);
    const outsider = await eventChatPage(t.db, member, ev.live);
    expect(!outsider.ok && outsider.status).toBe(403);
    const early = await eventChatPage(t.db, registrant, ev.soon);
    expect(!early.ok && early.status).toBe(409);
  });

  test("a member who is not registered cannot join, read or post", async () => {
    const joined = await joinEventChat(t.db, member, ev.live);
    expect(joined.ok).toBe(false);
    expect(!joined.ok && joined.status).toBe(403);
    // Chat's own rules do not let anyone join this channel by themselves either.
    expect((await joinChannel(t.db, member.claims, conversationId)).ok).toBe(false);
    expect(await getConversationPage(t.db, member.claims, conversationId, {})).toBeNull();
    expect((await send(member, conversationId, "Je peux écrire?")).ok).toBe(false);
    const read = await t.db.withUser(member.claims, (tx) =>
      tx.selectFrom("messages").select("body").where("conversation_id", "=", conversationId).execute(),
    );
    expect(read).toEqual([]);
    const link = await t.db.withUser(member.claims, (tx) => tx.selectFrom("event_chats").selectAll().execute());
    expect(link).toEqual([]);
    expect(await bodiesSeenBy(registrant, conversationId)).not.toContain("Je peux écrire?");
  });

  test("nobody links an event to a conversation directly", async () => {
    await expect(
      t.db.withUser(organiser.claims, (tx) =>
        tx.insertInto("event_chats").values({ event_id: ev.soon, conversation_id: conversationId }).execute(),
      ),
    ).rejects.toThrow(/permission denied/);
  });

  test("before the room opens, the chat does not open either", async () => {
    const early = await joinEventChat(t.db, registrant, ev.soon);
    expect(!early.ok && early.status).toBe(409);
  });

  test("a registration that ends takes the person out of the chat", async () => {
    await system((tx) =>
      tx
        .updateTable("event_registrations")
        .set({ status: "cancelled" })
        .where("event_id", "=", ev.live)
        .where("user_id", "=", other.id)
        .execute(),
    );
    expect(await getConversationPage(t.db, other.claims, conversationId, {})).toBeNull();
    expect((await send(other, conversationId, "Encore là?")).ok).toBe(false);
    expect((await joinEventChat(t.db, other, ev.live)).ok).toBe(false);
    // The others stay.
    expect((await send(registrant, conversationId, "Merci pour la présentation.")).ok).toBe(true);
  });
});
