// Notification contracts shared by browser and server: the socket events that push
// notifications live to `user:<id>` rooms, the shape of one notification, and the
// forms of the notification centre.
import { z } from "zod";
import { formIdNumber } from "~/utils/input-schemas";

export const NOTIFICATION_EVENTS = {
  /** Server → client, to the person's own room: a notification was created or grew (`count`). */
  new: "notification:new",
  /** Server → client, to the person's own room: their unread count changed (read elsewhere). */
  count: "notification:count",
} as const;

import { EMAIL_DELAYS_MINUTES } from "./email-delays";

export { DEFAULT_EMAIL_DELAY_MINUTES, EMAIL_DELAYS_MINUTES } from "./email-delays";
export const NOTIFICATIONS_PAGE_SIZE = 30;

export const notificationSchema = z.object({
  id: z.number(),
  kind: z.string(),
  payload: z.record(z.unknown()),
  count: z.number(),
  createdAt: z.string(),
  readAt: z.string().nullable(),
});
export type NotificationItem = z.infer<typeof notificationSchema>;

export const notificationPushSchema = z.object({ notification: notificationSchema, unread: z.number() });
export const notificationCountSchema = z.object({ unread: z.number() });

export const notificationsActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("read"), id: formIdNumber() }),
  z.object({ intent: z.literal("read-all") }),
  z.object({
    intent: z.literal("settings"),
    emailDelay: z.enum(["never", ...EMAIL_DELAYS_MINUTES.map(String)] as [string, ...string[]], {
      errorMap: () => ({ message: "errors.choice" }),
    }),
  }),
]);

/** A notification's link: a path on this site, never another origin. */
export function notificationUrl(payload: Record<string, unknown>): string | null {
  const url = payload.url;
  return typeof url === "string" && url.startsWith("/") && !url.startsWith("//") ? url : null;
}

/** `chat.direct` → the i18n key `chat.notificationKinds.direct`: each module words its own kinds. */
export function notificationKey(kind: string): string {
  const [module, name] = kind.split(".", 2);
  return `${module}.notificationKinds.${name}`;
}

/** Placeholders a kind's text may use ({actor}, {title}, {count}). */
export function notificationVars(n: Pick<NotificationItem, "payload" | "count">): Record<string, string | number> {
  const text = (key: string) => (typeof n.payload[key] === "string" ? String(n.payload[key]) : "");
  return { actor: text("actorName"), title: text("title"), count: n.count };
}
