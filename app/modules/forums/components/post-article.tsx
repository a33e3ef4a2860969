// One post of a topic: author, date, body (server-rendered HTML), reactions and the
// actions the reader may take. Every action is a plain form or link (no JavaScript
// needed). With JavaScript, the page's one set of handlers (usePostActions) takes over:
// reactions and bookmarks are sent without leaving the page, other forms and links
// navigate inside the app. A topic page shows 50 posts; one useFetcher, <Form> and
// <Link> per action cost a measurable share of the page's server rendering (decision 034),
// where plain elements with shared handlers cost almost nothing.
import { useNavigate, useSubmit } from "@remix-run/react";
import { useMemo, type FormEvent, type MouseEvent } from "react";
import { PageRichTextView } from "~/components/rich-text/field";
import { useI18n } from "~/utils/i18n";
import { CachedMarkup } from "~/utils/markup-cache";
import { usePageHtml } from "~/utils/page-html";
import { REACTIONS } from "../limits";

/** What the posts' forms and links do with JavaScript; made once per page by usePostActions. */
export interface PostActions {
  /** A small change (reaction, bookmark): sent without leaving the page, which then revalidates. */
  submitInPlace(event: FormEvent<HTMLFormElement>): void;
  /** Any other form: a navigation inside the app (the server redirects back to the topic). */
  submitAndNavigate(event: FormEvent<HTMLFormElement>): void;
  /** A link to another page of the app, followed without reloading the document. */
  followLink(event: MouseEvent<HTMLAnchorElement>): void;
  navigate: ReturnType<typeof useNavigate>;
}

/** A plain left click, which the app may handle; anything else (new tab, download…) is the browser's. */
function isPlainClick(event: MouseEvent<HTMLAnchorElement>) {
  return event.button === 0 && !event.defaultPrevented && !event.metaKey && !event.ctrlKey && !event.shiftKey && !event.altKey;
}

export function usePostActions(): PostActions {
  const submit = useSubmit();
  const navigate = useNavigate();
  return useMemo(() => {
    // The clicked button carries the action's name and value (a reaction's kind); the
    // form alone would lose them.
    const send = (event: FormEvent<HTMLFormElement>, inPlace: boolean) => {
      event.preventDefault();
      const form = event.currentTarget;
      const submitter = (event.nativeEvent as SubmitEvent).submitter;
      submit(submitter instanceof HTMLButtonElement ? submitter : form, {
        method: "post",
        action: form.getAttribute("action") ?? undefined,
        preventScrollReset: true,
        ...(inPlace ? { navigate: false } : {}),
      });
    };
    return {
      submitInPlace: (event) => send(event, true),
      submitAndNavigate: (event) => send(event, false),
      followLink(event) {
        if (!isPlainClick(event)) return;
        event.preventDefault();
        navigate(event.currentTarget.getAttribute("href") ?? "");
      },
      navigate,
    };
  }, [submit, navigate]);
}

export interface PostAuthor {
  id: string;
  display_name: string;
  discipline: string;
  verified: boolean;
  discipline_fr?: string;
  discipline_en?: string;
}
export interface PostData {
  id: number;
  post_number: number;
  /** null: the page carries it in its markup only (app/utils/page-html.tsx). */
  html: string | null;
  status: string;
  hidden_reason: string | null;
  deleted: boolean;
  edited: boolean;
  edit_count: number;
  created_at: string;
  author: PostAuthor | null;
  is_author: boolean;
  reply_to: { id: number; post_number: number; author: PostAuthor | null } | null;
  reactions: Array<{ kind: string; count: number; mine: boolean }>;
  bookmarked: boolean;
  accepted: boolean;
}
export interface PostContext {
  topicId: number;
  signedIn: boolean;
  canReply: boolean;
  canModerate: boolean;
  /** The reader started this topic (may accept an answer). */
  topicAuthor: boolean;
  locked: boolean;
  actions: PostActions;
}

