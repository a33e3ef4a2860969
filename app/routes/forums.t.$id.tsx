import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import {
  Form,
  Link,
  useActionData,
  useFetcher,
  useLoaderData,
  useNavigation,
  useSearchParams,
  type ShouldRevalidateFunction,
} from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { RichTextField } from "~/components/rich-text/field";
import { useSucceededCount } from "~/components/use-succeeded-count";
import { Breadcrumbs, forumTrail } from "~/modules/forums/components/breadcrumbs";
import { PostArticle, usePostActions, type PostContext } from "~/modules/forums/components/post-article";
import { isDraftAutosave, useDraftAutosave } from "~/modules/forums/components/use-draft-autosave";
import { useTopicLive } from "~/modules/forums/components/use-topic-live";
import { WatchForm } from "~/modules/forums/components/watch-form";
import { FindingsPreview, GuardFindings, loadIdentifierHighlighter } from "~/modules/identifier-guard/components";
import { POSTS_PAGE_SIZE } from "~/modules/forums/limits";
import { topicPageAction, topicPageLoader } from "~/modules/forums/topic-page.server";
import { useI18n } from "~/utils/i18n";
import { siteTitle } from "~/utils/meta";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: siteTitle(data?.topic.title) }];

export const loader = (args: LoaderFunctionArgs) => topicPageLoader(args);
export const action = (args: ActionFunctionArgs) => topicPageAction(args);

/** Marking a topic read or autosaving the reply's draft changes nothing on the page: no need to reload its data. */
export const shouldRevalidate: ShouldRevalidateFunction = ({ formData, formAction, defaultShouldRevalidate }) =>
  formData?.get("intent") === "read" || isDraftAutosave(formAction) ? false : defaultShouldRevalidate;

function formLevelErrors(
  data: { intent: string; result: { error?: Record<string, string[] | null> | null } | null } | undefined,
  intent: string,
): string[] {
  if (!data || data.intent !== intent || !data.result) return [];
  return data.result.error?.[""] ?? [];
}

