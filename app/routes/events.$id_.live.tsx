// An event's live room: the video (Jitsi, hosts as moderators: organisers and linked
// speakers) beside the Q&A. Registrants and hosts only (403 with a way to register for anyone else); open
// 15 minutes before the start until the end. Every Q&A action is a plain form; with
// JavaScript the Q&A also updates live when someone asks, upvotes or a host answers.
// The event's chat is the chat module's conversation, embedded beside the video with
// the chat's own view and live delivery (being in the open room makes the person a
// member of it); without JavaScript its composer posts here and comes back to the room,
// and the full chat page is a link away.
import { parseWithZod } from "@conform-to/zod";
import { randomUUID } from "node:crypto";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useCallback, useEffect, useRef, useState } from "react";
import { requireViewer } from "~/modules/accounts/guards.server";
import { markRead, sendMessage } from "~/modules/chat/chat.server";
import { ConversationView, type ActionResult as ChatActionResult } from "~/modules/chat/components/conversation-view";
import { publishers, refusal } from "~/modules/chat/guards.server";
import { publishMembership, publishRead, publishSent } from "~/modules/chat/publish.server";
import { conversationActionSchema } from "~/modules/chat/schemas";
import { useEventLive } from "~/modules/events/components/use-event-live";
import { EVENT_LIVE_EVENTS, eventLiveRoom, qaFormSchema } from "~/modules/events/live-schemas";
import {
  askQuestion,
  eventChatPage,
  joinEventChat,
  liveAccess,
  listQuestions,
  markAnswered,
  toggleVote,
  type LiveQuestion,
} from "~/modules/events/live.server";
import { GuardFindings, findingsIn } from "~/modules/identifier-guard/components";
import { overridesFromForm } from "~/modules/identifier-guard/schemas";
import { videoRoomFor } from "~/modules/video/room.server";
import type { VideoPresenceEvent } from "~/modules/video/schemas";
import { VideoRoom } from "~/modules/video/video-room";
import { useI18n } from "~/utils/i18n";
import { fieldErrorsFromZod } from "~/utils/outcome";
import { getAppSecret } from "~/utils/secret.server";
import { siteTitle } from "~/utils/meta";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: siteTitle(data?.event.title) }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request, context);
  const access = await liveAccess(context.db, viewer, params.id ?? "");
  if (!access) throw new Response("not_found", { status: 404 });
  const { event, role, host, window, opensAt, endsAt } = access;
  const base = {
    event: { id: event.id, title: event.title, startsAt: event.startsAt, durationMinutes: event.durationMinutes },
    role,
    host,
    window,
    opensAt,
    endsAt,
    me: viewer.id,
  };
  const closed = { room: null, questions: [] as LiveQuestion[], chat: null, chatRefusal: null };
  if (!role) return json({ ...base, refused: true as const, ...closed }, { status: 403 });
  if (window !== "open") return json({ ...base, refused: false as const, ...closed });
  const room = await videoRoomFor({
    env: context.env,
    secret: getAppSecret(context.env),
    subject: { scope: "event", id: event.id },
    person: { id: viewer.id, name: viewer.displayName },
    moderator: host,
  });
  const questions = await listQuestions(context.db, viewer, event.id);
  // The event's chat beside the video (chat is for verified members: others read why).
  const chat = await eventChatPage(context.db, viewer, event.id);
  if (chat.ok && chat.added) publishMembership(context.realtime, chat.conversationId, viewer.id, "added");
  return json(
    {
      ...base,
      refused: false as const,
      room,
      questions,
      chat: chat.ok
        ? {
            ...chat.page,
            me: viewer.id,
            // The composer's client id: a double submission without JavaScript stores one message.
            clientId: randomUUID(),
            editing: null,
            reporting: null,
            before: null,
          }
        : null,
      chatRefusal: chat.ok ? null : (chat.formError ?? "errors.invalid"),
    },
    { headers: { "Cache-Control": "no-store" } },
  );
}