function ReactionButtons({ post, context }: { post: PostData; context: PostContext }) {
  const { t, tx } = useI18n();
  const interactive = context.signedIn && !post.is_author && post.status === "published" && !post.deleted;
  const shown = post.reactions.filter((r) => r.count > 0);
  if (!interactive) {
    if (shown.length === 0) return null;
    return (
      <p className="meta" aria-label={t("forums.reactions.label")}>
        {shown.map((r) => t("forums.reactions.count", { label: tx(`forums.reactions.${r.kind}`), count: r.count })).join(" · ")}
      </p>
    );
  }
  return (
    <form
      method="post"
      action={`/forums/t/${context.topicId}`}
      className="cluster"
      aria-label={t("forums.reactions.label")}
      onSubmit={context.actions.submitInPlace}
    >
      <input type="hidden" name="intent" value="react" />
      <input type="hidden" name="postId" value={post.id} />
      {REACTIONS.map((kind) => {
        const r = post.reactions.find((x) => x.kind === kind) ?? { count: 0, mine: false };
        const text = tx(`forums.reactions.${kind}`);
        return (
          <button key={kind} type="submit" name="kind" value={kind} className="btn btn--small reaction" aria-pressed={r.mine}>
            {r.count > 0 ? t("forums.reactions.count", { label: text, count: r.count }) : text}
          </button>
        );
      })}
    </form>
  );
}

/**
 * A post. Its markup is kept by the server once rendered (utils/markup-cache.tsx): what is
 * inside the <article> depends only on the post (with its HTML), the reader's flags below and
 * the language, which are the cache's inputs.
 */
export function PostArticle({ post, context }: { post: PostData; context: PostContext }) {
  const n = post.post_number;
  const stateClass = post.deleted
    ? " post--deleted"
    : post.status === "pending"
      ? " post--pending"
      : post.status === "hidden"
        ? " post--hidden"
        : "";
  // The body's HTML itself, wherever the page carries it: it is part of the inputs.
  const html = usePageHtml(`post:${post.id}`, post.html);
  const withHtml = html === post.html ? post : { ...post, html };
  const { topicId, signedIn, canReply, canModerate, topicAuthor, locked } = context;
  return (
    <CachedMarkup
      tag="article"
      attributes={{
        id: `p-${n}`,
        className: `post${post.accepted ? " post--accepted" : ""}${stateClass}`,
        "aria-labelledby": `p-${n}-label`,
      }}
      name="forums.post"
      inputs={{ post: withHtml, topicId, signedIn, canReply, canModerate, topicAuthor, locked }}
    >
      <PostArticleContent post={withHtml} context={context} />
    </CachedMarkup>
  );
}

