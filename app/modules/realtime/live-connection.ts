// The live connection itself (socket.io-client and the zod contracts of its
// events), imported by live.ts only when a signed-in page goes live, after hydration.
import { io, type Socket } from "socket.io-client";
import { REALTIME_PATH } from "~/modules/realtime/schemas";
import { NOTIFICATION_EVENTS, notificationCountSchema, notificationPushSchema } from "~/modules/notifications/schemas";
import type { LiveStore } from "./live";
import { CHAT_BROADCASTS, membershipBroadcastSchema, messageSchema, unreadBroadcastSchema } from "~/modules/chat/schemas";

export function openSocket(store: LiveStore): Socket {
  const { update, setUnread } = store;
  const s = io({ path: REALTIME_PATH, transports: ["websocket", "polling"], withCredentials: true });
  s.on("connect", () => {
    update({ status: "online", connection: store.snapshot().connection + 1 });
    void store.refreshSummary();
  });
  s.on("disconnect", () => update({ status: "offline" }));
  s.on("connect_error", (error) => {
    // No session any more (signed out, expired) or too many tabs: stop trying.
    if (error.message === "unauthorized" || error.message === "too_many_connections") {
      s.disconnect();
      update({ status: "refused" });
    } else if (error.message === "rate_limited") {
      // Too many attempts from this address (a shared office connection after a restart):
      // the server says when to come back; a little jitter spreads the office's retries.
      const wait = Number((error as Error & { data?: { retryAfterMs?: unknown } }).data?.retryAfterMs);
      update({ status: "offline" });
      setTimeout(() => s.connect(), (Number.isFinite(wait) ? Math.min(wait, 120_000) : 30_000) + Math.random() * 5_000);
    } else {
      update({ status: "offline" });
    }
  });
  s.onAny((event: string, payload: unknown) => store.dispatch(event, payload));
  s.on(CHAT_BROADCASTS.message, (raw: unknown) => {
    const message = messageSchema.safeParse(raw);
    if (!message.success || message.data.authorId === store.me()) return;
    if (message.data.conversationId !== store.activeConversation() || document.visibilityState !== "visible") {
      setUnread(message.data.conversationId, (n) => n + 1);
    }
  });
  s.on(CHAT_BROADCASTS.unread, (raw: unknown) => {
    const parsed = unreadBroadcastSchema.safeParse(raw);
    if (parsed.success) setUnread(parsed.data.conversationId, () => parsed.data.unread);
  });
  s.on(CHAT_BROADCASTS.membership, (raw: unknown) => {
    const parsed = membershipBroadcastSchema.safeParse(raw);
    if (parsed.success && parsed.data.userId === store.me() && parsed.data.change !== "added" && parsed.data.change !== "renamed") {
      setUnread(parsed.data.conversationId, () => 0);
    }
  });
  for (const event of [NOTIFICATION_EVENTS.new, NOTIFICATION_EVENTS.count]) {
    s.on(event, (raw: unknown) => {
      const parsed = (event === NOTIFICATION_EVENTS.new ? notificationPushSchema : notificationCountSchema).safeParse(raw);
      if (parsed.success) update({ notifications: parsed.data.unread });
    });
  }
  return s;
}
