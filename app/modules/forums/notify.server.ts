// After a post is published (or approved): readers of the topic get it live, and the
// people it concerns are notified through the shared notifications module (bell,
// live `notification:new`) and, as each chose in the forum settings, by email — one
// per event or a daily/weekly digest, each with a one-click unsubscribe link.
//
// Who is concerned (never the author; only people who may read the space):
//   mentioned in the post, or author of the post replied to → always, unless muted;
//   watching the topic (or its category, when the topic has no level of its own) → every post.
// Starting or replying to a topic sets "watching" on it (forums.server.ts).
//
// Forum notifications are marked emailed when created: forum emails follow the forum
// settings, so the notifications module's offline-delay email skips them.
import type { AppLoadContext } from "@remix-run/node";
import { sql } from "kysely";
import { createNotifications, publishNotifications, type NewNotification } from "~/modules/notifications/notifications.server";
import type { Tx } from "~/utils/db.server";
import { isLocale, type Locale } from "~/utils/i18n";
import { translate } from "~/utils/i18n.server";
import { oneClickUnsubscribeHeaders } from "~/utils/mail.server";
import { getAppSecret, signToken } from "~/utils/secret.server";
import type { Published } from "./forums.server";
import { FORUM_LIVE_EVENTS, topicRoom, type ForumPostBroadcast } from "./live-schemas";

export type NotifyContext = Pick<AppLoadContext, "db" | "realtime" | "logger" | "mail" | "env">;

/** Purpose of the signed one-click unsubscribe tokens of forum emails. */
export const UNSUBSCRIBE_PURPOSE = "forum-email-unsubscribe";

type Kind = "mention" | "reply" | "post" | "topic";
const PRIORITY: Record<Kind, number> = { mention: 0, reply: 1, topic: 2, post: 3 };

interface Recipient {
  userId: string;
  kind: Kind;
}

export function unsubscribeLink(env: NotifyContext["env"], userId: string): string {
  return `${env.publicUrl}/forums/unsubscribe?token=${encodeURIComponent(signToken(getAppSecret(env), UNSUBSCRIBE_PURPOSE, userId))}`;
}

/** Who a new post concerns, and why (one reason per person, the strongest). */
async function recipients(
  tx: Tx,
  postId: number,
  mentions: string[],
): Promise<{ list: Recipient[]; post: { topicId: number; title: string; authorId: string | null; postNumber: number } } | null> {
  const post = await tx
    .selectFrom("forum_posts as p")
    .innerJoin("forum_topics as t", "t.id", "p.topic_id")
    .leftJoin("forum_posts as rp", "rp.id", "p.reply_to_post_id")
    .select([
      "p.id",
      "p.topic_id",
      "p.post_number",
      "p.author_id",
      "p.space_id",
      "p.status",
      "t.title",
      "t.category_id",
      "rp.author_id as reply_to_author",
    ])
    .where("p.id", "=", postId)
    .executeTakeFirst();
  if (!post || post.status !== "published") return null;
  const topicLevels = new Map(
    (await tx.selectFrom("forum_topic_watches").select(["user_id", "level"]).where("topic_id", "=", post.topic_id).execute()).map((w) => [
      w.user_id,
      w.level,
    ]),
  );
  const categoryLevels = new Map(
    (await tx.selectFrom("forum_category_watches").select(["user_id", "level"]).where("category_id", "=", post.category_id).execute()).map(
      (w) => [w.user_id, w.level],
    ),
  );
  const level = (userId: string) => topicLevels.get(userId) ?? categoryLevels.get(userId) ?? "normal";
  const wanted = new Map<string, Kind>();
  const offer = (userId: string | null, kind: Kind) => {
    if (!userId || userId === post.author_id) return;
    const current = wanted.get(userId);
    if (!current || PRIORITY[kind] < PRIORITY[current]) wanted.set(userId, kind);
  };
  for (const userId of mentions) if (level(userId) !== "muted") offer(userId, "mention");
  if (post.reply_to_author && level(post.reply_to_author) !== "muted") offer(post.reply_to_author, "reply");
  for (const userId of new Set([...topicLevels.keys(), ...categoryLevels.keys()])) {
    if (level(userId) === "watching") offer(userId, post.post_number === 1 ? "topic" : "post");
  }
  if (wanted.size === 0)
    return { list: [], post: { topicId: post.topic_id, title: post.title, authorId: post.author_id, postNumber: post.post_number } };
  const { rows } = await sql<{ id: string }>`
    select id from public.profiles where id = any (${[...wanted.keys()]}::uuid[]) and public.can_user_read_space(id, ${post.space_id}::uuid)`.execute(
    tx,
  );
  const allowed = new Set(rows.map((r) => r.id));
  return {
    list: [...wanted].filter(([userId]) => allowed.has(userId)).map(([userId, kind]) => ({ userId, kind })),
    post: { topicId: post.topic_id, title: post.title, authorId: post.author_id, postNumber: post.post_number },
  };
}

function eventEmail(locale: Locale, vars: { name: string; summary: string; link: string; settings: string; unsubscribe: string }) {
  return {
    subject: translate(locale, "forums.email.eventSubject", { summary: vars.summary }),
    text: translate(locale, "forums.email.eventBody", vars),
  };
}

