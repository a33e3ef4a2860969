// Notifications: one table for every module (docs/architecture.md, "One idea of membership"). A module creates them
// after its own authorisation check — through the system path (createNotifications)
// or a self-authorising security definer function of its migration (chat's
// notify_chat_message) — then pushes them live to the person's sockets
// (publishNotifications). People read and mark their own, through RLS. Unread ones
// are emailed once the person has been offline for their chosen delay
// (sendDueNotificationEmails, run by the realtime server). Emails never carry what
// was said, only who and where: the text stays behind the sign-in.
import { sql } from "kysely";
import type { RealtimeBridge } from "~/utils/context";
import type { Database, Tx, UserClaims } from "~/utils/db.server";
import { isLocale, type Locale } from "~/utils/i18n";
import { translate } from "~/utils/i18n.server";
import { oneClickUnsubscribeHeaders, type Mailer } from "~/utils/mail.server";
import { signToken, verifyToken } from "~/utils/secret.server";
import {
  DEFAULT_EMAIL_DELAY_MINUTES,
  NOTIFICATION_EVENTS,
  NOTIFICATIONS_PAGE_SIZE,
  notificationKey,
  notificationVars,
  type NotificationItem,
} from "./schemas";

export interface NewNotification {
  userId: string;
  kind: string;
  payload: Record<string, unknown>;
  /** Unread notifications with the same key collapse into one whose count goes up. */
  dedupeKey?: string;
}

export interface CreatedNotification extends NotificationItem {
  userId: string;
}

export interface NotificationRow {
  id: number;
  user_id: string;
  kind: string;
  payload: unknown;
  count: number;
  created_at: Date | string;
  read_at?: Date | string | null;
}

const iso = (value: Date | string) => (value instanceof Date ? value : new Date(value)).toISOString();
const asPayload = (value: unknown): Record<string, unknown> =>
  value && typeof value === "object" && !Array.isArray(value) ? Object.fromEntries(Object.entries(value)) : {};

export function toCreated(row: NotificationRow): CreatedNotification {
  return {
    id: row.id,
    userId: row.user_id,
    kind: row.kind,
    payload: asPayload(row.payload),
    count: row.count,
    createdAt: iso(row.created_at),
    readAt: row.read_at ? iso(row.read_at) : null,
  };
}

/**
 * System path only (`tx` from db.asSystem), after the calling module checked that
 * its actor may notify these people.
 */
export async function createNotifications(tx: Tx, items: NewNotification[]): Promise<CreatedNotification[]> {
  const created: CreatedNotification[] = [];
  for (const item of items) {
    const { rows } = await sql<NotificationRow>`
      insert into public.notifications as n (user_id, kind, payload, dedupe_key)
      values (${item.userId}, ${item.kind}, ${JSON.stringify(item.payload)}::jsonb, ${item.dedupeKey ?? null})
      on conflict (user_id, dedupe_key) where read_at is null and dedupe_key is not null
      do update set count = n.count + 1, payload = excluded.payload, created_at = now()
      returning n.id, n.user_id, n.kind, n.payload, n.count, n.created_at, n.read_at`.execute(tx);
    for (const row of rows) created.push(toCreated(row));
  }
  return created;
}

/** Unread counts of several people (system path: the counts go to their own sockets). */
export async function unreadCountsOf(tx: Tx, userIds: string[]): Promise<Map<string, number>> {
  const counts = new Map(userIds.map((id) => [id, 0]));
  if (userIds.length === 0) return counts;
  const rows = await tx
    .selectFrom("notifications")
    .select(["user_id", (eb) => eb.fn.countAll<number>().as("n")])
    .where("user_id", "in", userIds)
    .where("read_at", "is", null)
    .groupBy("user_id")
    .execute();
  for (const row of rows) counts.set(row.user_id, Number(row.n));
  return counts;
}

