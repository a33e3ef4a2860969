// The shape a room page's loader hands to <VideoRoom> (browser and server).
import { z } from "zod";

export const videoRoomDataSchema = z.discriminatedUnion("configured", [
  z.object({ configured: z.literal(false) }),
  z.object({
    configured: z.literal(true),
    domain: z.string(),
    roomName: z.string(),
    jwt: z.string().optional(),
    displayName: z.string(),
    moderator: z.boolean(),
  }),
]);
export type VideoRoomData = z.infer<typeof videoRoomDataSchema>;

/** What <VideoRoom> reports: the person's own conference joined / left (webinars record attendance from it). */
export interface VideoPresenceEvent {
  type: "joined" | "left";
  at: Date;
}
