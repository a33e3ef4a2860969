// What the app (HTTP actions) and domain socket handlers may do to live connections,
// without holding the Socket.IO server: emit to people or rooms, and move a person's
// sockets in or out of a room when their membership changes. Everything goes through
// the adapter, so it reaches the sockets of every server process.
import type { RealtimeBridge } from "../../app/utils/context";
import type { Realtime } from "./index";
import { userRoom } from "./types";

/** `getRealtime` returns null before Socket.IO is attached: there is nothing to reach then. */
export function createRealtimeBridge(getRealtime: () => Realtime | null): RealtimeBridge {
  const getIo = () => getRealtime()?.io ?? null;
  return {
    async disconnectUser(userId) {
      await getRealtime()?.disconnectUser(userId);
    },
    emitToUsers(userIds, event, payload) {
      const io = getIo();
      if (!io || userIds.length === 0) return;
      io.to(userIds.map(userRoom)).emit(event, payload);
    },
    emitToRoom(room, event, payload, except) {
      const io = getIo();
      if (!io) return;
      // A socket's id is also the name of a room holding only that socket.
      const left = [except?.socketId, except?.userId ? userRoom(except.userId) : undefined].filter((r): r is string => Boolean(r));
      (left.length ? io.to(room).except(left) : io.to(room)).emit(event, payload);
    },
    joinRoom(userId, room) {
      getIo()?.in(userRoom(userId)).socketsJoin(room);
    },
    leaveRoom(userId, room) {
      getIo()?.in(userRoom(userId)).socketsLeave(room);
    },
  };
}
