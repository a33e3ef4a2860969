// The browser's one live connection (Socket.IO), shared by the header (unread
// badges, notification bell) and the conversation page. This module is the small
// store every page loads (no zod, no socket.io-client): the connection itself
// (live-connection.ts, with socket.io-client and the zod contracts) is imported only
// when startLive runs, after hydration, so read pages' first load stays small
// (decision 003). Nothing here runs on the server: every entry point is called from
// an effect or an event.
import { useEffect, useRef, useSyncExternalStore } from "react";
import type { Socket } from "socket.io-client";
import type { z } from "zod";
import type { Ack } from "~/modules/realtime/schemas";

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
  const { CHAT_EVENTS, summaryResultSchema } = await import("~/modules/chat/schemas");
  const ack = await request(CHAT_EVENTS.summary, {}, summaryResultSchema);
  if (!ack.ok) return;
  update({
    unread: Object.fromEntries(ack.conversations.map((c) => [c.id, c.unread])),
    notifications: ack.notifications,
  });
}

/** What the connection module may do to the store. */
export interface LiveStore {
  me: () => string | null;
  activeConversation: () => string | null;
  snapshot: () => LiveSnapshot;
  update: (patch: Partial<LiveSnapshot>) => void;
  setUnread: (conversationId: string, count: (current: number) => number) => void;
  dispatch: (event: string, payload: unknown) => void;
  refreshSummary: () => Promise<void>;
}

const store: LiveStore = {
  me: () => me,
  activeConversation: () => activeConversation,
  snapshot: () => snapshot,
  update,
  setUnread,
  dispatch(event, payload) {
    for (const handler of handlers.get(event) ?? []) handler(payload);
  },
  refreshSummary,
};

/** Opens the connection once per page load (idempotent). */
export function startLive(userId: string): void {
  if (typeof window === "undefined" || (starting && me === userId)) return;
  me = userId;
  update({ status: "connecting" });
  starting = import("./live-connection")
    .then(({ openSocket }) => openSocket(store))
    .then(
      (s) => {
        socket = s;
      },
      () => update({ status: "offline" }),
    );
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
    const [{ parseAck }, raw] = await Promise.all([
      import("~/modules/realtime/schemas"),
      socket.timeout(timeoutMs).emitWithAck(event, payload) as Promise<unknown>,
    ]);
    return parseAck(resultSchema, raw);
  } catch {
    return { ok: false, error: "timeout" };
  }
}

/**
 * Keeps the page in a reader room (a forum topic, a case) while the connection is
 * online: joins on every (re)connection (the server checks the reader may read the
 * page), leaves when the page goes. The room's event names are loaded lazily with the
 * page's contracts, so zod stays out of a read page's first load.
 */
export function useReaderRoom(
  events: () => Promise<{ join: string; leave: string }>,
  payload: Record<string, string | number>,
  enabled: boolean,
) {
  const { status, connection } = useLive();
  const key = JSON.stringify(payload);
  const load = useRef(events);
  load.current = events;
  useEffect(() => {
    if (!enabled || status !== "online") return;
    const body: unknown = JSON.parse(key);
    const send = (which: "join" | "leave") =>
      void Promise.all([load.current(), import("~/modules/realtime/schemas")]).then(([names, { emptyAckSchema }]) =>
        request(names[which], body, emptyAckSchema),
      );
    send("join");
    return () => send("leave");
  }, [key, enabled, status, connection]);
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The connection's state for components (the server render sees it off). */
export function useLive(): LiveSnapshot {
  return useSyncExternalStore(
    subscribe,
    () => snapshot,
    () => OFF,
  );
}
