// Forums over Socket.IO: readers of a topic join its room (`topic:<id>`) so a reply
// appears live. Joining is checked against the database with the reader's claims
// (RLS decides, as for the page). What is broadcast is only the new post's id: each
// reader fetches it over HTTP with their own rights.
// Also here: the worker that sends the daily and weekly forum email digests.
import type { Logger } from "pino";
import { sendForumDigests } from "../../app/modules/forums/notify.server";
import { forumJoinPayloadSchema, forumLeavePayloadSchema, FORUM_LIVE_EVENTS, topicRoom } from "../../app/modules/forums/live-schemas";
import type { RealtimeBridge } from "../../app/utils/context";
import type { Database } from "../../app/utils/db.server";
import type { Env } from "../../app/utils/env.server";
import type { Mailer } from "../../app/utils/mail.server";
import { registerReaderRooms } from "./reader-rooms";
import type { RealtimeServer } from "./types";

/** How often due digests are looked for (each person gets theirs once per day or week). */
export const DIGEST_INTERVAL_MS = 10 * 60_000;

export interface ForumRealtimeOptions {
  db: Database;
  logger: Logger;
  realtime: RealtimeBridge;
  /** With a mailer and the environment, this process also sends the forum digests. */
  mail?: Mailer;
  env?: Env;
  digestIntervalMs?: number;
}

export function registerForumHandlers(io: RealtimeServer, options: ForumRealtimeOptions): void {
  const { db } = options;
  const logger = options.logger.child({ module: "forums" });
  if (options.mail && options.env) {
    const { mail, env } = options;
    let running: Promise<unknown> | null = null;
    const timer = setInterval(() => {
      running ??= sendForumDigests({ db, mail, env })
        .catch((err: unknown) => logger.error({ err }, "forums: digest run failed"))
        .finally(() => { running = null; });
    }, options.digestIntervalMs ?? DIGEST_INTERVAL_MS);
    timer.unref();
    // Stops with the Socket.IO server (io.close() closes the HTTP server it is attached to).
    io.httpServer?.once("close", () => clearInterval(timer));
  }
  registerReaderRooms(io, {
    db,
    events: FORUM_LIVE_EVENTS,
    joinSchema: forumJoinPayloadSchema,
    leaveSchema: forumLeavePayloadSchema,
    room: ({ topicId }) => topicRoom(topicId),
    prefix: "topic:",
    readable: async (tx, { topicId }) => Boolean(await tx.selectFrom("forum_topics").select("id").where("id", "=", topicId).executeTakeFirst()),
  });
}
