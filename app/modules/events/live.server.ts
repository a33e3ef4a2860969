// The live room of an event (decision 019): who may enter and when, and its Q&A.
// Registrants and hosts (organisers, linked speakers) are in the room (RLS: can_join_event_live); the room opens
// LIVE_OPENS_BEFORE_MS before the start and closes at the end. Questions are shown
// without their author's name (members' profiles are private unless they opt in to the
// directory; a webinar's audience asks more freely that way); the author sees "yours".
// Its live chat is a channel of the chat module (joinEventChat).
import { sql } from "kysely";
import type { Viewer } from "~/modules/accounts/accounts.server";
import { hasRole } from "~/modules/accounts/accounts.server";
import { addRoomMemberAsSystem, createRoomChannelAsSystem, getConversationPage } from "~/modules/chat/chat.server";
import { assertNoIdentifiers } from "~/modules/identifier-guard/guard.server";
import type { Database } from "~/utils/db.server";
import { attempt, refused, type Outcome } from "~/utils/outcome";
import { getEvent, type EventDetail } from "./events.server";
import { LIVE_OPENS_BEFORE_MS } from "./live-schemas";

export type LiveWindow = "before" | "open" | "ended";

export interface LiveAccess {
  event: EventDetail;
  /** Hosts (organisers and the event's linked speakers) moderate the room: Jitsi moderator, mark answered. */
  role: "organiser" | "speaker" | "registrant" | null;
  host: boolean;
  window: LiveWindow;
  opensAt: string;
  endsAt: string;
}

export function liveWindow(
  event: { startsAt: string; durationMinutes: number; status: string },
  now = new Date(),
): { window: LiveWindow; opensAt: Date; endsAt: Date } {
  const start = new Date(event.startsAt).getTime();
  const opensAt = new Date(start - LIVE_OPENS_BEFORE_MS);
  const endsAt = new Date(start + event.durationMinutes * 60_000);
  const window: LiveWindow = event.status !== "scheduled" || now > endsAt ? "ended" : now < opensAt ? "before" : "open";
  return { window, opensAt, endsAt };
}

/** The event as this person sees it and their place in its room; null when the event is not visible (404). */
export async function liveAccess(db: Database, viewer: Viewer, eventId: string, now = new Date()): Promise<LiveAccess | null> {
  const event = await getEvent(db, viewer.claims, eventId);
  if (!event) return null;
  // A speaker enters as a host even without registering (can_join_event_live says the same).
  const role = hasRole(viewer, "organiser")
    ? "organiser"
    : event.iAmSpeaker
      ? "speaker"
      : event.mine?.status === "registered"
        ? "registrant"
        : null;
  const w = liveWindow(event, now);
  return {
    event,
    role,
    host: role === "organiser" || role === "speaker",
    window: w.window,
    opensAt: w.opensAt.toISOString(),
    endsAt: w.endsAt.toISOString(),
  };
}

export interface LiveQuestion {
  id: number;
  body: string;
  createdAt: string;
  answered: boolean;
  votes: number;
  votedByMe: boolean;
  mine: boolean;
}

/** The Q&A: open questions first (most upvoted, then oldest), answered ones after. RLS: people in the room only. */
export async function listQuestions(db: Database, viewer: Viewer, eventId: string): Promise<LiveQuestion[]> {
  const rows = await db.withUser(
    viewer.claims,
    (tx) =>
      sql<{ id: string; body: string; created_at: Date; answered_at: Date | null; author_id: string; votes: number; voted: boolean }>`
    select q.id, q.body, q.created_at, q.answered_at, q.author_id,
           (select count(*)::int from public.event_question_votes v where v.question_id = q.id) as votes,
           exists (select 1 from public.event_question_votes v where v.question_id = q.id and v.user_id = ${viewer.id}) as voted
      from public.event_questions q
     where q.event_id = ${eventId}
     order by (q.answered_at is not null), votes desc, q.created_at
     limit 500`.execute(tx),
    { readOnly: true },
  );
  return rows.rows.map((r) => ({
    id: Number(r.id),
    body: r.body,
    createdAt: new Date(r.created_at).toISOString(),
    answered: r.answered_at !== null,
    votes: Number(r.votes),
    votedByMe: Boolean(r.voted),
    mine: r.author_id === viewer.id,
  }));
}

const ROOM_REFUSALS = {
  codes: { "42501": [403, "eventsLive.errors.notInRoom"] },
  constraints: { event_questions_body_check: [400, "errors.invalid"] },
} as const;

async function requireOpenRoom(db: Database, viewer: Viewer, eventId: string): Promise<Outcome<{ access: LiveAccess }>> {
  const access = await liveAccess(db, viewer, eventId);
  if (!access) return refused(404, "events.errors.notFound");
  if (!access.role) return refused(403, "eventsLive.errors.notInRoom");
  if (access.window !== "open")
    return refused(409, access.window === "before" ? "eventsLive.errors.notYetOpen" : "eventsLive.errors.ended");
  return { ok: true, access };
}

/** A question, checked by the identifier guard like every free text people write about their work (rule 9). */
export async function askQuestion(db: Database, viewer: Viewer, eventId: string, body: string): Promise<Outcome<{ id: number }>> {
  // No overrides here: a question to a webinar's hosts never needs to name a patient.
  const guard = assertNoIdentifiers({ body });
  if (!guard.ok) return refused(400, guard.formError, { fieldErrors: guard.fieldErrors, findings: guard.findings });
  const room = await requireOpenRoom(db, viewer, eventId);
  if (!room.ok) return room;
  return attempt(async () => {
    const row = await db.withUser(viewer.claims, (tx) =>
      tx.insertInto("event_questions").values({ event_id: eventId, author_id: viewer.id, body }).returning("id").executeTakeFirstOrThrow(),
    );
    return { ok: true, id: Number(row.id) };
  }, ROOM_REFUSALS);
}