export default function TopicPage() {
  const { t, tx, label, date, locale } = useI18n();
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  const navigation = useNavigation();
  const { topic, viewer, posts } = data;
  const last = posts[posts.length - 1];
  const atEnd = data.nextAfter === null;
  const live = useTopicLive({ topicId: topic.id, enabled: atEnd, knownNumbers: posts.map((p) => p.post_number) });
  const [announcement, setAnnouncement] = useState("");
  useEffect(() => {
    const newest = live[live.length - 1];
    if (newest) setAnnouncement(t("forums.topic.liveRegion", { name: newest.authorName }));
  }, [live, t]);

  // Mark what was shown as read, and the viewer's notifications about this topic with it
  // (a POST: reading never changes state through a GET; docs/decisions/012-accounts-security.md).
  const reader = useFetcher();
  const submitRead = useRef(reader.submit);
  submitRead.current = reader.submit;
  const shownUpTo = Math.max(last?.post_number ?? 0, ...live.map((l) => l.post.post_number));
  const unreadHere = shownUpTo > viewer.lastRead || data.unreadNotifications > 0;
  useEffect(() => {
    if (!data.signedIn || !unreadHere) return;
    submitRead.current({ intent: "read", upTo: String(shownUpTo) }, { method: "post", action: `/forums/t/${topic.id}` });
  }, [data.signedIn, unreadHere, shownUpTo, topic.id]);

  const actions = usePostActions();
  const context: PostContext = {
    actions,
    topicId: topic.id,
    signedIn: data.signedIn,
    canReply: viewer.canReply,
    canModerate: viewer.canModerate,
    topicAuthor: topic.is_author,
    locked: topic.locked,
  };
  const replyResult = actionData?.intent === "reply" ? actionData.result : undefined;
  const formRef = useRef<HTMLFormElement>(null);
  const { schedule, cancel: cancelDraft } = useDraftAutosave(formRef, `reply:${topic.id}`);
  // The server validates (no client-side form library on this read page: its weight counts for every reader).
  const replyErrors = replyResult?.error ?? {};
  const bodyErrors = [...(replyErrors.body ?? []), ...(replyErrors.bodyJson ?? []), ...(replyErrors.replyTo ?? [])];
  const replyFormErrors = replyErrors[""] ?? [];
  // A refusal of the identifier guard: its findings, listed with an override box each.
  const replyFindings = actionData?.intent === "reply" ? (actionData.findings ?? []) : [];
  const overrideErrors = replyErrors.overrides ?? [];
  // Without JavaScript the page comes back from the server: the refused text comes back with it.
  const refusedText = typeof replyResult?.initialValue?.body === "string" ? replyResult.initialValue.body : undefined;
  const otherErrors = ["react", "bookmark", "accept", "delete", "watch", "moderate-post", "moderate-topic", "split", "draft"].flatMap((i) =>
    formLevelErrors(actionData, i),
  );
  const status = params.get("posted")
    ? t("forums.topic.posted")
    : params.get("held")
      ? t("forums.topic.held")
      : params.get("draft")
        ? t("forums.topic.draftSaved")
        : params.get("watch")
          ? t("forums.watch.saved")
          : params.get("deleted")
            ? t("forums.topic.deletedDone")
            : params.get("flagged")
              ? t("forums.topic.flagged")
              : params.get("saved")
                ? t("forums.topic.saved")
                : params.get("done")
                  ? t("forums.moderation.done")
                  : null;
  // The reply form starts afresh when the person asks to quote or answer a post, and
  // after each successful reply; never because the page's data was reloaded or its
  // address changed otherwise (a bookmark or a reaction redirects to the same topic).
  const repliesSent = useSucceededCount("reply");
  const replyKey = [params.get("quote"), params.get("passage"), params.get("replyTo"), repliesSent].join(":");

  return (
    <div className="container stack stack--l">
      <Breadcrumbs
        items={[...forumTrail(locale, t("forums.title"), topic.space, topic.category, { linkCategory: true }), { label: topic.title }]}
      />
      <header className="page-header stack stack--s">
        <h1>{topic.title}</h1>
        <p className="meta cluster">
          <span>{t("forums.topic.postedBy", { name: topic.author?.display_name ?? t("forums.post.formerMember") })}</span>
          <span>{date(topic.created_at, "datetime")}</span>
          <span>{tx("forums.topic.repliesCount", { count: topic.reply_count })}</span>
          {topic.pinned ? <span className="badge badge--state">{t("forums.topicList.pinned")}</span> : null}
          {topic.locked ? <span className="badge badge--state">{t("forums.topicList.locked")}</span> : null}
          {topic.accepted_post_id ? <span className="badge badge--verified">{t("forums.topicList.solved")}</span> : null}
        </p>
        {data.tags.length > 0 ? (
          <ul className="tag-list">
            {data.tags.map((tag) => (
              <li key={tag.code}>
                <Link className="tag" to={`/search?tag=${tag.code}`}>
                  {label(tag)}
                </Link>
              </li>
            ))}
          </ul>
        ) : null}
        {topic.accepted_post_id ? (
          <p>
            <a href={`/forums/p/${topic.accepted_post_id}`}>{t("forums.topic.acceptedLink")}</a>
          </p>
        ) : null}
        {data.signedIn ? <WatchForm id="topic-watch" level={viewer.watchLevel} /> : null}
      </header>
      {status ? (
        <p className="alert alert--success" role="status">
          {status}
        </p>
      ) : null}
      {otherErrors.length > 0 ? (
        <div className="alert alert--error" role="alert">
          {otherErrors.map((e) => (
            <p key={e}>{tx(e)}</p>
          ))}
        </div>
      ) : null}
      {topic.status === "pending" ? (
        <p className="alert alert--warning" role="note">
          {t("forums.topic.pendingNotice")}
        </p>
      ) : null}
      {topic.status === "hidden" ? (
        <p className="alert alert--warning" role="note">
          {t("forums.topic.hiddenNotice")}
        </p>
      ) : null}
      {topic.deleted ? (
        <p className="alert alert--warning" role="note">
          {t("forums.topic.deletedNotice")}
        </p>
      ) : null}
      {topic.locked ? (
        <p className="alert alert--info" role="note">
          {t("forums.topic.lockedNotice")}
        </p>
      ) : null}

      {viewer.canModerate ? <TopicTools data={data} /> : null}

      {data.after > 0 ? (
        <p>
          <Link to={`/forums/t/${topic.id}?after=${Math.max(0, data.after - POSTS_PAGE_SIZE)}`}>{t("forums.topic.earlier")}</Link>
        </p>
      ) : null}
      <ol className="post-list">
        {posts.map((post) => (
          <li key={post.id}>
            <PostArticle post={post} context={context} />
          </li>
        ))}
        {live
          .filter((l) => !posts.some((p) => p.id === l.post.id))
          .map((l) => (
            <li key={l.post.id}>
              <PostArticle post={l.post} context={context} />
            </li>
          ))}
      </ol>
      <p className="visually-hidden" role="status" aria-live="polite">
        {announcement}
      </p>
      {data.nextAfter !== null ? (
        <p>
          <Link to={`/forums/t/${topic.id}?after=${data.nextAfter}`}>{t("forums.topic.loadMore")}</Link>
        </p>
      ) : null}
      {data.signedIn && unreadHere ? (
        // Without JavaScript, reading is marked with a button (a GET never changes state).
        <noscript>
          <form method="post" action={`/forums/t/${topic.id}`}>
            <input type="hidden" name="intent" value="read" />
            <input type="hidden" name="upTo" value={shownUpTo} />
            <button type="submit" className="btn btn--small">
              {t("forums.topic.markRead")}
            </button>
          </form>
        </noscript>
      ) : null}

      <section id="reply" className="stack" aria-labelledby="reply-title">
        <h2 id="reply-title" className="section-title">
          {t("forums.topic.replyTitle")}
        </h2>
        {!data.signedIn ? (
          <p>
            <Link to={`/login?redirectTo=${encodeURIComponent(`/forums/t/${topic.id}`)}`}>{t("forums.topic.signInToReply")}</Link>
          </p>
        ) : viewer.silenced ? (
          <p className="alert alert--warning" role="note">
            {t("forums.topic.silencedNotice")}
          </p>
        ) : !viewer.canReply || !data.reply ? (
          <p className="meta">{topic.locked ? t("forums.topic.lockedNotice") : t("forums.topic.cannotReply")}</p>
        ) : (
          <Form
            method="post"
            className="form"
            ref={formRef}
            noValidate
            onInput={schedule}
            onSubmit={cancelDraft}
            preventScrollReset
            key={replyKey}
          >
            {replyFormErrors.length || bodyErrors.length || replyFindings.length || overrideErrors.length ? (
              <div className="form-errors stack stack--s" role="alert" tabIndex={-1}>
                <h3>{t("form.errorSummary")}</h3>
                {replyFormErrors.map((e) => (
                  <p key={e}>{tx(e)}</p>
                ))}
                {bodyErrors.length ? (
                  <ul>
                    <li>
                      <a href="#reply-body">
                        {t("forums.topic.replyTitle")} : {tx(bodyErrors[0] ?? "errors.invalid")}
                      </a>
                    </li>
                  </ul>
                ) : null}
                {replyFindings.length ? <GuardFindings findings={replyFindings} fieldLabel={(f) => tx(`forums.guardFields.${f}`)} /> : null}
                {overrideErrors.map((e) => (
                  <p key={e}>{tx(e)}</p>
                ))}
              </div>
            ) : null}
            {data.reply.draftAt ? (
              <p className="meta">{t("forums.topic.draftRestored", { date: date(data.reply.draftAt, "datetime") })}</p>
            ) : null}
            {data.reply.replyTo ? <input type="hidden" name="replyTo" value={data.reply.replyTo} /> : null}
            <RichTextField
              id="reply-body"
              label={t("forums.topic.replyTitle")}
              hint={t("forums.topic.replyHint")}
              errors={bodyErrors}
              defaultText={refusedText ?? data.reply.text}
              defaultJson={data.reply.json}
              mentionsUrl={`/forums/api/mentions?space=${topic.space_id}`}
              referencesUrl="/forums/api/references"
              onEditorChange={schedule}
              loadHighlighter={loadIdentifierHighlighter}
            />
            <FindingsPreview fieldId="reply-body" label={t("forums.topic.replyTitle")} active={replyFindings.length > 0} />
            <div className="form-actions">
              <button type="submit" name="intent" value="reply" className="btn btn--primary" disabled={navigation.state === "submitting"}>
                {t("forums.topic.replySubmit")}
              </button>
              <button type="submit" name="intent" value="draft" className="btn btn--secondary" formNoValidate>
                {t("forums.newTopic.saveDraft")}
              </button>
            </div>
          </Form>
        )}
      </section>
    </div>
  );
}

