// What the server hands to every loader and action (created once in server/,
// never as module-level singletons in app/: the app build is re-imported on
// every dev rebuild).
import type { Logger } from "pino";
import type { AuthIssuer } from "./auth/types";
import type { Database } from "./db.server";
import type { Env } from "./env.server";
import type { Mailer } from "./mail.server";

export interface AppServices {
  db: Database;
  auth: AuthIssuer;
  env: Env;
  logger: Logger;
  mail: Mailer;
  realtime: { disconnectUser(userId: string): Promise<void> };
}

declare module "@remix-run/node" {
  interface AppLoadContext extends AppServices {
    cspNonce: string;
  }
}
