import type { DefaultEventsMap, Server, Socket } from "socket.io";
import type { UserClaims } from "../../app/utils/db.server";

/** What the handshake leaves on every connected socket. */
export interface SocketData {
  claims: UserClaims;
}

// Event names are open-ended (each domain registers its own through
// registerHandler, which validates payloads with zod), so the maps stay generic.
export type RealtimeServer = Server<DefaultEventsMap, DefaultEventsMap, DefaultEventsMap, SocketData>;
export type RealtimeSocket = Socket<DefaultEventsMap, DefaultEventsMap, DefaultEventsMap, SocketData>;

/** The room every socket of one person joins; disconnectUser and per-person broadcasts use it. */
export function userRoom(userId: string): string {
  return `user:${userId}`;
}