function TopicTools({ data }: { data: ReturnType<typeof useLoaderData<typeof loader>> }) {
  const { t, label } = useI18n();
  const { topic } = data;
  const act = (value: string, text: string) => (
    <Form method="post">
      <input type="hidden" name="intent" value="moderate-topic" />
      <input type="hidden" name="act" value={value} />
      <button type="submit" className="btn btn--small btn--secondary">
        {text}
      </button>
    </Form>
  );
  const replies = data.posts.filter((p) => p.post_number > 1);
  return (
    <details className="card">
      <summary>{t("forums.topicTools.title")}</summary>
      <div className="stack">
        <div className="cluster">
          {topic.locked ? act("unlock", t("forums.topicTools.unlock")) : act("lock", t("forums.topicTools.lock"))}
          {topic.pinned ? act("unpin", t("forums.topicTools.unpin")) : act("pin", t("forums.topicTools.pin"))}
        </div>
        <Form method="post" className="form">
          <input type="hidden" name="intent" value="moderate-topic" />
          <input type="hidden" name="act" value="move" />
          <div className="field">
            <label className="field__label" htmlFor="move-category">
              {t("forums.topicTools.moveTo")}
            </label>
            <select className="select" id="move-category" name="categoryId" defaultValue={topic.category_id}>
              {data.moveTargets.map((c) => (
                <option key={c.id} value={c.id}>
                  {label(c)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label className="field__label" htmlFor="move-note">
              {t("forums.topicTools.note")}
            </label>
            <input className="input" id="move-note" name="note" maxLength={500} />
          </div>
          <div className="form-actions">
            <button type="submit" className="btn btn--small btn--secondary">
              {t("forums.topicTools.move")}
            </button>
          </div>
        </Form>
        {replies.length > 0 ? (
          <Form method="post" className="form">
            <input type="hidden" name="intent" value="split" />
            <fieldset className="field checkbox-list">
              <legend className="field__label">{t("forums.topicTools.splitPosts")}</legend>
              <p className="field__hint">{t("forums.topicTools.splitHint")}</p>
              {replies.map((p) => (
                <label key={p.id} className="checkbox">
                  <input type="checkbox" name="postIds" value={p.id} />
                  <span>
                    {t("forums.post.label", { number: p.post_number, name: p.author?.display_name ?? t("forums.post.formerMember") })}
                  </span>
                </label>
              ))}
            </fieldset>
            <div className="field">
              <label className="field__label" htmlFor="split-title">
                {t("forums.topicTools.splitTitle")}
              </label>
              <input className="input" id="split-title" name="title" required minLength={5} maxLength={200} />
            </div>
            <div className="field">
              <label className="field__label" htmlFor="split-category">
                {t("forums.topicTools.splitCategory")}
              </label>
              <select className="select" id="split-category" name="categoryId" defaultValue={topic.category_id}>
                {data.moveTargets.map((c) => (
                  <option key={c.id} value={c.id}>
                    {label(c)}
                  </option>
                ))}
              </select>
            </div>
            <div className="form-actions">
              <button type="submit" className="btn btn--small btn--secondary">
                {t("forums.topicTools.splitSubmit")}
              </button>
            </div>
          </Form>
        ) : null}
      </div>
    </details>
  );
}
