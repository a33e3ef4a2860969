import { parseWithZod } from "@conform-to/zod";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { hasRole } from "~/modules/accounts/accounts.server";
import { requireVerified } from "~/modules/accounts/guards.server";
import { createConversation, findPeople, openDirectConversation } from "~/modules/chat/chat.server";
import { PeopleCheckboxes, PeopleSearch } from "~/modules/chat/components/people-picker";
import { refusal } from "~/modules/chat/guards.server";
import { TITLE_MAX_LENGTH, TOPIC_MAX_LENGTH } from "~/modules/chat/limits";
import { publishMembership } from "~/modules/chat/publish.server";
import { newConversationSchema } from "~/modules/chat/schemas";
import { useI18n } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => pageTitle(args, "chat.new.title");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = await requireVerified(request, context);
  const q = (new URL(request.url).searchParams.get("q") ?? "").trim().slice(0, 80);
  return json({ q, people: await findPeople(context.db, viewer.claims, q || undefined), isModerator: hasRole(viewer, "moderator") });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const viewer = await requireVerified(request, context);
  const formData = await request.formData();
  const submission = parseWithZod(formData, { schema: newConversationSchema });
  const kind = typeof formData.get("kind") === "string" ? String(formData.get("kind")) : null;
  if (submission.status !== "success") return json({ intent: kind, formError: null, fieldErrors: submission.error ?? {} }, { status: 400 });
  const input = submission.value;
  if (input.kind === "direct") {
    const opened = await openDirectConversation(context.db, viewer.claims, input.userId);
    if (!opened.ok) return refusal(opened.code, kind ?? undefined);
    if (opened.created) {
      publishMembership(context.realtime, opened.id, viewer.id, "added");
      publishMembership(context.realtime, opened.id, input.userId, "added");
    }
    return redirect(`/chat/${opened.id}`);
  }
  const created = await createConversation(context.db, viewer.claims, input);
  if (!created.ok) return refusal(created.code, kind ?? undefined);
  for (const userId of [viewer.id, ...created.added]) publishMembership(context.realtime, created.id, userId, "added");
  return redirect(`/chat/${created.id}`);
}

export default function NewConversation() {
  const { t, tx } = useI18n();
  const { q, people, isModerator } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errorsOf = (intent: string, name: string) => (result?.intent === intent ? (result.fieldErrors[name] ?? []) : []);
  const formErrorOf = (intent: string) => (result?.intent === intent ? result.formError : null);
  const field = (intent: string, name: string, label: string, max: number, hint?: string) => {
    const errors = errorsOf(intent, name);
    const idBase = `${intent}-${name}`;
    return (
      <div className={errors.length ? "field field--invalid" : "field"}>
        <label className="field__label" htmlFor={idBase}>
          {label}
        </label>
        {hint ? (
          <p className="field__hint" id={`${idBase}-hint`}>
            {hint}
          </p>
        ) : null}
        <input
          id={idBase}
          name={name}
          className="input"
          maxLength={max}
          required={name === "title"}
          aria-invalid={errors.length ? true : undefined}
          aria-describedby={[hint ? `${idBase}-hint` : "", errors.length ? `${idBase}-error` : ""].filter(Boolean).join(" ") || undefined}
        />
        {errors.length ? (
          <p className="field__error" id={`${idBase}-error`}>
            {errors.map((e) => tx(e)).join(" ")}
          </p>
        ) : null}
      </div>
    );
  };
  return (
    <div className="stack stack--l">
      <header className="page-header">
        <h1>{t("chat.new.title")}</h1>
        <p className="lead">{t("chat.new.lead")}</p>
      </header>

      <section className="stack" aria-labelledby="direct-title">
        <h2 id="direct-title" className="section-title">
          {t("chat.new.directTitle")}
        </h2>
        <p className="field__hint">{t("chat.new.directHint")}</p>
        <PeopleSearch q={q} label={t("chat.new.directTitle")} />
        {formErrorOf("direct") || errorsOf("direct", "userId").length ? (
          <p className="alert alert--error" role="alert">
            {tx(formErrorOf("direct") ?? errorsOf("direct", "userId")[0] ?? "errors.invalid")}
          </p>
        ) : null}
        {people.length === 0 ? (
          <p className="meta">{t("chat.people.none")}</p>
        ) : (
          <ul className="chat-people">
            {people.map((p) => (
              <li key={p.id} className="cluster">
                <span>{p.name}</span>
                <Form method="post">
                  <input type="hidden" name="kind" value="direct" />
                  <input type="hidden" name="userId" value={p.id} />
                  <button type="submit" className="btn btn--small btn--secondary">
                    {t("chat.new.write")}
                    <span className="visually-hidden"> {p.name}</span>
                  </button>
                </Form>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="stack" aria-labelledby="group-title">
        <h2 id="group-title" className="section-title">
          {t("chat.new.groupTitle")}
        </h2>
        <Form method="post" className="form">
          <input type="hidden" name="kind" value="group" />
          {formErrorOf("group") ? (
            <p className="alert alert--error" role="alert">
              {tx(formErrorOf("group") ?? "")}
            </p>
          ) : null}
          {field("group", "title", t("chat.fields.groupName"), TITLE_MAX_LENGTH)}
          <PeopleCheckboxes people={people} legend={t("chat.new.groupMembers")} error={errorsOf("group", "members")[0] ?? null} />
          <div className="form-actions">
            <button type="submit" className="btn btn--primary">
              {t("chat.new.groupSubmit")}
            </button>
          </div>
        </Form>
      </section>

      <section className="stack" aria-labelledby="channel-title">
        <h2 id="channel-title" className="section-title">
          {t("chat.new.channelTitle")}
        </h2>
        <Form method="post" className="form">
          <input type="hidden" name="kind" value="channel" />
          {formErrorOf("channel") ? (
            <p className="alert alert--error" role="alert">
              {tx(formErrorOf("channel") ?? "")}
            </p>
          ) : null}
          {field("channel", "title", t("chat.fields.channelName"), TITLE_MAX_LENGTH)}
          {field("channel", "topic", t("chat.fields.topic"), TOPIC_MAX_LENGTH, t("chat.fields.topicHint"))}
          <fieldset className="field radio-list">
            <legend className="field__label">{t("chat.fields.visibility")}</legend>
            <label className="radio">
              <input type="radio" name="visibility" value="members" defaultChecked /> <span>{t("chat.fields.visibilityMembers")}</span>
            </label>
            {isModerator ? (
              <label className="radio">
                <input type="radio" name="visibility" value="verified" /> <span>{t("chat.fields.visibilityVerified")}</span>
              </label>
            ) : (
              <p className="field__hint">{t("chat.fields.visibilityModeratorsOnly")}</p>
            )}
          </fieldset>
          <div className="form-actions">
            <button type="submit" className="btn btn--primary">
              {t("chat.new.channelSubmit")}
            </button>
          </div>
        </Form>
      </section>
    </div>
  );
}
