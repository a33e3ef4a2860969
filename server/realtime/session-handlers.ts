// Events about the socket's own session.
import { REALTIME_EVENTS, sessionWhoamiPayloadSchema } from "../../app/modules/realtime/schemas";
import { registerHandler } from "./handlers";
import type { RealtimeServer } from "./types";

export function registerSessionHandlers(io: RealtimeServer): void {
  registerHandler(io, REALTIME_EVENTS.sessionWhoami, sessionWhoamiPayloadSchema, async (socket) => ({
    userId: socket.data.claims.sub,
  }));
}