/** Pushes each notification to its person's sockets, with their new unread count. */
export async function publishNotifications(db: Database, realtime: Pick<RealtimeBridge, "emitToUsers">, created: CreatedNotification[]) {
  if (created.length === 0) return;
  const counts = await db.asSystem("notifications: unread counts to push", (tx) =>
    unreadCountsOf(tx, [...new Set(created.map((n) => n.userId))]),
  );
  for (const { userId, ...notification } of created) {
    realtime.emitToUsers([userId], NOTIFICATION_EVENTS.new, { notification, unread: counts.get(userId) ?? 0 });
  }
}

/**
 * The person's unread count as a scalar subquery, for a reader that wants it in a statement of its
 * own (the header's badges: one statement per page instead of two).
 */
export const unreadNotificationCountSql = (userId: string) =>
  sql<number>`(select count(*)::int from public.notifications where user_id = ${userId}::uuid and read_at is null)`;

export async function unreadNotificationCount(tx: Tx, userId: string): Promise<number> {
  const row = await tx
    .selectFrom("notifications")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("user_id", "=", userId)
    .where("read_at", "is", null)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

export async function listNotifications(db: Database, claims: UserClaims, options: { before?: number } = {}) {
  return db.withUser(
    claims,
    async (tx) => {
      let query = tx
        .selectFrom("notifications")
        .select(["id", "user_id", "kind", "payload", "count", "created_at", "read_at"])
        .where("user_id", "=", claims.sub);
      if (options.before) query = query.where("id", "<", options.before);
      const rows = await query
        .orderBy("created_at", "desc")
        .orderBy("id", "desc")
        .limit(NOTIFICATIONS_PAGE_SIZE + 1)
        .execute();
      const unread = await unreadNotificationCount(tx, claims.sub);
      return {
        notifications: rows.slice(0, NOTIFICATIONS_PAGE_SIZE).map((row) => {
          const { userId: _userId, ...item } = toCreated(row);
          return item;
        }),
        hasMore: rows.length > NOTIFICATIONS_PAGE_SIZE,
        unread,
      };
    },
    { readOnly: true },
  );
}

/** Marks some (or all) of the person's notifications read; returns their unread count. */
export async function markNotificationsRead(db: Database, claims: UserClaims, which: { ids: number[] } | "all"): Promise<number> {
  return db.withUser(claims, async (tx) => {
    let query = tx.updateTable("notifications").set({ read_at: new Date() }).where("user_id", "=", claims.sub).where("read_at", "is", null);
    if (which !== "all") {
      if (which.ids.length === 0) return unreadNotificationCount(tx, claims.sub);
      query = query.where("id", "in", which.ids);
    }
    await query.execute();
    return unreadNotificationCount(tx, claims.sub);
  });
}

/** Which notifications are "about" one thing a page shows: a module's kinds whose payload names it. */
export interface NotificationSubject {
  /** The module prefix of the kinds (`forums` → `forums.*`). */
  module: string;
  /** The payload key naming the thing (`topicId`) and its value. */
  key: string;
  value: string | number;
}

const aboutSubject = (subject: NotificationSubject) =>
  sql<boolean>`kind like ${`${subject.module}.%`} and payload ->> ${subject.key} = ${String(subject.value)}`;

/** The person's unread notifications about one subject (read-only). */
export async function unreadNotificationsAbout(db: Database, claims: UserClaims, subject: NotificationSubject): Promise<number> {
  return db.withUser(claims, (tx) => countUnreadAbout(tx, claims.sub, subject), { readOnly: true });
}

/**
 * The same as a scalar subquery, for a page that reads it inside a statement of its own
 * (the topic page: one round trip less).
 */
export const unreadAboutCountSql = (userId: string, subject: NotificationSubject) =>
  sql<number>`(select count(*)::int from public.notifications
                where user_id = ${userId}::uuid and read_at is null and ${aboutSubject(subject)})`;

/** The same inside a transaction the caller already holds (a page's own read: one transaction less). */
export async function countUnreadAbout(tx: Tx, userId: string, subject: NotificationSubject): Promise<number> {
  const row = await tx
    .selectFrom("notifications")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("user_id", "=", userId)
    .where("read_at", "is", null)
    .where(aboutSubject(subject))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/**
 * Marks read the person's notifications about what she has just seen (e.g. a topic
 * she opened); returns her unread count, or null when nothing changed.
 */
export async function markNotificationsReadAbout(db: Database, claims: UserClaims, subject: NotificationSubject): Promise<number | null> {
  return db.withUser(claims, async (tx) => {
    const marked = await tx
      .updateTable("notifications")
      .set({ read_at: new Date() })
      .where("user_id", "=", claims.sub)
      .where("read_at", "is", null)
      .where(aboutSubject(subject))
      .returning("id")
      .execute();
    return marked.length ? unreadNotificationCount(tx, claims.sub) : null;
  });
}

/**
 * Inside the caller's own transaction (RLS: her own rows only), marks read her unread
 * notifications whose payload names `key` = `value` and whose `upToKey` is at most
 * `upTo` (chat: a conversation's notifications up to the message she has read).
 * Returns her new unread count, or null when nothing changed.
 */
export async function markReadUpTo(
  tx: Tx,
  userId: string,
  scope: { key: string; value: string; upToKey: string; upTo: number },
): Promise<number | null> {
  const cleared = await tx
    .updateTable("notifications")
    .set({ read_at: new Date() })
    .where("user_id", "=", userId)
    .where("read_at", "is", null)
    .where(sql<boolean>`payload ->> ${scope.key} = ${scope.value}`)
    .where(sql<boolean>`(payload ->> ${scope.upToKey})::bigint <= ${scope.upTo}`)
    .executeTakeFirst();
  return Number(cleared.numUpdatedRows) > 0 ? unreadNotificationCount(tx, userId) : null;
}

export async function getNotificationSettings(db: Database, claims: UserClaims): Promise<{ emailDelayMinutes: number | null }> {
  return db.withUser(
    claims,
    async (tx) => {
      const row = await tx
        .selectFrom("notification_settings")
        .select("email_delay_minutes")
        .where("user_id", "=", claims.sub)
        .executeTakeFirst();
      return { emailDelayMinutes: row ? row.email_delay_minutes : DEFAULT_EMAIL_DELAY_MINUTES };
    },
    { readOnly: true },
  );
}

export async function updateNotificationSettings(db: Database, claims: UserClaims, emailDelayMinutes: number | null) {
  await db.withUser(claims, (tx) =>
    tx
      .insertInto("notification_settings")
      .values({ user_id: claims.sub, email_delay_minutes: emailDelayMinutes })
      .onConflict((oc) => oc.column("user_id").doUpdateSet({ email_delay_minutes: emailDelayMinutes }))
      .execute(),
  );
}

// ── Email when offline ──────────────────────────────────────────────────────────

/** Notifications claimed per run (the next run takes the rest). */
export const EMAIL_BATCH = 500;

interface DueRow extends NotificationRow {
  locale: string | null;
  contact_email: string | null;
}

/**
 * Emails each person whose unread notifications are older than their delay and who
 * has had no live connection for as long: one message listing them, written to the
 * outbox in the same transaction that marks them emailed (several processes may run
 * this at once: `skip locked` gives each notification to one of them).
 */
/** Purpose of the signed one-click unsubscribe tokens of notification emails. */
export const NOTIFICATION_UNSUBSCRIBE_PURPOSE = "notification-email-unsubscribe";

/** The one-click link (and List-Unsubscribe URL) of someone's notification emails. */
export function notificationUnsubscribeLink(publicUrl: string, secret: string, userId: string): string {
  return `${publicUrl}/notifications/unsubscribe?token=${encodeURIComponent(signToken(secret, NOTIFICATION_UNSUBSCRIBE_PURPOSE, userId))}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Whose notification emails a token stops (null: not a valid token). */
export function notificationUnsubscribeSubject(secret: string, token: string | null): string | null {
  const subject = token ? verifyToken(secret, NOTIFICATION_UNSUBSCRIBE_PURPOSE, token) : null;
  return subject && UUID.test(subject) ? subject : null;
}

/**
 * Turns someone's notification emails off, proven only by a signed token: explicitly
 * named system work that changes nothing but that person's email delay.
 */
export async function unsubscribeNotificationEmails(db: Database, secret: string, token: string | null): Promise<boolean> {
  const userId = notificationUnsubscribeSubject(secret, token);
  if (!userId) return false;
  await db.asSystem("notifications: one-click unsubscribe (signed link)", (tx) =>
    tx
      .insertInto("notification_settings")
      .values({ user_id: userId, email_delay_minutes: null })
      .onConflict((oc) => oc.column("user_id").doUpdateSet({ email_delay_minutes: null }))
      .execute(),
  );
  return true;
}

export async function sendDueNotificationEmails(options: {
  db: Database;
  mail: Mailer;
  publicUrl: string;
  secret: string;
}): Promise<number> {
  const { db, mail, publicUrl, secret } = options;
  return db.asSystem("notifications: email unread after a delay offline", async (tx) => {
    const { rows } = await sql<DueRow>`
      with due as (
        select n.id
          from public.notifications n
          left join public.notification_settings s on s.user_id = n.user_id
          left join public.presence p on p.user_id = n.user_id
          cross join lateral (
            select case when s.user_id is null then ${DEFAULT_EMAIL_DELAY_MINUTES}::int else s.email_delay_minutes end as minutes
          ) delay
         where n.read_at is null and n.emailed_at is null
           and delay.minutes is not null
           and n.created_at <= now() - make_interval(mins => delay.minutes)
           and (p.last_seen_at is null or p.last_seen_at <= now() - make_interval(mins => delay.minutes))
         order by n.id
         limit ${EMAIL_BATCH}
         for update of n skip locked
      )
      update public.notifications n set emailed_at = now()
        from due, public.profiles pr
        left join public.profile_private pp on pp.user_id = pr.id
       where n.id = due.id and pr.id = n.user_id
      returning n.id, n.user_id, n.kind, n.payload, n.count, n.created_at, pr.locale, pp.contact_email`.execute(tx);
    const byPerson = new Map<string, DueRow[]>();
    for (const row of rows) {
      if (!row.contact_email) continue;
      const list = byPerson.get(row.user_id) ?? [];
      list.push(row);
      byPerson.set(row.user_id, list);
    }
    for (const list of byPerson.values()) {
      const first = list[0];
      if (!first?.contact_email) continue;
      const locale: Locale = isLocale(first.locale) ? first.locale : "fr-CA";
      const unsubscribe = notificationUnsubscribeLink(publicUrl, secret, first.user_id);
      await mail.enqueue(
        {
          to: first.contact_email,
          kind: "notifications_digest",
          headers: oneClickUnsubscribeHeaders(unsubscribe),
          ...notificationDigestEmail(locale, list.map(toCreated), publicUrl, unsubscribe),
        },
        tx,
      );
    }
    return byPerson.size;
  });
}

export function notificationDigestEmail(locale: Locale, items: NotificationItem[], publicUrl: string, unsubscribe: string) {
  const lines = items.map((n) => `• ${translate(locale, notificationKey(n.kind), notificationVars(n))}`);
  return {
    subject: translate(locale, "chat.notificationCentre.email.subject", { count: items.length }),
    text: translate(locale, "chat.notificationCentre.email.body", {
      count: items.length,
      items: lines.join("\n"),
      link: `${publicUrl}/notifications`,
      settings: `${publicUrl}/notifications#settings`,
      unsubscribe,
    }),
  };
}
