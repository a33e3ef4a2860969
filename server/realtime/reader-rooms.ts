// Rooms of the pages people read (a forum topic, a case): a socket joins one only after
// the database, with the reader's own claims, says the page is readable, and a socket
// holds at most a few of them (tabs reading several pages; the oldest is left). What is
// broadcast to such rooms is ids only: each reader fetches the content with their rights.
import type { z } from "zod";
import type { Database, Tx } from "../../app/utils/db.server";
import { AckError, registerHandler } from "./handlers";
import type { RealtimeServer } from "./types";

/** Rooms of one kind a socket may be in at once. */
export const MAX_READER_ROOMS_PER_SOCKET = 20;

export function registerReaderRooms<Payload extends z.ZodTypeAny>(
  io: RealtimeServer,
  options: {
    db: Database;
    events: { join: string; leave: string };
    joinSchema: Payload;
    leaveSchema: Payload;
    /** The room's name; every room of this kind starts with `prefix`. */
    room: (payload: z.output<Payload>) => string;
    prefix: string;
    /** Runs under the reader's claims (RLS): true when the page is readable. */
    readable: (tx: Tx, payload: z.output<Payload>) => Promise<boolean>;
  },
): void {
  const { db } = options;
  registerHandler(io, options.events.join, options.joinSchema, async (socket, payload) => {
    const readable = await db.withUser(socket.data.claims, (tx) => options.readable(tx, payload), { readOnly: true });
    if (!readable) throw new AckError("not_found");
    const joined = [...socket.rooms].filter((room) => room.startsWith(options.prefix));
    if (joined.length >= MAX_READER_ROOMS_PER_SOCKET) await socket.leave(joined[0] ?? "");
    await socket.join(options.room(payload));
    return {};
  });
  registerHandler(io, options.events.leave, options.leaveSchema, async (socket, payload) => {
    await socket.leave(options.room(payload));
    return {};
  });
}
