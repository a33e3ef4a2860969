// One post of a topic: author, date, body (server-rendered HTML), reactions and the
// actions the reader may take. Every action is a plain form or link (no JavaScript
// needed); with JavaScript, small ones go through fetchers without leaving the page.
import { Form, Link, useFetcher, useNavigate } from "@remix-run/react";
import { PageRichTextView } from "~/components/rich-text/field";
import { useI18n } from "~/utils/i18n";
import { REACTIONS } from "../limits";

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
}

function ReactionButtons({ post, context }: { post: PostData; context: PostContext }) {
  const { t, tx } = useI18n();
  const fetcher = useFetcher();
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
    <fetcher.Form
      method="post"
      action={`/forums/t/${context.topicId}`}
      className="cluster"
      aria-label={t("forums.reactions.label")}
      preventScrollReset
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
    </fetcher.Form>
  );
}

export function PostArticle({ post, context }: { post: PostData; context: PostContext }) {
  const { t, date, locale } = useI18n();
  const navigate = useNavigate();
  const bookmark = useFetcher();
  const n = post.post_number;
  const name = post.author?.display_name ?? t("forums.post.formerMember");
  const discipline = post.author ? (locale === "en-CA" ? post.author.discipline_en : post.author.discipline_fr) : null;
  const stateClass = post.deleted
    ? " post--deleted"
    : post.status === "pending"
      ? " post--pending"
      : post.status === "hidden"
        ? " post--hidden"
        : "";
  const readable = !post.deleted || post.html !== "";
  const mayEdit = (post.is_author && !context.locked && post.status !== "hidden" && !post.deleted) || context.canModerate;
  const intent = (value: string, label: string, className = "btn btn--small", extra?: Record<string, string>) => (
    <Form method="post" action={`/forums/t/${context.topicId}`} preventScrollReset>
      <input type="hidden" name="intent" value={value} />
      <input type="hidden" name="postId" value={post.id} />
      {extra ? Object.entries(extra).map(([k, v]) => <input key={k} type="hidden" name={k} value={v} />) : null}
      <button type="submit" className={className}>
        {label}
      </button>
    </Form>
  );

  return (
    <article id={`p-${n}`} className={`post${post.accepted ? " post--accepted" : ""}${stateClass}`} aria-labelledby={`p-${n}-label`}>
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
            <Link className="meta" to={`/forums/p/${post.id}/history`}>
              {t("forums.post.edited")}
            </Link>
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
                  navigate(`/forums/t/${context.topicId}?quote=${post.id}&passage=${encodeURIComponent(selection.slice(0, 2000))}#reply`, {
                    preventScrollReset: true,
                  });
                }}
              >
                {t("forums.post.quote")}
              </a>
              <a className="btn btn--small" href={`/forums/t/${context.topicId}?replyTo=${post.id}#reply`}>
                {t("forums.post.reply")}
              </a>
            </>
          ) : null}
          <bookmark.Form method="post" action={`/forums/t/${context.topicId}`} preventScrollReset>
            <input type="hidden" name="intent" value="bookmark" />
            <input type="hidden" name="postId" value={post.id} />
            <button type="submit" className="btn btn--small" aria-pressed={post.bookmarked}>
              {post.bookmarked ? t("forums.post.unbookmark") : t("forums.post.bookmark")}
            </button>
          </bookmark.Form>
          {mayEdit ? (
            <Link className="btn btn--small" to={`/forums/p/${post.id}/edit`}>
              {t("forums.post.edit")}
            </Link>
          ) : null}
          {!post.is_author ? (
            <Link className="btn btn--small" to={`/forums/p/${post.id}/flag`}>
              {t("forums.post.flag")}
            </Link>
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
    </article>
  );
}
