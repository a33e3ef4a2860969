// Chat over Socket.IO. Each event is a zod contract of
// app/modules/chat/schemas.ts answered through registerHandler, and each one
// checks membership in the database (with the person's claims, so RLS decides too).
//
// Delivery: persist → ack → broadcast. A message is stored once per (author, client
// id), so a retry after a lost ack gets the stored message back. The broadcast
// leaves after the ack (setImmediate) and skips the sending socket, which has the
// message in its ack. After a reconnect the client joins again with the last id it
// saw and the database backfills the gap; connection-state recovery is a shortcut,
// never relied on.
//
// Also here: the rooms of a person's conversations (joined at connection), presence
// (online/offline to the rooms of those who show it) and the "last seen" heartbeat.
// Emailing unread notifications to people offline for a while is a recurring job
// (server/jobs.ts).
import type { Logger } from "pino";
import {
  connectionState,
  conversationRoom,
  deleteMessage,
  editMessage,
  getChatSummary,
  getHistory,
  isConversationMember,
  markRead,
  presenceVisibleAmong,
  reactToMessage,
  sendMessage,
  syncConversation,
  touchLastSeen,
  type ChatResult,
} from "../../app/modules/chat/chat.server";
import { publishRead, publishSent, publishUpdate } from "../../app/modules/chat/publish.server";
import {
  CHAT_BROADCASTS,
  CHAT_ERRORS,
  CHAT_EVENTS,
  deletePayloadSchema,
  editPayloadSchema,
  historyPayloadSchema,
  joinPayloadSchema,
  presencePayloadSchema,
  reactPayloadSchema,
  readPayloadSchema,
  sendPayloadSchema,
  summaryPayloadSchema,
  typingPayloadSchema,
  type ChatMessage,
} from "../../app/modules/chat/schemas";
import type { GuardFinding } from "../../app/modules/identifier-guard/guard.server";
import type { RealtimeBridge } from "../../app/utils/context";
import type { Database } from "../../app/utils/db.server";
import { AckError, registerHandler } from "./handlers";
import { userRoom, type RealtimeServer, type RealtimeSocket } from "./types";

/** How often the server records "last seen" for the people connected to it. */
export const LAST_SEEN_HEARTBEAT_MS = 30_000;
/** Connections and disconnections are written in batches this often. */
export const LAST_SEEN_FLUSH_MS = 2_000;
/** fetchSockets across processes: answer with what this process knows after this long. */
const PRESENCE_LOOKUP_TIMEOUT_MS = 2_000;

export interface ChatRealtimeOptions {
  db: Database;
  logger: Logger;
  realtime: RealtimeBridge;
  intervals?: { heartbeatMs?: number; flushMs?: number };
}

export interface ChatRealtime {
  /** Stops the timers and waits for their work in progress (call before closing the database). */
  stop(): Promise<void>;
}

