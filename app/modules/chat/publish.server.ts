// What goes out to live connections after a chat change has been committed, the
// same whether it came from a socket event or a plain HTTP form: new and changed
// messages to the conversation's room, read positions, membership changes (the
// person's sockets join or leave the room at once), and notifications.
import type { Logger } from "pino";
import type { RealtimeBridge } from "~/utils/context";
import type { Database } from "~/utils/db.server";
import { NOTIFICATION_EVENTS } from "~/modules/notifications/schemas";
import { createNotifications, publishNotifications } from "~/modules/notifications/notifications.server";
import { conversationRoom, type ReadOutcome, type Sent } from "./chat.server";
import { CHAT_BROADCASTS, type ChatMessage } from "./schemas";

export function publishUpdate(realtime: RealtimeBridge, message: ChatMessage, exceptSocketId?: string) {
  realtime.emitToRoom(conversationRoom(message.conversationId), CHAT_BROADCASTS.updated, message, { socketId: exceptSocketId });
}

/** After a new message was stored (not after a retry of one already stored). */
export function publishSent(services: { db: Database; realtime: RealtimeBridge; logger: Logger }, sent: Sent, exceptSocketId?: string) {
  if (!sent.created) return;
  const { realtime } = services;
  realtime.emitToRoom(conversationRoom(sent.message.conversationId), CHAT_BROADCASTS.message, sent.message, { socketId: exceptSocketId });
  if (sent.parent) publishUpdate(realtime, sent.parent);
  publishNotifications(services.db, realtime, sent.notifications).catch((err: unknown) =>
    services.logger.warn({ err }, "chat: notifications not pushed (they stay in the notification centre)"),
  );
}

export function publishRead(
  realtime: RealtimeBridge,
  userId: string,
  conversationId: string,
  outcome: ReadOutcome,
  exceptSocketId?: string,
) {
  if (outcome.moved && outcome.readReceipts) {
    realtime.emitToRoom(
      conversationRoom(conversationId),
      CHAT_BROADCASTS.read,
      { conversationId, userId, messageId: outcome.lastReadMessageId },
      { socketId: exceptSocketId },
    );
  }
  // The person's other tabs update their counts.
  realtime.emitToUsers([userId], CHAT_BROADCASTS.unread, { conversationId, unread: outcome.unread });
  if (outcome.notificationsUnread !== null) {
    realtime.emitToUsers([userId], NOTIFICATION_EVENTS.count, { unread: outcome.notificationsUnread });
  }
}

/**
 * Membership changed (committed): the person's sockets join or leave the room now,
 * on every process, so a removed member stops receiving at once.
 */
export function publishMembership(realtime: RealtimeBridge, conversationId: string, userId: string, change: "added" | "removed" | "left") {
  const room = conversationRoom(conversationId);
  const event = { conversationId, userId, change };
  if (change === "added") realtime.joinRoom(userId, room);
  else realtime.leaveRoom(userId, room);
  realtime.emitToUsers([userId], CHAT_BROADCASTS.membership, event);
  realtime.emitToRoom(room, CHAT_BROADCASTS.membership, event, { userId });
}

export function publishRenamed(realtime: RealtimeBridge, conversationId: string, by: string) {
  realtime.emitToRoom(conversationRoom(conversationId), CHAT_BROADCASTS.membership, { conversationId, userId: by, change: "renamed" });
}

/**
 * A member reported a message (their report is stored, through RLS): the moderators
 * hear of it in their notification centre. System path: the reporter may not read
 * who the moderators are. One unread notification collapses every new report.
 */
export async function publishReport(services: { db: Database; realtime: RealtimeBridge; logger: Logger }) {
  try {
    const created = await services.db.asSystem("chat: tell moderators about a report", async (tx) => {
      const moderators = await tx
        .selectFrom("user_roles")
        .innerJoin("profiles", "profiles.id", "user_roles.user_id")
        .select("user_roles.user_id")
        .distinct()
        .where("user_roles.role", "in", ["moderator", "admin"])
        .where("profiles.verification_status", "=", "verified")
        .execute();
      return createNotifications(
        tx,
        moderators.map((m) => ({
          userId: m.user_id,
          kind: "chat.report",
          payload: { url: "/chat/moderation" },
          dedupeKey: "chat.report",
        })),
      );
    });
    await publishNotifications(services.db, services.realtime, created);
  } catch (err) {
    services.logger.warn({ err }, "chat: moderators not notified of a report (it is in the moderation queue)");
  }
}