/** Upvotes a question, or takes the upvote back: one per person. */
export async function toggleVote(db: Database, viewer: Viewer, eventId: string, questionId: number): Promise<Outcome<{ voted: boolean }>> {
  const room = await requireOpenRoom(db, viewer, eventId);
  if (!room.ok) return room;
  return attempt(
    () =>
      db.withUser(viewer.claims, async (tx) => {
        const question = await tx
          .selectFrom("event_questions")
          .select("id")
          .where("id", "=", questionId)
          .where("event_id", "=", eventId)
          .executeTakeFirst();
        if (!question) return refused(404, "eventsLive.errors.questionNotFound");
        const removed = await tx
          .deleteFrom("event_question_votes")
          .where("question_id", "=", questionId)
          .where("user_id", "=", viewer.id)
          .executeTakeFirst();
        if (Number(removed.numDeletedRows) > 0) return { ok: true as const, voted: false };
        await tx.insertInto("event_question_votes").values({ question_id: questionId, user_id: viewer.id }).execute();
        return { ok: true as const, voted: true };
      }),
    ROOM_REFUSALS,
  );
}

/** Hosts (organisers and linked speakers) mark a question answered, or open it again. */
export async function markAnswered(db: Database, viewer: Viewer, eventId: string, questionId: number, answered: boolean): Promise<Outcome> {
  const room = await requireOpenRoom(db, viewer, eventId);
  if (!room.ok) return room;
  if (!room.access.host) return refused(403, "eventsLive.errors.hostsOnly");
  return attempt(
    () =>
      db.withUser(viewer.claims, async (tx) => {
        const updated = await tx
          .updateTable("event_questions")
          .set({ answered_at: answered ? new Date() : null, answered_by: answered ? viewer.id : null })
          .where("id", "=", questionId)
          .where("event_id", "=", eventId)
          .executeTakeFirst();
        return Number(updated.numUpdatedRows) > 0 ? { ok: true as const } : refused(404, "eventsLive.errors.questionNotFound");
      }),
    ROOM_REFUSALS,
  );
}

/**
 * The event's live chat: one members-only channel of the chat module per event, created
 * the first time someone in the room opens it (event_chats links them). The person
 * becomes a member here, after this module has checked they are in the open room. This
 * runs on the system path: chat's policies let only a channel's owner invite and let
 * people join only public channels by themselves, and an event's chat has no owner (its
 * people come and go with their registration; the database takes them out when a
 * registration ends).
 */
export async function joinEventChat(
  db: Database,
  viewer: Viewer,
  eventId: string,
): Promise<Outcome<{ conversationId: string; added: boolean }>> {
  const room = await requireOpenRoom(db, viewer, eventId);
  if (!room.ok) return room;
  const joined = await db.asSystem("events: a person in the live room joins its chat", async (tx) => {
    // The event's row lock: two people opening the chat first at once create one channel.
    await sql`select 1 from public.events where id = ${eventId}::uuid for update`.execute(tx);
    let link = await tx.selectFrom("event_chats").select("conversation_id").where("event_id", "=", eventId).executeTakeFirst();
    if (!link) {
      const conversationId = await createRoomChannelAsSystem(tx, { title: room.access.event.title, createdBy: viewer.id });
      await tx.insertInto("event_chats").values({ event_id: eventId, conversation_id: conversationId }).execute();
      link = { conversation_id: conversationId };
    }
    const already = await tx
      .selectFrom("conversation_members")
      .select("user_id")
      .where("conversation_id", "=", link.conversation_id)
      .where("user_id", "=", viewer.id)
      .executeTakeFirst();
    const member = already ? true : await addRoomMemberAsSystem(tx, link.conversation_id, viewer.id);
    return { conversationId: link.conversation_id, member, added: !already && member };
  });
  if (!joined.member) return refused(403, "eventsLive.errors.chatVerifiedOnly");
  return { ok: true, conversationId: joined.conversationId, added: joined.added };
}

export type EventChatPage = NonNullable<Awaited<ReturnType<typeof getConversationPage>>>;

/**
 * The event's chat as the live room shows it beside the video: the chat module's
 * conversation page (its latest messages), read with the person's own rights. Being in
 * the open room is being in its chat, so a person in the room who is not yet a member
 * is added here (joinEventChat: the room check, then the system path); a member already
 * in it only reads, so the page's revalidations (every Q&A change) take no lock.
 * `added`: the person's open connections must join the conversation's room.
 */
export async function eventChatPage(
  db: Database,
  viewer: Viewer,
  eventId: string,
): Promise<Outcome<{ conversationId: string; page: EventChatPage; added: boolean }>> {
  const link = await db.withUser(
    viewer.claims,
    (tx) => tx.selectFrom("event_chats").select("conversation_id").where("event_id", "=", eventId).executeTakeFirst(),
    { readOnly: true },
  );
  let added = false;
  let conversationId = link?.conversation_id ?? null;
  let page = conversationId ? await getConversationPage(db, viewer.claims, conversationId, {}) : null;
  if (!page?.conversation.me) {
    const joined = await joinEventChat(db, viewer, eventId);
    if (!joined.ok) return joined;
    ({ conversationId, added } = joined);
    page = await getConversationPage(db, viewer.claims, joined.conversationId, {});
  }
  if (!page || !conversationId) return refused(404, "events.errors.notFound");
  return { ok: true, conversationId, page, added };
}