/**
 * A chat message posted from the room without JavaScript: the room check and the
 * membership (joinEventChat), then the chat module's own send, broadcast to the people
 * in the chat, and back to the room at the message. With JavaScript the composer sends
 * through the live connection instead and this is not called.
 */
async function sendFromRoom(
  { context }: ActionFunctionArgs,
  viewer: Awaited<ReturnType<typeof requireViewer>>,
  id: string,
  formData: FormData,
) {
  const submission = parseWithZod(formData, { schema: conversationActionSchema });
  if (submission.status !== "success" || submission.value.intent !== "send") {
    const body = formData.get("body");
    const fieldErrors = submission.status === "success" ? {} : (submission.error ?? {});
    return json(
      {
        intent: "send",
        formError: fieldErrors.body ? null : "errors.invalid",
        fieldErrors,
        body: typeof body === "string" ? body : undefined,
      },
      { status: 400 },
    );
  }
  const input = submission.value;
  const chat = await joinEventChat(context.db, viewer, id);
  if (!chat.ok) return json({ intent: "send", formError: chat.formError ?? "errors.invalid", fieldErrors: {} }, { status: chat.status });
  if (chat.added) publishMembership(context.realtime, chat.conversationId, viewer.id, "added");
  const sent = await sendMessage(context.db, viewer.claims, {
    conversationId: chat.conversationId,
    clientId: input.clientId,
    body: input.body,
    overrides: overridesFromForm(formData),
  });
  if (!sent.ok) return refusal(sent.code, "send", { findings: sent.findings, fields: sent.fieldErrors, body: input.body });
  publishSent(publishers(context), sent);
  // As on the chat's page: what is above one's own message was read (best effort, the message is stored).
  const read = await markRead(context.db, viewer.claims, { conversationId: chat.conversationId, messageId: sent.message.id }).catch(
    (error: unknown) => {
      context.logger.warn({ err: error, eventId: id }, "events: read marker after a chat send from the room not saved");
      return null;
    },
  );
  if (read?.ok) publishRead(context.realtime, viewer.id, chat.conversationId, read);
  return redirect(`/events/${id}/live#message-${sent.message.id}`);
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const viewer = await requireViewer(request, context);
  const id = params.id ?? "";
  const formData = await request.formData();
  if (formData.get("intent") === "send") return sendFromRoom({ request, params, context }, viewer, id, formData);
  const parsed = qaFormSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success)
    return json({ formError: "errors.invalid", fieldErrors: fieldErrorsFromZod(parsed.error), findings: [] }, { status: 400 });
  const input = parsed.data;
  const outcome =
    input.intent === "ask"
      ? await askQuestion(context.db, viewer, id, input.body)
      : input.intent === "vote"
        ? await toggleVote(context.db, viewer, id, input.questionId)
        : await markAnswered(context.db, viewer, id, input.questionId, input.answered);
  if (!outcome.ok) {
    return json(
      { formError: outcome.formError ?? "errors.invalid", fieldErrors: outcome.fieldErrors ?? {}, findings: outcome.findings ?? [] },
      { status: outcome.status },
    );
  }
  // Everyone else in the room reloads the Q&A (ids only; each reads with their own rights).
  context.realtime.emitToRoom(eventLiveRoom(id), EVENT_LIVE_EVENTS.changed, { eventId: id });
  return redirect(`/events/${id}/live${input.intent === "ask" ? "?done=asked" : ""}#qa`);
}

