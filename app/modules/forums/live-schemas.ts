// Socket.IO contracts of the forums, shared by the browser and the server.
import { z } from "zod";

export const FORUM_LIVE_EVENTS = {
  /** Client → server: join the room of the topic being read (the server checks the reader may read it). */
  join: "forum:topic:join",
  /** Client → server: leave it. */
  leave: "forum:topic:leave",
  /** Server → client, to `topic:<id>`: a post was published there (fetch it with your own rights). */
  post: "forum:post:new",
} as const;

export const topicRoom = (topicId: number) => `topic:${topicId}`;

const topicId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
export const forumJoinPayloadSchema = z.object({ topicId }).strict();
export const forumLeavePayloadSchema = z.object({ topicId }).strict();
export const forumPostBroadcastSchema = z.object({
  topicId,
  postId: z.number().int().positive(),
  postNumber: z.number().int().positive(),
  authorName: z.string().max(200),
});
export type ForumPostBroadcast = z.infer<typeof forumPostBroadcastSchema>;
