import { parseWithZod } from "@conform-to/zod";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { invariantResponse, requireVerified } from "~/modules/accounts/guards.server";
import { findPeople, getConversation, inviteMembers, removeMember, renameConversation } from "~/modules/chat/chat.server";
import { PeopleCheckboxes, PeopleSearch } from "~/modules/chat/components/people-picker";
import { refusal, requireConversationId } from "~/modules/chat/guards.server";
import { TITLE_MAX_LENGTH, TOPIC_MAX_LENGTH } from "~/modules/chat/limits";
import { publishMembership, publishRenamed } from "~/modules/chat/publish.server";
import { membersActionSchema } from "~/modules/chat/schemas";
import { useI18n } from "~/utils/i18n";
import { getLocale } from "~/utils/locale.server";
import { pageTitle } from "~/utils/meta";
import { localizeChannel } from "~/modules/chat/channel-labels.server";

export const meta: MetaFunction<typeof loader> = (args) =>
  pageTitle(args, "chat.members.title", { name: args.data?.conversation.name ?? "" });

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const viewer = await requireVerified(request, context);
  const id = requireConversationId(params);
  const conversation = await getConversation(context.db, viewer.claims, id);
  invariantResponse(conversation?.me, "not_found");
  const q = (new URL(request.url).searchParams.get("q") ?? "").trim().slice(0, 80);
  const present = new Set(conversation.members.map((m) => m.id));
  const candidates = conversation.canManage
    ? (await findPeople(context.db, viewer.claims, q || undefined)).filter((p) => !present.has(p.id))
    : [];
  // The name follows the reader's language; the rename form keeps the stored topic, as written.
  const { name } = localizeChannel(conversation, await getLocale(request));
  return json({ conversation: { ...conversation, name }, candidates, q, me: viewer.id });
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const viewer = await requireVerified(request, context);
  const id = requireConversationId(params);
  const formData = await request.formData();
  const submission = parseWithZod(formData, { schema: membersActionSchema });
  const intent = typeof formData.get("intent") === "string" ? String(formData.get("intent")) : null;
  if (submission.status !== "success") return json({ intent, formError: null, fieldErrors: submission.error ?? {} }, { status: 400 });
  const input = submission.value;
  switch (input.intent) {
    case "invite": {
      const invited = await inviteMembers(context.db, viewer.claims, id, input.members);
      if (!invited.ok) return refusal(invited.code, intent ?? undefined);
      for (const userId of invited.added) publishMembership(context.realtime, id, userId, "added");
      return redirect(`/chat/${id}/members?done=invited`);
    }
    case "remove":
    case "leave": {
      const userId = input.intent === "leave" ? viewer.id : input.userId;
      const removed = await removeMember(context.db, viewer.claims, id, userId);
      if (!removed.ok) return refusal(removed.code, intent ?? undefined);
      // Committed: the person's sockets leave the room now, on every process.
      publishMembership(context.realtime, id, userId, input.intent === "leave" || userId === viewer.id ? "left" : "removed");
      return input.intent === "leave" || userId === viewer.id ? redirect("/chat") : redirect(`/chat/${id}/members?done=removed`);
    }
    case "rename": {
      const renamed = await renameConversation(context.db, viewer.claims, id, input);
      if (!renamed.ok) return refusal(renamed.code, intent ?? undefined);
      publishRenamed(context.realtime, id, viewer.id);
      return redirect(`/chat/${id}/members?done=renamed`);
    }
  }
}

