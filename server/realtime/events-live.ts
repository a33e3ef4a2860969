// An event's live Q&A over Socket.IO: people in the room join `event-live:<id>` (the
// database, with their own claims, says whether they may: registrants and organisers),
// and hear "changed" when someone asks, upvotes or a host marks a question answered.
// Only the event's id is broadcast: each page reloads the Q&A with its reader's rights.
import { EVENT_LIVE_EVENTS, eventLiveJoinSchema, eventLiveRoom } from "../../app/modules/events/live-schemas";
import type { Database } from "../../app/utils/db.server";
import { sql } from "kysely";
import { registerReaderRooms } from "./reader-rooms";
import type { RealtimeServer } from "./types";

export function registerEventLiveHandlers(io: RealtimeServer, options: { db: Database }): void {
  registerReaderRooms(io, {
    db: options.db,
    events: EVENT_LIVE_EVENTS,
    joinSchema: eventLiveJoinSchema,
    leaveSchema: eventLiveJoinSchema,
    room: ({ eventId }) => eventLiveRoom(eventId),
    prefix: "event-live:",
    readable: async (tx, { eventId }) =>
      Boolean((await sql<{ ok: boolean }>`select public.can_join_event_live(${eventId}) as ok`.execute(tx)).rows[0]?.ok),
  });
}
