// Route helpers for chat: the conversation id of a URL, and domain refusals turned
// into the HTTP answers people understand (403, 404, 409) with an i18n key.
import { json } from "@remix-run/node";
import type { AppLoadContext } from "@remix-run/node";
import { invariantResponse } from "~/modules/accounts/guards.server";
import { CHAT_ERRORS, type ChatError } from "./schemas";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function requireConversationId(params: { conversationId?: string }): string {
  invariantResponse(params.conversationId && UUID.test(params.conversationId), "not_found");
  return params.conversationId.toLowerCase();
}

export function isUuid(value: unknown): value is string {
  return typeof value === "string" && UUID.test(value);
}

const STATUS: Record<ChatError, number> = {
  [CHAT_ERRORS.notFound]: 404,
  [CHAT_ERRORS.forbidden]: 403,
  [CHAT_ERRORS.clientIdConflict]: 409,
  [CHAT_ERRORS.gone]: 409,
  [CHAT_ERRORS.invalidParent]: 400,
};

/** A refused action, re-rendering the page with a message (no 500 for a person's mistake). */
export function refusal(error: ChatError, intent?: string) {
  return json({ intent: intent ?? null, formError: `chat.errors.${error}`, fieldErrors: {} as Record<string, string[]> }, { status: STATUS[error] });
}

/** What the publish helpers need from the load context. */
export function publishers(context: AppLoadContext) {
  return { db: context.db, realtime: context.realtime, logger: context.logger };
}
