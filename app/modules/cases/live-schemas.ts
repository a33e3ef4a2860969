// Socket.IO contracts of the case pages, shared by the browser and the server.
import { z } from "zod";

export const CASE_LIVE_EVENTS = {
  /** Client → server: join the room of the case being read (the server checks the reader may read it). */
  join: "case:join",
  /** Client → server: leave it. */
  leave: "case:leave",
  /** Server → client, to `case:<id>`: a reply, recommendation or follow-up was posted (reload the case with your own rights). */
  post: "case:post:new",
} as const;

export const caseRoom = (caseId: string) => `case:${caseId}`;

const caseId = z.string().uuid();
export const caseJoinPayloadSchema = z.object({ caseId }).strict();
export const caseLeavePayloadSchema = z.object({ caseId }).strict();
/** Ids only: what was written and by whom is read over HTTP, through RLS and the pseudonym rule. */
export const casePostBroadcastSchema = z.object({
  caseId,
  postId: z.number().int().positive(),
  kind: z.enum(["reply", "recommendation", "follow_up"]),
});
export type CasePostBroadcast = z.infer<typeof casePostBroadcastSchema>;
