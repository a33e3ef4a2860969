// Case pages over Socket.IO: readers of a case join its room (`case:<id>`) so that a
// reply, the recommendations or a follow-up appear without a reload. Joining is checked
// with the reader's claims (RLS and can_read_case() decide, as for the page); what is
// broadcast is only ids (see app/modules/cases/notify.server.ts), each reader reloads the
// case with their own rights, so a pseudonym or a private space never leaks through here.
import { caseJoinPayloadSchema, caseLeavePayloadSchema, caseRoom, CASE_LIVE_EVENTS } from "../../app/modules/cases/live-schemas";
import type { Database } from "../../app/utils/db.server";
import { registerReaderRooms } from "./reader-rooms";
import type { RealtimeServer } from "./types";

export function registerCaseHandlers(io: RealtimeServer, options: { db: Database }): void {
  registerReaderRooms(io, {
    db: options.db,
    events: CASE_LIVE_EVENTS,
    joinSchema: caseJoinPayloadSchema,
    leaveSchema: caseLeavePayloadSchema,
    room: ({ caseId }) => caseRoom(caseId),
    prefix: "case:",
    readable: async (tx, { caseId }) => Boolean(await tx.selectFrom("cases").select("id").where("id", "=", caseId).executeTakeFirst()),
  });
}