export default function Members() {
  const { t, tx } = useI18n();
  const { conversation, candidates, q, me } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const done = params.get("done");
  const errorsOf = (intent: string, name: string) => (result?.intent === intent ? (result.fieldErrors[name] ?? []) : []);
  const titleErrors = errorsOf("rename", "title");
  const topicErrors = errorsOf("rename", "topic");
  return (
    <div className="stack stack--l">
      <p>
        <Link to={`/chat/${conversation.id}`}>← {tx("chat.members.back", { name: conversation.name })}</Link>
      </p>
      <header className="page-header">
        <h1>{tx("chat.members.title", { name: conversation.name })}</h1>
        <p className="meta">{tx("chat.header.members", { count: conversation.memberCount })}</p>
      </header>
      {done === "invited" || done === "removed" || done === "renamed" ? (
        <p className="alert alert--success" role="status">
          {tx(`chat.members.done.${done}`)}
        </p>
      ) : null}
      {result?.formError ? (
        <p className="alert alert--error" role="alert">
          {tx(result.formError)}
        </p>
      ) : null}

      <section className="stack" aria-labelledby="members-title">
        <h2 id="members-title" className="section-title">
          {t("chat.members.list")}
        </h2>
        <ul className="chat-people">
          {conversation.members.map((m) => (
            <li key={m.id} className="cluster">
              <span>
                {m.name}
                {m.id === me ? ` (${t("chat.message.you")})` : ""}
              </span>
              {m.role === "owner" ? <span className="badge badge--role">{t("chat.members.owner")}</span> : null}
              {conversation.canManage && m.id !== me ? (
                <Form method="post">
                  <input type="hidden" name="intent" value="remove" />
                  <input type="hidden" name="userId" value={m.id} />
                  <button type="submit" className="btn btn--small btn--danger">
                    {t("chat.members.remove")}
                    <span className="visually-hidden"> {m.name}</span>
                  </button>
                </Form>
              ) : null}
            </li>
          ))}
        </ul>
      </section>

      {conversation.canManage ? (
        <>
          <section className="stack" aria-labelledby="rename-title">
            <h2 id="rename-title" className="section-title">
              {t("chat.members.rename")}
            </h2>
            <Form method="post" className="form">
              <input type="hidden" name="intent" value="rename" />
              <div className={titleErrors.length ? "field field--invalid" : "field"}>
                <label className="field__label" htmlFor="rename-title-input">
                  {t("chat.fields.name")}
                </label>
                <input
                  id="rename-title-input"
                  name="title"
                  className="input"
                  defaultValue={conversation.title ?? ""}
                  maxLength={TITLE_MAX_LENGTH}
                  required
                  aria-invalid={titleErrors.length ? true : undefined}
                  aria-describedby={titleErrors.length ? "rename-title-error" : undefined}
                />
                {titleErrors.length ? (
                  <p className="field__error" id="rename-title-error">
                    {tx(titleErrors[0] ?? "")}
                  </p>
                ) : null}
              </div>
              <div className={topicErrors.length ? "field field--invalid" : "field"}>
                <label className="field__label" htmlFor="rename-topic-input">
                  {t("chat.fields.topic")}
                </label>
                <input
                  id="rename-topic-input"
                  name="topic"
                  className="input"
                  defaultValue={conversation.topic ?? ""}
                  maxLength={TOPIC_MAX_LENGTH}
                  aria-invalid={topicErrors.length ? true : undefined}
                  aria-describedby={topicErrors.length ? "rename-topic-error" : undefined}
                />
                {topicErrors.length ? (
                  <p className="field__error" id="rename-topic-error">
                    {tx(topicErrors[0] ?? "")}
                  </p>
                ) : null}
              </div>
              <div className="form-actions">
                <button type="submit" className="btn btn--secondary">
                  {t("chat.members.renameSubmit")}
                </button>
              </div>
            </Form>
          </section>
          <section className="stack" aria-labelledby="invite-title">
            <h2 id="invite-title" className="section-title">
              {t("chat.members.invite")}
            </h2>
            <PeopleSearch q={q} label={t("chat.members.invite")} />
            <Form method="post" className="form" id="invite-form">
              <input type="hidden" name="intent" value="invite" />
              <PeopleCheckboxes people={candidates} legend={t("chat.members.inviteWho")} error={errorsOf("invite", "members")[0] ?? null} />
              {candidates.length ? (
                <div className="form-actions">
                  <button type="submit" className="btn btn--primary">
                    {t("chat.members.inviteSubmit")}
                  </button>
                </div>
              ) : null}
            </Form>
          </section>
        </>
      ) : null}

      {conversation.kind !== "direct" ? (
        <section className="stack" aria-labelledby="leave-title">
          <h2 id="leave-title" className="section-title">
            {t("chat.members.leave")}
          </h2>
          <p className="field__hint">{t("chat.members.leaveHint")}</p>
          <Form method="post">
            <input type="hidden" name="intent" value="leave" />
            <button type="submit" className="btn btn--danger">
              {t("chat.members.leaveSubmit")}
            </button>
          </Form>
        </section>
      ) : null}
    </div>
  );
}
