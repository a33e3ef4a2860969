// The browser's one live connection (Socket.IO), shared by the header (unread
// badges, notification bell) and the conversation page. socket.io-client is loaded
// lazily, only for verified members, after the page works without it. Nothing here
// runs on the server: every entry point is called from an effect or an event.
import { useSyncExternalStore } from "react";
import type { Socket } from "socket.io-client";
import type { z } from "zod";
import { parseAck, REALTIME_PATH, type Ack } from "~/modules/realtime/schemas";
import { NOTIFICATION_EVENTS, notificationCountSchema, notificationPushSchema } from "~/modules/notifications/schemas";
import {
  CHAT_BROADCASTS, CHAT_EVENTS, membershipBroadcastSchema, messageSchema, summaryResultSchema, unreadBroadcastSchema,
} from "./schemas";

export type LiveStatus = "off" | "connecting" | "online" | "offline" | "refused";

export interface LiveSnapshot {
  status: LiveStatus;
  /** Unread messages per conversation (null until the first summary). */
  unread: Record<string, number> | null;
  notifications: number | null;
  /** Bumped on every (re)connection: views re-sync from the database then. */
  connection: number;
}

const OFF: LiveSnapshot = { status: "off", unread: null, notifications: null, connection: 0 };
let snapshot: LiveSnapshot = OFF;
const listeners = new Set<() => void>();
const handlers = new Map<string, Set<(payload: unknown) => void>>();
let socket: Socket | null = null;
let starting: Promise<void> | null = null;
let me: string | null = null;
let activeConversation: string | null = null;

function update(patch: Partial<LiveSnapshot>) {
  snapshot = { ...snapshot, ...patch };
  for (const listener of listeners) listener();
}

function setUnread(conversationId: string, count: (current: number) => number) {
  const unread = { ...(snapshot.unread ?? {}) };
  unread[conversationId] = Math.max(0, count(unread[conversationId] ?? 0));
  update({ unread });
}

async function refreshSummary() {
  const ack = await request(CHAT_EVENTS.summary, {}, summaryResultSchema);
  if (!ack.ok) return;
  update({
    unread: Object.fromEntries(ack.conversations.map((c) => [c.id, c.unread])),
    notifications: ack.notifications,
  });
}

/** Opens the connection once per page load (idempotent). */
export function startLive(userId: string): void {
  if (typeof window === "undefined" || (starting && me === userId)) return;
  me = userId;
  update({ status: "connecting" });
  starting = import("socket.io-client").then(({ io }) => {
    const s = io({ path: REALTIME_PATH, transports: ["websocket", "polling"], withCredentials: true });
    socket = s;
    s.on("connect", () => {
      update({ status: "online", connection: snapshot.connection + 1 });
      void refreshSummary();
    });
    s.on("disconnect", () => update({ status: "offline" }));
    s.on("connect_error", (error) => {
      // No session any more (signed out, expired) or too many tabs: stop trying.
      if (error.message === "unauthorized" || error.message === "too_many_connections") {
        s.disconnect();
        update({ status: "refused" });
      } else {
        update({ status: "offline" });
      }
    });
    s.onAny((event: string, payload: unknown) => {
      for (const handler of handlers.get(event) ?? []) handler(payload);
    });
    s.on(CHAT_BROADCASTS.message, (raw: unknown) => {
      const message = messageSchema.safeParse(raw);
      if (!message.success || message.data.authorId === me) return;
      if (message.data.conversationId !== activeConversation || document.visibilityState !== "visible") {
        setUnread(message.data.conversationId, (n) => n + 1);
      }
    });
    s.on(CHAT_BROADCASTS.unread, (raw: unknown) => {
      const parsed = unreadBroadcastSchema.safeParse(raw);
      if (parsed.success) setUnread(parsed.data.conversationId, () => parsed.data.unread);
    });
    s.on(CHAT_BROADCASTS.membership, (raw: unknown) => {
      const parsed = membershipBroadcastSchema.safeParse(raw);
      if (parsed.success && parsed.data.userId === me && parsed.data.change !== "added" && parsed.data.change !== "renamed") {
        setUnread(parsed.data.conversationId, () => 0);
      }
    });
    for (const event of [NOTIFICATION_EVENTS.new, NOTIFICATION_EVENTS.count]) {
      s.on(event, (raw: unknown) => {
        const parsed = (event === NOTIFICATION_EVENTS.new ? notificationPushSchema : notificationCountSchema).safeParse(raw);
        if (parsed.success) update({ notifications: parsed.data.unread });
      });
    }
  }, () => update({ status: "offline" }));
}

/** The conversation on screen: its new messages are not counted as unread while the tab is visible. */
export function setActiveConversation(conversationId: string | null) {
  activeConversation = conversationId;
  if (conversationId) setUnread(conversationId, () => 0);
}

/** Listens to a server event; returns the function that stops listening. */
export function onLive(event: string, handler: (payload: unknown) => void): () => void {
  const set = handlers.get(event) ?? new Set();
  set.add(handler);
  handlers.set(event, set);
  return () => set.delete(handler);
}

export const REQUEST_TIMEOUT_MS = 8_000;

/** Emits with an ack. Never throws: offline, a timeout or a malformed answer are failures too. */
export async function request<Result extends Record<string, unknown>>(
  event: string,
  payload: unknown,
  resultSchema: z.ZodType<Result, z.ZodTypeDef, unknown>,
  timeoutMs = REQUEST_TIMEOUT_MS,
): Promise<Ack<Result>> {
  if (!socket?.connected) return { ok: false, error: "offline" };
  try {
    const raw: unknown = await socket.timeout(timeoutMs).emitWithAck(event, payload);
    return parseAck(resultSchema, raw);
  } catch {
    return { ok: false, error: "timeout" };
  }
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The connection's state for components (the server render sees it off). */
export function useLive(): LiveSnapshot {
  return useSyncExternalStore(subscribe, () => snapshot, () => OFF);
}