export default function LiveRoom() {
  const { t, tx, date } = useI18n();
  const data = useLoaderData<typeof loader>();
  const { event, host, window } = data;
  const result = useActionData<typeof action>();
  // The chat's composer and the Q&A's forms both post here: each reads its own answers.
  const chatAction = result && "intent" in result && result.intent === "send" ? (result as ChatActionResult) : undefined;
  const actionData = result && !("intent" in result) ? result : undefined;
  const navigation = useNavigation();
  const [params] = useSearchParams();
  const [presence, setPresence] = useState<VideoPresenceEvent["type"] | null>(null);
  const open = !data.refused && window === "open";
  useEventLive(event.id, open);

  const onPresence = useCallback(
    (e: VideoPresenceEvent) => {
      setPresence(e.type);
      // keepalive: the "left" of a page being closed still reaches the server.
      void fetch(`/events/${event.id}/presence`, {
        method: "POST",
        body: new URLSearchParams({ type: e.type }),
        keepalive: true,
        credentials: "same-origin",
      }).catch(() => {});
    },
    [event.id],
  );

  // After a question was sent, the field is empty again (the page reloaded) and keeps focus for the next one.
  const bodyRef = useRef<HTMLTextAreaElement>(null);
  const asked = params.get("done") === "asked";
  useEffect(() => {
    if (asked && navigation.state === "idle") bodyRef.current?.focus();
  }, [asked, navigation.state]);

  const back = (
    <p>
      <Link to={`/events/${event.id}`}>← {t("eventsLive.room.back")}</Link>
    </p>
  );
  if (data.refused) {
    return (
      <div className="container container--narrow stack stack--l">
        {back}
        <header className="page-header stack stack--s">
          <h1>{t("eventsLive.room.refusedTitle")}</h1>
          <p className="lead">{event.title}</p>
        </header>
        <p>{t("eventsLive.room.refusedBody")}</p>
        <p>
          <Link className="btn btn--primary" to={`/events/${event.id}#registration-title`}>
            {t("eventsLive.room.register")}
          </Link>
        </p>
      </div>
    );
  }

  const header = (
    <header className="page-header stack stack--s">
      <h1>{t("eventsLive.room.title")}</h1>
      <p className="lead">{event.title}</p>
      <p className="meta">
        <time dateTime={event.startsAt}>{date(event.startsAt, "datetime")}</time> ·{" "}
        {t("events.item.duration", { minutes: event.durationMinutes })}
      </p>
    </header>
  );
  if (!open) {
    return (
      <div className="container container--narrow stack stack--l">
        {back}
        {header}
        <p className="alert alert--info" role="status">
          {window === "before" ? t("eventsLive.room.before", { opens: date(data.opensAt, "datetime") }) : t("eventsLive.room.ended")}
        </p>
        {window === "ended" ? <p>{t("eventsLive.room.attestationHint")}</p> : null}
      </div>
    );
  }

  const fieldErrors = (actionData?.fieldErrors ?? {}) as Record<string, string[]>;
  const findings = findingsIn(actionData);
  const bodyError = fieldErrors.body?.length ? fieldErrors.body.map((e) => tx(e)).join(" ") : null;
  const openQuestions = data.questions.filter((q) => !q.answered);
  const answered = data.questions.filter((q) => q.answered);
  const renderQuestion = (q: LiveQuestion) => (
    <li key={q.id} className="card stack stack--2xs live-question" data-question={q.id}>
      <p className="live-question__body">{q.body}</p>
      <p className="meta">
        {q.answered ? (
          <>
            <span className="badge badge--verified">{t("eventsLive.qa.answered")}</span>
            {" · "}
          </>
        ) : null}
        {q.mine ? (
          <>
            {t("eventsLive.qa.yours")}
            {" · "}
          </>
        ) : null}
        {t("eventsLive.qa.votes", { count: q.votes })}
      </p>
      <div className="cluster">
        <Form method="post" preventScrollReset>
          <input type="hidden" name="intent" value="vote" />
          <input type="hidden" name="questionId" value={q.id} />
          <button type="submit" className="btn btn--secondary btn--small" aria-pressed={q.votedByMe}>
            {q.votedByMe ? t("eventsLive.qa.unvote") : t("eventsLive.qa.vote")}
          </button>
        </Form>
        {host ? (
          <Form method="post" preventScrollReset>
            <input type="hidden" name="intent" value="answer" />
            <input type="hidden" name="questionId" value={q.id} />
            <input type="hidden" name="answered" value={q.answered ? "false" : "true"} />
            <button type="submit" className="btn btn--secondary btn--small">
              {q.answered ? t("eventsLive.qa.reopen") : t("eventsLive.qa.markAnswered")}
            </button>
          </Form>
        ) : null}
      </div>
    </li>
  );

  return (
    <div className="container stack stack--l">
      {back}
      {header}
      {host ? <p className="alert alert--info">{t("eventsLive.room.moderator")}</p> : null}
      {presence ? (
        <p role="status" className="meta">
          {t(presence === "joined" ? "eventsLive.room.joined" : "eventsLive.room.left")}
        </p>
      ) : null}
      <div className="live-room">
        <div className="live-room__video">
          {data.room ? (
            <VideoRoom room={data.room} onPresence={onPresence} alternatives={<p>{t("eventsLive.room.videoAlternatives")}</p>} />
          ) : null}
        </div>
        <section className="live-room__chat" id="chat" aria-labelledby="chat-title">
          {data.chat ? (
            <ConversationView
              key={data.chat.conversation.id}
              data={data.chat}
              action={chatAction}
              embedded={{
                title: t("eventsLive.chat.title"),
                titleId: "chat-title",
                lead: (
                  <>
                    <p>{t("eventsLive.chat.lead")}</p>
                    <p>
                      <Link to={`/chat/${data.chat.conversation.id}`}>{t("eventsLive.chat.open")}</Link>
                    </p>
                  </>
                ),
              }}
            />
          ) : (
            <div className="stack stack--s">
              <h2 id="chat-title">{t("eventsLive.chat.title")}</h2>
              <p>{tx(data.chatRefusal ?? "errors.invalid")}</p>
            </div>
          )}
        </section>
        <section className="live-room__qa stack stack--s" id="qa" aria-labelledby="qa-title">
          <h2 id="qa-title">{t("eventsLive.qa.title")}</h2>
          <p>{t("eventsLive.qa.lead")}</p>
          {asked && !actionData ? (
            <p className="alert alert--success" role="status">
              {t("eventsLive.qa.asked")}
            </p>
          ) : null}
          {actionData?.formError && !bodyError ? (
            <p className="alert alert--error" role="alert">
              {tx(actionData.formError)}
            </p>
          ) : null}
          <Form method="post" className="stack stack--s" preventScrollReset>
            <input type="hidden" name="intent" value="ask" />
            <div className="field">
              <label className="field__label" htmlFor="question-body">
                {t("eventsLive.qa.label")}
              </label>
              <p className="field__hint" id="question-body-hint">
                {t("eventsLive.qa.hint")}
              </p>
              <textarea
                ref={bodyRef}
                id="question-body"
                name="body"
                className="input"
                rows={3}
                required
                minLength={3}
                maxLength={500}
                aria-describedby={bodyError ? "question-body-hint question-body-error" : "question-body-hint"}
                aria-invalid={bodyError ? true : undefined}
                key={asked ? "asked" : "new"}
              />
              {bodyError ? (
                <p className="field__error" id="question-body-error">
                  {bodyError}
                </p>
              ) : null}
            </div>
            {findings.length > 0 ? (
              <GuardFindings findings={findings} fieldLabel={() => t("eventsLive.qa.label")} overridable={false} idPrefix="qa" />
            ) : null}
            <p>
              <button type="submit" className="btn btn--primary">
                {t("eventsLive.qa.submit")}
              </button>
            </p>
          </Form>
          <p className="meta">{t("eventsLive.qa.live")}</p>
          <h3>{t("eventsLive.qa.open")}</h3>
          {openQuestions.length === 0 ? (
            <p>{t("eventsLive.qa.empty")}</p>
          ) : (
            <ul role="list" className="stack stack--s" aria-live="polite">
              {openQuestions.map(renderQuestion)}
            </ul>
          )}
          {answered.length > 0 ? (
            <>
              <h3>{t("eventsLive.qa.answeredList")}</h3>
              <ul role="list" className="stack stack--s">
                {answered.map(renderQuestion)}
              </ul>
            </>
          ) : null}
        </section>
      </div>
    </div>
  );
}
