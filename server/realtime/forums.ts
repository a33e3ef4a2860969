// Forums over Socket.IO: readers of a topic join its room (`topic:<id>`) so a reply
// appears live. Joining is checked against the database with the reader's claims
// (RLS decides, as for the page). What is broadcast is only the new post's id: each
// reader fetches it over HTTP with their own rights.
// The daily and weekly email digests are a recurring job (server/jobs.ts).
import { forumJoinPayloadSchema, forumLeavePayloadSchema, FORUM_LIVE_EVENTS, topicRoom } from "../../app/modules/forums/live-schemas";
import type { Database } from "../../app/utils/db.server";
import { registerReaderRooms } from "./reader-rooms";
import type { RealtimeServer } from "./types";

export interface ForumRealtimeOptions {
  db: Database;
}

export function registerForumHandlers(io: RealtimeServer, options: ForumRealtimeOptions): void {
  const { db } = options;
  registerReaderRooms(io, {
    db,
    events: FORUM_LIVE_EVENTS,
    joinSchema: forumJoinPayloadSchema,
    leaveSchema: forumLeavePayloadSchema,
    room: ({ topicId }) => topicRoom(topicId),
    prefix: "topic:",
    readable: async (tx, { topicId }) =>
      Boolean(await tx.selectFrom("forum_topics").select("id").where("id", "=", topicId).executeTakeFirst()),
  });
}
