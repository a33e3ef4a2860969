// What the server hands to every loader and action (created once in server/,
// never as module-level singletons in app/: the app build is re-imported on
// every dev rebuild).
import type { Logger } from "pino";
import type { AuthIssuer } from "./auth/types";
import type { Database } from "./db.server";
import type { Env } from "./env.server";
import type { JobQueue } from "~/modules/jobs/queue.server";
import type { Mailer } from "./mail.server";
import type { InlineMessagesSlot } from "./inline-messages";
import type { MarkupCache } from "./markup-cache.server";
import type { PageHtmlSlot } from "./page-html";
import type { FileStorage } from "./storage.server";

export interface AppServices {
  db: Database;
  auth: AuthIssuer;
  env: Env;
  logger: Logger;
  mail: Mailer;
  /** The durable job queue (decision 011): schedule work for later, admin retry/cancel. */
  jobs: JobQueue;
  /** Uploaded files (local disk or Supabase Storage); who may read them is decided by RLS on `files`. */
  storage: FileStorage;
  realtime: RealtimeBridge;
  /** Rendered parts of pages kept between requests (app/utils/markup-cache.tsx, decision 036). */
  markupCache: MarkupCache;
}

/**
 * Live connections as the app sees them (server/realtime/bridge.ts). Every call goes
 * through the Socket.IO adapter, so it reaches the sockets of every server process.
 */
export interface RealtimeBridge {
  /** Sign-out, suspension: closes every socket of the person. */
  disconnectUser(userId: string): Promise<void>;
  /** To every socket of these people (their `user:<id>` rooms). */
  emitToUsers(userIds: string[], event: string, payload: unknown): void;
  /**
   * To every socket in a room, but `except.socketId` (the socket that caused it, which
   * has its answer in the ack) and every socket of `except.userId` (told in person).
   */
  emitToRoom(room: string, event: string, payload: unknown, except?: { socketId?: string; userId?: string }): void;
  /** Membership changes: the person's sockets join or leave the room at once. */
  joinRoom(userId: string, room: string): void;
  leaveRoom(userId: string, room: string): void;
}

declare module "@remix-run/node" {
  interface AppLoadContext extends AppServices {
    cspNonce: string;
    /** The client's address as Express sees it (TRUST_PROXY decides whether X-Forwarded-For counts). */
    clientAddress?: string;
    /**
     * Set when a whole page is rendered (not a client-side navigation's data request): the
     * root loader leaves the page's messages here, and the document carries them inline.
     */
    inlineMessages?: InlineMessagesSlot | null;
    /** Set when a whole page is rendered: stored HTML the page carries in its markup only (app/utils/page-html.tsx). */
    pageHtml?: PageHtmlSlot | null;
  }
}
