import { parseWithZod } from "@conform-to/zod";
import { randomUUID } from "node:crypto";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { invariantResponse, requireVerified } from "~/modules/accounts/guards.server";
import {
  deleteMessage,
  editMessage,
  getConversationPage,
  joinChannel,
  markRead,
  reactToMessage,
  reportMessage,
  sendMessage,
} from "~/modules/chat/chat.server";
import { ConversationView } from "~/modules/chat/components/conversation-view";
import { publishers, refusal, requireConversationId } from "~/modules/chat/guards.server";
import { publishMembership, publishRead, publishReport, publishSent, publishUpdate } from "~/modules/chat/publish.server";
import { conversationActionSchema } from "~/modules/chat/schemas";
import { overridesFromForm } from "~/modules/identifier-guard/schemas";
import { useI18n } from "~/utils/i18n";
import { getLocale } from "~/utils/locale.server";
import { pageTitle } from "~/utils/meta";
import { localizeChannel } from "~/modules/chat/channel-labels.server";

export const meta: MetaFunction<typeof loader> = (args) =>
  pageTitle(args, "chat.conversationTitle", { name: args.data?.conversation.name ?? "" });

/** A positive message id from the query string, or nothing (bad values are ignored). */
function idParam(url: URL, name: string): number | undefined {
  const value = Number(url.searchParams.get(name));
  return Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const viewer = await requireVerified(request, context);
  const id = requireConversationId(params);
  const url = new URL(request.url);
  const page = await getConversationPage(context.db, viewer.claims, id, { before: idParam(url, "before"), thread: idParam(url, "thread") });
  invariantResponse(page, "not_found");
  const locale = await getLocale(request);
  return json(
    {
      ...page,
      conversation: localizeChannel(page.conversation, locale),
      me: viewer.id,
      // The form's client id: a double submission or a refresh after posting stores one message.
      clientId: randomUUID(),
      editing: idParam(url, "edit") ?? null,
      reporting: idParam(url, "report") ?? null,
      before: idParam(url, "before") ?? null,
      done: url.searchParams.get("done") === "reported" ? ("reported" as const) : null,
    },
    { headers: { "Cache-Control": "no-store" } },
  );
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const viewer = await requireVerified(request, context);
  const id = requireConversationId(params);
  const formData = await request.formData();
  const submission = parseWithZod(formData, { schema: conversationActionSchema });
  const intent = typeof formData.get("intent") === "string" ? String(formData.get("intent")) : null;
  if (submission.status !== "success") {
    const body = formData.get("body");
    return json(
      { intent, formError: null, fieldErrors: submission.error ?? {}, body: typeof body === "string" ? body : undefined },
      { status: 400 },
    );
  }
  const input = submission.value;
  const services = publishers(context);
  const thread = new URL(request.url).searchParams.get("thread");
  const back = (anchor?: string, extra = "") => {
    const query = [thread && /^\d+$/.test(thread) ? `thread=${thread}` : "", extra].filter(Boolean).join("&");
    return redirect(`/chat/${id}${query ? `?${query}` : ""}${anchor ? `#${anchor}` : ""}`);
  };
  switch (input.intent) {
    case "send": {
      const sent = await sendMessage(context.db, viewer.claims, {
        conversationId: id,
        clientId: input.clientId,
        body: input.body,
        parentId: input.parentId,
        overrides: overridesFromForm(formData),
      });
      if (!sent.ok)
        return refusal(sent.code, intent ?? undefined, {
          findings: sent.findings,
          fields: sent.fieldErrors,
          body: input.body,
          parentId: input.parentId,
        });
      publishSent(services, sent);
      // Answering from the page (without JavaScript, no read events): what is above was read.
      // The message is committed: a lost database here must not turn the answer into
      // "nothing was saved" (503), so the read marker is best effort.
      const read = await markRead(context.db, viewer.claims, { conversationId: id, messageId: sent.message.id }).catch((error: unknown) => {
        context.logger.warn({ err: error, conversationId: id }, "chat: read marker after a send not saved");
        return null;
      });
      if (read?.ok) publishRead(context.realtime, viewer.id, id, read);
      return input.parentId
        ? redirect(`/chat/${id}?thread=${input.parentId}#message-${sent.message.id}`)
        : back(`message-${sent.message.id}`);
    }
    case "edit":
    case "delete":
    case "react": {
      const result =
        input.intent === "edit"
          ? await editMessage(context.db, viewer.claims, {
              messageId: input.messageId,
              body: input.body,
              overrides: overridesFromForm(formData),
            })
          : input.intent === "delete"
            ? await deleteMessage(context.db, viewer.claims, { messageId: input.messageId })
            : await reactToMessage(context.db, viewer.claims, { messageId: input.messageId, emoji: input.emoji, on: input.on === "1" });
      if (!result.ok) {
        return refusal(
          result.code,
          intent ?? undefined,
          input.intent === "edit"
            ? { findings: result.findings, fields: result.fieldErrors, body: input.body, messageId: input.messageId }
            : undefined,
        );
      }
      publishUpdate(context.realtime, result.message);
      return back(`message-${input.messageId}`);
    }
    case "report": {
      const result = await reportMessage(context.db, viewer.claims, input);
      if (!result.ok) return refusal(result.code, intent ?? undefined);
      if (result.created) await publishReport(services);
      return back(`message-${input.messageId}`, "done=reported");
    }
    case "read": {
      const outcome = await markRead(context.db, viewer.claims, { conversationId: id, messageId: input.messageId });
      if (!outcome.ok) return refusal(outcome.code, intent ?? undefined);
      publishRead(context.realtime, viewer.id, id, outcome);
      return back();
    }
    case "join": {
      const joined = await joinChannel(context.db, viewer.claims, id);
      if (!joined.ok) return refusal(joined.code, intent ?? undefined);
      publishMembership(context.realtime, id, viewer.id, "added");
      return back();
    }
  }
}

export default function Conversation() {
  const { t } = useI18n();
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <>
      {data.done === "reported" ? (
        <p className="alert alert--success" role="status">
          {t("chat.report.done")}
        </p>
      ) : null}
      <ConversationView key={data.conversation.id} data={data} action={result} />
    </>
  );
}
