// One-click unsubscribe from forum emails: the link carries a token signed with the
// application secret (no sign-in needed). Acting for someone proven only by a token is
// explicitly named system work; it changes nothing but that person's email mode.
import type { AppLoadContext } from "@remix-run/node";
import { getAppSecret, verifyToken } from "~/utils/secret.server";
import { UNSUBSCRIBE_PURPOSE } from "./notify.server";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function unsubscribeSubject(context: Pick<AppLoadContext, "env">, token: string | null): string | null {
  if (!token) return null;
  const subject = verifyToken(getAppSecret(context.env), UNSUBSCRIBE_PURPOSE, token);
  return subject && UUID.test(subject) ? subject : null;
}

export async function unsubscribeWithToken(context: Pick<AppLoadContext, "env" | "db">, token: string | null): Promise<boolean> {
  const userId = unsubscribeSubject(context, token);
  if (!userId) return false;
  await context.db.asSystem("forums: one-click unsubscribe (signed link)", (tx) =>
    tx
      .insertInto("forum_email_settings")
      .values({ user_id: userId, mode: "off" })
      .onConflict((oc) => oc.column("user_id").doUpdateSet({ mode: "off", updated_at: new Date() }))
      .execute(),
  );
  return true;
}