export function registerChatHandlers(io: RealtimeServer, options: ChatRealtimeOptions): ChatRealtime {
  const { db, realtime } = options;
  const logger = options.logger.child({ module: "chat" });
  const services = { db, realtime, logger };
  const roomsReady = new WeakMap<RealtimeSocket, Promise<string[]>>();
  const inFlight = new Set<Promise<unknown>>();
  const track = <T>(promise: Promise<T>) => {
    inFlight.add(promise);
    void promise.finally(() => inFlight.delete(promise)).catch(() => {});
    return promise;
  };
  /** After the ack has gone out (it is sent when the handler's promise settles). */
  const afterAck = (fn: () => void) => setImmediate(fn);
  const refuse = (code: string, guard?: { findings?: GuardFinding[]; fields?: Record<string, string[]> }): never => {
    // A refusal of the identifier guard: the ack carries its findings, for the composer to show.
    throw new AckError(code, guard?.fields, guard?.findings);
  };
  const claimsOf = (socket: RealtimeSocket) => socket.data.claims;

  // ── Last seen: batched writes, and a heartbeat while connected ─────────────────
  const seen = new Set<string>();
  const flushSeen = () => {
    if (seen.size === 0) return Promise.resolve();
    const ids = [...seen];
    seen.clear();
    return track(touchLastSeen(db, ids).catch((err: unknown) => logger.warn({ err }, "chat: last seen not recorded")));
  };
  const connectedHere = () => [...new Set([...io.of("/").sockets.values()].map((s) => s.data.claims.sub))];
  const timers = [
    setInterval(() => void flushSeen(), options.intervals?.flushMs ?? LAST_SEEN_FLUSH_MS),
    setInterval(() => {
      for (const id of connectedHere()) seen.add(id);
      void flushSeen();
    }, options.intervals?.heartbeatMs ?? LAST_SEEN_HEARTBEAT_MS),
  ];
  for (const timer of timers) timer.unref();

  // ── Presence: who of the conversation shows their presence and has a socket ────
  const onlineIn = async (room: string): Promise<string[]> => {
    const sockets = await Promise.race([
      io.in(room).fetchSockets(),
      new Promise<null>((resolve) => setTimeout(() => resolve(null), PRESENCE_LOOKUP_TIMEOUT_MS).unref()),
    ]).catch(() => null);
    const ids = sockets
      ? sockets.map((s) => s.data.claims.sub)
      : [...io.of("/").sockets.values()].filter((s) => s.rooms.has(room)).map((s) => s.data.claims.sub);
    return [...new Set(ids)];
  };
  const announce = (socket: RealtimeSocket, rooms: string[], online: boolean) => {
    if (rooms.length > 0) socket.to(rooms).emit(CHAT_BROADCASTS.presence, { userId: claimsOf(socket).sub, online });
  };

  io.on("connection", (socket) => {
    const userId = claimsOf(socket).sub;
    seen.add(userId);
    const ready = track(
      connectionState(db, claimsOf(socket))
        .then(async ({ conversationIds, presenceVisible }) => {
          const rooms = conversationIds.map(conversationRoom);
          if (socket.connected && rooms.length > 0) await socket.join(rooms);
          if (presenceVisible) announce(socket, rooms, true);
          return rooms;
        })
        .catch((err: unknown) => {
          logger.warn({ err, userId }, "chat: rooms not joined at connection");
          return [];
        }),
    );
    roomsReady.set(socket, ready);
    socket.on("disconnecting", () => {
      const rooms = [...socket.rooms].filter((r) => r.startsWith("conversation:"));
      seen.add(userId);
      // Offline only when none of the person's sockets is left, on any process.
      if (rooms.length === 0) return;
      void track(
        (async () => {
          if (!(await presenceVisibleAmong(db, [userId])).has(userId)) return;
          const remaining = (await io.in(userRoom(userId)).fetchSockets()).filter((s) => s.id !== socket.id);
          if (remaining.length === 0) announce(socket, rooms, false);
        })().catch(() => {}),
      );
    });
  });

  // ── Events ─────────────────────────────────────────────────────────────────────
  registerHandler(io, CHAT_EVENTS.join, joinPayloadSchema, async (socket, payload) => {
    const claims = claimsOf(socket);
    if (!(await isConversationMember(db, claims, payload.conversationId))) refuse(CHAT_ERRORS.forbidden);
    // Join first, then read: a message committed in between is both broadcast and backfilled (the client de-duplicates).
    const room = conversationRoom(payload.conversationId);
    await socket.join(room);
    const result = await syncConversation(db, claims, payload);
    if (!result.ok) {
      await socket.leave(room);
      return refuse(result.code);
    }
    return { messages: result.messages, updated: result.updated, hasMore: result.hasMore, syncedAt: result.syncedAt };
  });

  registerHandler(io, CHAT_EVENTS.summary, summaryPayloadSchema, async (socket) => {
    // Counted after the socket joined its rooms: nothing falls between the count and the live updates.
    await roomsReady.get(socket);
    return getChatSummary(db, claimsOf(socket));
  });

  registerHandler(io, CHAT_EVENTS.send, sendPayloadSchema, async (socket, payload) => {
    const sent = await sendMessage(db, claimsOf(socket), payload);
    if (!sent.ok) return refuse(sent.code, { findings: sent.findings, fields: sent.fieldErrors });
    afterAck(() => publishSent(services, sent, socket.id));
    return { message: sent.message };
  });

  const answerUpdate = (socket: RealtimeSocket, result: ChatResult<{ message: ChatMessage }>) => {
    if (!result.ok) return refuse(result.code, { findings: result.findings, fields: result.fieldErrors });
    afterAck(() => publishUpdate(realtime, result.message, socket.id));
    return { message: result.message };
  };
  registerHandler(io, CHAT_EVENTS.edit, editPayloadSchema, async (socket, payload) =>
    answerUpdate(socket, await editMessage(db, claimsOf(socket), payload)),
  );
  registerHandler(io, CHAT_EVENTS.delete, deletePayloadSchema, async (socket, payload) =>
    answerUpdate(socket, await deleteMessage(db, claimsOf(socket), payload)),
  );
  registerHandler(io, CHAT_EVENTS.react, reactPayloadSchema, async (socket, payload) =>
    answerUpdate(socket, await reactToMessage(db, claimsOf(socket), payload)),
  );

  registerHandler(io, CHAT_EVENTS.typing, typingPayloadSchema, async (socket, payload) => {
    const claims = claimsOf(socket);
    if (!(await isConversationMember(db, claims, payload.conversationId))) refuse(CHAT_ERRORS.forbidden);
    socket.to(conversationRoom(payload.conversationId)).emit(CHAT_BROADCASTS.typing, {
      conversationId: payload.conversationId,
      userId: claims.sub,
      typing: payload.typing,
    });
    return {};
  });

  registerHandler(io, CHAT_EVENTS.read, readPayloadSchema, async (socket, payload) => {
    const claims = claimsOf(socket);
    const outcome = await markRead(db, claims, payload);
    if (!outcome.ok) return refuse(outcome.code);
    afterAck(() => publishRead(realtime, claims.sub, payload.conversationId, outcome, socket.id));
    return { lastReadMessageId: outcome.lastReadMessageId, unread: outcome.unread };
  });

  registerHandler(io, CHAT_EVENTS.history, historyPayloadSchema, async (socket, payload) => {
    const result = await getHistory(db, claimsOf(socket), payload);
    if (!result.ok) return refuse(result.code);
    return { messages: result.messages, hasMore: result.hasMore };
  });

  registerHandler(io, CHAT_EVENTS.presence, presencePayloadSchema, async (socket, payload) => {
    if (!(await isConversationMember(db, claimsOf(socket), payload.conversationId))) refuse(CHAT_ERRORS.forbidden);
    const ids = await onlineIn(conversationRoom(payload.conversationId));
    const visible = await presenceVisibleAmong(db, ids);
    return { online: ids.filter((id) => visible.has(id)) };
  });

  return {
    async stop() {
      for (const timer of timers) clearInterval(timer);
      await Promise.allSettled([...inFlight]);
    },
  };
}
