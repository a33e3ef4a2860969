// Case pages over Socket.IO: readers of a case join its room (`case:<id>`) so that a
// reply, the recommendations or a follow-up appear without a reload. Joining is checked
// with the reader's claims (RLS and can_read_case() decide, as for the page); what is
// broadcast is only ids (see app/modules/cases/notify.server.ts), each reader reloads the
// case with their own rights, so a pseudonym or a private space never leaks through here.
import { caseJoinPayloadSchema, caseLeavePayloadSchema, caseRoom, CASE_LIVE_EVENTS } from "../../app/modules/cases/live-schemas";
import type { Database } from "../../app/utils/db.server";
import { AckError, registerHandler } from "./handlers";
import type { RealtimeServer } from "./types";

/** Rooms of cases one socket may be in at once (tabs reading several cases). */
export const MAX_CASE_ROOMS_PER_SOCKET = 20;

export function registerCaseHandlers(io: RealtimeServer, options: { db: Database }): void {
  const { db } = options;
  registerHandler(io, CASE_LIVE_EVENTS.join, caseJoinPayloadSchema, async (socket, { caseId }) => {
    const readable = await db.withUser(socket.data.claims, (tx) =>
      tx.selectFrom("cases").select("id").where("id", "=", caseId).executeTakeFirst(), { readOnly: true });
    if (!readable) throw new AckError("not_found");
    const joined = [...socket.rooms].filter((room) => room.startsWith("case:"));
    if (joined.length >= MAX_CASE_ROOMS_PER_SOCKET) await socket.leave(joined[0] ?? "");
    await socket.join(caseRoom(caseId));
    return {};
  });
  registerHandler(io, CASE_LIVE_EVENTS.leave, caseLeavePayloadSchema, async (socket, { caseId }) => {
    await socket.leave(caseRoom(caseId));
    return {};
  });
}