export async function afterPublish(context: NotifyContext, published: Published, authorName: string): Promise<void> {
  if (published.postStatus !== "published") return;
  const broadcast: ForumPostBroadcast = {
    topicId: published.topicId,
    postId: published.postId,
    postNumber: published.postNumber,
    authorName,
  };
  context.realtime.emitToRoom(topicRoom(published.topicId), FORUM_LIVE_EVENTS.post, broadcast);
  try {
    const created = await context.db.asSystem("forums: notify the people a published post concerns", async (tx) => {
      const found = await recipients(tx, published.postId, published.mentions);
      if (!found || found.list.length === 0) return [];
      const url = `/forums/p/${published.postId}`;
      const items: NewNotification[] = found.list.map(({ userId, kind }) => ({
        userId,
        kind: `forums.${kind}`,
        payload: { actorName: authorName, title: found.post.title, url, topicId: found.post.topicId, postId: published.postId },
        dedupeKey: kind === "post" || kind === "topic" ? `forums.${kind}:${found.post.topicId}` : `forums.${kind}:${published.postId}`,
      }));
      const notifications = await createNotifications(tx, items);
      await tx
        .updateTable("notifications")
        .set({ emailed_at: new Date() })
        .where(
          "id",
          "in",
          notifications.map((n) => n.id),
        )
        .execute();
      // Per-event emails, for those who chose them (the default), through the outbox in this transaction.
      const people = await tx
        .selectFrom("profiles as p")
        .innerJoin("profile_private as pp", "pp.user_id", "p.id")
        .leftJoin("forum_email_settings as s", "s.user_id", "p.id")
        .select(["p.id", "p.display_name", "p.locale", "pp.contact_email", "s.mode"])
        .where(
          "p.id",
          "in",
          found.list.map((r) => r.userId),
        )
        .execute();
      for (const person of people) {
        if ((person.mode ?? "each") !== "each") continue;
        const notification = notifications.find((n) => n.userId === person.id);
        if (!notification) continue;
        const locale: Locale = isLocale(person.locale) ? person.locale : "fr-CA";
        const summary = translate(locale, `forums.notificationKinds.${notification.kind.split(".")[1] ?? "post"}`, {
          actor: authorName,
          title: found.post.title,
          count: notification.count,
        });
        const unsubscribe = unsubscribeLink(context.env, person.id);
        await context.mail.enqueue(
          {
            to: person.contact_email,
            kind: "forum_notification",
            headers: oneClickUnsubscribeHeaders(unsubscribe),
            ...eventEmail(locale, {
              name: person.display_name,
              summary,
              link: `${context.env.publicUrl}${url}`,
              settings: `${context.env.publicUrl}/forums/settings`,
              unsubscribe,
            }),
          },
          tx,
        );
      }
      return notifications;
    });
    await publishNotifications(context.db, context.realtime, created);
  } catch (error) {
    // The post is published; a failed notification must not turn that into an error page.
    context.logger.error({ err: error, postId: published.postId }, "forums: notifying failed");
  }
}

// ── Digests ─────────────────────────────────────────────────────────────────

export const DIGEST_PERIOD_HOURS = { daily: 24, weekly: 24 * 7 } as const;

/**
 * Daily and weekly digests of forum notifications still unread, one email per person
 * whose period has elapsed (run every few minutes by the realtime server). Several
 * processes may run it: `skip locked` gives each person to one of them.
 */
export async function sendForumDigests(options: {
  db: NotifyContext["db"];
  mail: NotifyContext["mail"];
  env: NotifyContext["env"];
}): Promise<number> {
  const { db, mail, env } = options;
  return db.asSystem("forums: daily and weekly email digests", async (tx) => {
    const { rows: due } = await sql<{
      user_id: string;
      mode: "daily" | "weekly";
      since: Date;
      display_name: string;
      locale: string;
      contact_email: string;
    }>`
      select s.user_id, s.mode, coalesce(s.digest_sent_at, s.updated_at) as since, p.display_name, p.locale, pp.contact_email
        from public.forum_email_settings s
        join public.profiles p on p.id = s.user_id
        join public.profile_private pp on pp.user_id = s.user_id
       where (s.mode = 'daily' and coalesce(s.digest_sent_at, s.updated_at) <= now() - interval '24 hours')
          or (s.mode = 'weekly' and coalesce(s.digest_sent_at, s.updated_at) <= now() - interval '7 days')
       order by s.user_id
       limit 200
         for update of s skip locked`.execute(tx);
    let sent = 0;
    for (const person of due) {
      const items = await tx
        .selectFrom("notifications")
        .select(["kind", "payload", "count"])
        .where("user_id", "=", person.user_id)
        .where("kind", "like", "forums.%")
        .where("read_at", "is", null)
        .where("created_at", ">", person.since)
        .orderBy("created_at")
        .limit(50)
        .execute();
      await tx.updateTable("forum_email_settings").set({ digest_sent_at: new Date() }).where("user_id", "=", person.user_id).execute();
      if (items.length === 0) continue;
      const locale: Locale = isLocale(person.locale) ? person.locale : "fr-CA";
      const lines = items.map((n) => {
        const payload = n.payload;
        const text = (key: string) => (typeof payload[key] === "string" ? String(payload[key]) : "");
        const line = translate(locale, `forums.notificationKinds.${n.kind.split(".")[1] ?? "post"}`, {
          actor: text("actorName"),
          title: text("title"),
          count: n.count,
        });
        const url = text("url").startsWith("/") ? `${env.publicUrl}${text("url")}` : `${env.publicUrl}/forums`;
        return `• ${line}\n  ${url}`;
      });
      const unsubscribe = unsubscribeLink(env, person.user_id);
      await mail.enqueue(
        {
          to: person.contact_email,
          kind: "forum_digest",
          headers: oneClickUnsubscribeHeaders(unsubscribe),
          subject: translate(locale, "forums.email.digestSubject", { count: items.length }),
          text: translate(locale, "forums.email.digestBody", {
            name: person.display_name,
            items: lines.join("\n"),
            link: `${env.publicUrl}/forums`,
            settings: `${env.publicUrl}/forums/settings`,
            unsubscribe,
          }),
        },
        tx,
      );
      sent += 1;
    }
    return sent;
  });
}
