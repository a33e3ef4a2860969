// Route helpers for chat: the conversation id of a URL, and domain refusals turned
// into the HTTP answers people understand (403, 404, 409) with an i18n key.
import { json } from "@remix-run/node";
import type { AppLoadContext } from "@remix-run/node";
import { invariantResponse } from "~/modules/accounts/guards.server";
import type { GuardFinding } from "~/modules/identifier-guard/guard.server";
import { CHAT_ERROR_STATUS } from "./chat.server";
import type { ChatError } from "./schemas";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function requireConversationId(params: { conversationId?: string }): string {
  invariantResponse(params.conversationId && UUID.test(params.conversationId), "not_found");
  return params.conversationId.toLowerCase();
}

export function isUuid(value: unknown): value is string {
  return typeof value === "string" && UUID.test(value);
}

/**
 * A refused action, re-rendering the page with a message (no 500 for a person's mistake).
 * A refusal of the identifier guard carries its findings and the refused text, so the
 * page lists them (with an override box each) and gives the text back to fix.
 */
export function refusal(
  error: ChatError,
  intent?: string,
  guard?: { findings?: GuardFinding[]; fields?: Record<string, string[]>; body?: string; messageId?: number; parentId?: number },
) {
  return json(
    {
      intent: intent ?? null,
      formError: `chat.errors.${error}`,
      fieldErrors: guard?.fields ?? {},
      ...(guard?.findings ? { findings: guard.findings } : {}),
      ...(guard?.body !== undefined ? { body: guard.body } : {}),
      ...(guard?.messageId !== undefined ? { messageId: guard.messageId } : {}),
      ...(guard?.parentId !== undefined ? { parentId: guard.parentId } : {}),
    },
    { status: CHAT_ERROR_STATUS[error] },
  );
}

/** What the publish helpers need from the load context. */
export function publishers(context: AppLoadContext) {
  return { db: context.db, realtime: context.realtime, logger: context.logger };
}