/** What is inside a post's <article>: reads no context but the language (a cached part's rule). */
function PostArticleContent({ post, context }: { post: PostData; context: PostContext }) {
  const { t, date, locale } = useI18n();
  const { actions } = context;
  const n = post.post_number;
  const name = post.author?.display_name ?? t("forums.post.formerMember");
  const discipline = post.author ? (locale === "en-CA" ? post.author.discipline_en : post.author.discipline_fr) : null;
  const readable = !post.deleted || post.html !== "";
  const mayEdit = (post.is_author && !context.locked && post.status !== "hidden" && !post.deleted) || context.canModerate;
  const intent = (value: string, label: string, className = "btn btn--small", extra?: Record<string, string>) => (
    <form method="post" action={`/forums/t/${context.topicId}`} onSubmit={actions.submitAndNavigate}>
      <input type="hidden" name="intent" value={value} />
      <input type="hidden" name="postId" value={post.id} />
      {extra ? Object.entries(extra).map(([k, v]) => <input key={k} type="hidden" name={k} value={v} />) : null}
      <button type="submit" className={className}>
        {label}
      </button>
    </form>
  );

  return (
    <>
      <header className="post__header">
        <h2 id={`p-${n}-label`} className="visually-hidden">
          {t("forums.post.label", { number: n, name })}
        </h2>
        <span className="post__author">{name}</span>
        {discipline ? <span className="badge badge--role">{discipline}</span> : null}
        <time className="meta" dateTime={post.created_at}>
          {date(post.created_at, "datetime")}
        </time>
        {post.edited ? (
          post.is_author || context.canModerate ? (
            <a className="meta" href={`/forums/p/${post.id}/history`} onClick={actions.followLink}>
              {t("forums.post.edited")}
            </a>
          ) : (
            <span className="meta">{t("forums.post.edited")}</span>
          )
        ) : null}
        <a className="post__number meta" href={`#p-${n}`}>
          {t("forums.post.number", { number: n })}
          <span className="visually-hidden"> — {t("forums.post.permalink")}</span>
        </a>
      </header>
      {post.reply_to ? (
        <p className="meta">
          <a href={`#p-${post.reply_to.post_number}`}>
            {t("forums.post.replyTo", {
              name: post.reply_to.author?.display_name ?? t("forums.post.formerMember"),
              number: post.reply_to.post_number,
            })}
          </a>
        </p>
      ) : null}
      {post.accepted ? (
        <p>
          <span className="badge badge--verified">{t("forums.post.accepted")}</span>
        </p>
      ) : null}
      {post.status === "pending" ? (
        <p className="alert alert--warning" role="note">
          {t("forums.post.pending")}
        </p>
      ) : null}
      {post.status === "hidden" ? (
        <p className="alert alert--warning" role="note">
          {t("forums.post.hidden")} {post.hidden_reason ? t("forums.post.hiddenReason", { reason: post.hidden_reason }) : null}
        </p>
      ) : null}
      {post.deleted ? <p className="meta">{t("forums.post.deleted")}</p> : null}
      {readable ? <PageRichTextView html={post.html} pageKey={`post:${post.id}`} className="post__body" /> : null}
      <ReactionButtons post={post} context={context} />
      {context.signedIn && !post.deleted ? (
        <div className="post__actions" role="group" aria-label={t("forums.post.actions", { number: n })}>
          {context.canReply && post.status === "published" ? (
            <>
              <a
                className="btn btn--small"
                href={`/forums/t/${context.topicId}?quote=${post.id}#reply`}
                onClick={(event) => {
                  // With JavaScript, the selected passage of this post is quoted (the server checks it is from the post).
                  const selection = window.getSelection()?.toString().trim() ?? "";
                  const body = document.getElementById(`p-${n}`);
                  const anchor = window.getSelection()?.anchorNode ?? null;
                  if (!selection || !body || !anchor || !body.contains(anchor)) return;
                  event.preventDefault();
                  actions.navigate(
                    `/forums/t/${context.topicId}?quote=${post.id}&passage=${encodeURIComponent(selection.slice(0, 2000))}#reply`,
                    {
                      preventScrollReset: true,
                    },
                  );
                }}
              >
                {t("forums.post.quote")}
              </a>
              <a className="btn btn--small" href={`/forums/t/${context.topicId}?replyTo=${post.id}#reply`}>
                {t("forums.post.reply")}
              </a>
            </>
          ) : null}
          <form method="post" action={`/forums/t/${context.topicId}`} onSubmit={actions.submitInPlace}>
            <input type="hidden" name="intent" value="bookmark" />
            <input type="hidden" name="postId" value={post.id} />
            <button type="submit" className="btn btn--small" aria-pressed={post.bookmarked}>
              {post.bookmarked ? t("forums.post.unbookmark") : t("forums.post.bookmark")}
            </button>
          </form>
          {mayEdit ? (
            <a className="btn btn--small" href={`/forums/p/${post.id}/edit`} onClick={actions.followLink}>
              {t("forums.post.edit")}
            </a>
          ) : null}
          {!post.is_author ? (
            <a className="btn btn--small" href={`/forums/p/${post.id}/flag`} onClick={actions.followLink}>
              {t("forums.post.flag")}
            </a>
          ) : null}
          {(context.topicAuthor || context.canModerate) && n > 1 && post.status === "published"
            ? intent(
                "accept",
                post.accepted ? t("forums.post.unaccept") : t("forums.post.accept"),
                "btn btn--small btn--secondary",
                post.accepted ? { clear: "1" } : undefined,
              )
            : null}
          {context.canModerate ? (
            <>
              {post.status === "pending"
                ? intent("moderate-post", t("forums.post.approve"), "btn btn--small btn--secondary", { act: "approve" })
                : null}
              {post.status === "hidden"
                ? intent("moderate-post", t("forums.post.restore"), "btn btn--small btn--secondary", { act: "restore" })
                : null}
              {post.status !== "hidden" ? intent("moderate-post", t("forums.post.hide"), "btn btn--small", { act: "hide" }) : null}
            </>
          ) : null}
          {(post.is_author && !context.locked) || context.canModerate ? (
            <details>
              <summary className="btn btn--small btn--danger">{t("forums.post.delete")}</summary>
              <p>{t("forums.post.deleteConfirmHelp")}</p>
              {intent("delete", t("forums.post.deleteConfirm"), "btn btn--small btn--danger")}
            </details>
          ) : null}
        </div>
      ) : null}
      {context.canModerate && post.deleted ? (
        <div className="post__actions">
          {intent("moderate-post", t("forums.post.restore"), "btn btn--small btn--secondary", { act: "restore" })}
        </div>
      ) : null}
    </>
  );
}
