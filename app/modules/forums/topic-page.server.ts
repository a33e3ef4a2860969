// The topic page's loader and action (server only): kept out of the route module so
// that nothing they import (zod schemas, conform, the rich-text validator) reaches the
// browser bundle of a page every reader loads.
import { parseWithZod } from "@conform-to/zod";
import type { SubmissionResult } from "@conform-to/react";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import type { RichDoc, RichNode } from "~/components/rich-text/limits";
import { docToText } from "~/components/rich-text/plain-text";
import type { Viewer } from "~/modules/accounts/accounts.server";
import { getOptionalViewer, invariantResponse, requireViewer } from "~/modules/accounts/guards.server";
import type { Locale } from "~/utils/i18n";
import { translate } from "~/utils/i18n.server";
import {
  createReply,
  deletePost,
  getPostSummary,
  getTopicPage,
  markRead,
  saveDraft,
  setAcceptedAnswer,
  setTopicWatch,
  tagLabels,
  toggleBookmark,
  toggleReaction,
  type Outcome,
} from "./forums.server";
import { POSTS_PAGE_SIZE } from "./limits";
import { sendHtmlOnce } from "~/utils/page-html";
import { listMoveTargets, moderatePost, moderateTopic, splitTopic } from "./moderation.server";
import { afterPublish } from "./notify.server";
import { markNotificationsReadAbout, unreadAboutCountSql, type NotificationSubject } from "~/modules/notifications/notifications.server";
import { NOTIFICATION_EVENTS } from "~/modules/notifications/schemas";
import type { GuardFinding } from "~/modules/identifier-guard/guard.server";
import { overridesFromForm } from "~/modules/identifier-guard/schemas";

/** Forum notifications carry the topic's id (notify.server.ts). */
const topicSubject = (topicId: number): NotificationSubject => ({ module: "forums", key: "topicId", value: topicId });
import {
  acceptSchema,
  draftSchema,
  moderatePostSchema,
  moderateTopicSchema,
  postIdSchema,
  reactionSchema,
  readSchema,
  replySchema,
  splitTopicSchema,
  watchSchema,
} from "./schemas";

const parseId = (raw: string | undefined) => (raw && /^[1-9][0-9]{0,15}$/.test(raw) ? Number(raw) : null);
const pageStart = (postNumber: number) => Math.floor((Math.max(1, postNumber) - 1) / POSTS_PAGE_SIZE) * POSTS_PAGE_SIZE;
const topicUrl = (id: number, postNumber: number, flag?: string) => {
  const params = new URLSearchParams();
  const after = pageStart(postNumber);
  if (after > 0) params.set("after", String(after));
  if (flag) params.set(flag, "1");
  const query = params.toString();
  return `/forums/t/${id}${query ? `?${query}` : ""}#p-${postNumber}`;
};

/** The reply box's starting content: a quoted passage (checked to come from the post), else the saved draft. */
async function replyStart(
  context: LoaderFunctionArgs["context"],
  viewer: Viewer,
  topicId: number,
  url: URL,
  draft: { text: string; json: string; updatedAt: string } | null,
) {
  const quoteId = parseId(url.searchParams.get("quote") ?? undefined);
  if (quoteId) {
    const summary = await getPostSummary(context.db, viewer.claims, quoteId);
    if (summary && summary.topicId === topicId) {
      const normalize = (s: string) => s.replace(/\s+/g, " ").trim();
      const passage = normalize(url.searchParams.get("passage") ?? "");
      const whole = summary.excerpt;
      const quoted = passage && normalize(whole).includes(passage) ? passage : whole;
      const locale: Locale = viewer.locale;
      const name = summary.author?.display_name ?? translate(locale, "forums.post.formerMember");
      const doc: RichDoc = {
        type: "doc",
        content: [
          {
            type: "blockquote",
            content: [
              {
                type: "paragraph",
                content: [{ type: "text", text: translate(locale, "forums.post.wrote", { name }), marks: [{ type: "bold" }] }],
              },
              ...quoted
                .split(/\n+/)
                .filter((line) => line.trim())
                .map((line): RichNode => ({ type: "paragraph", content: [{ type: "text", text: line.trim() }] })),
            ],
          },
        ],
      };
      return {
        text: `${docToText(doc)}\n\n`,
        json: JSON.stringify({ ...doc, content: [...doc.content, { type: "paragraph" }] }),
        replyTo: quoteId,
        draftAt: null,
      };
    }
  }
  const replyTo = parseId(url.searchParams.get("replyTo") ?? undefined);
  return { text: draft?.text ?? "", json: draft?.json, replyTo, draftAt: draft?.updatedAt ?? null };
}

export async function topicPageLoader({ request, context, params }: LoaderFunctionArgs) {
  const id = parseId(params.id);
  invariantResponse(id, "not_found");
  const url = new URL(request.url);
  const afterParam = Number.parseInt(url.searchParams.get("after") ?? "0", 10);
  const postParam = Number.parseInt(url.searchParams.get("post") ?? "0", 10);
  const after = postParam > 0 ? pageStart(postParam) : Number.isFinite(afterParam) && afterParam > 0 ? Math.min(afterParam, 1_000_000) : 0;
  const viewer = await getOptionalViewer(request, context);
  // The unread count is read in the page's transaction, marked read by the page's "read" POST
  // (docs/decisions/012-accounts-security.md: no GET changes state).
  const page = await getTopicPage(context.db, viewer?.claims ?? null, id, {
    after,
    draft: true,
    unreadAbout: viewer ? unreadAboutCountSql(viewer.id, topicSubject(id)) : undefined,
  });
  invariantResponse(page, "not_found");
  const reply = viewer && page.viewer.canReply ? await replyStart(context, viewer, id, url, page.draft) : null;
  const moveTargets = viewer && page.viewer.canModerate ? await listMoveTargets(context.db, viewer) : [];
  // A whole page carries each post's HTML in its markup only, not again in the hydration data (decision 033).
  const posts = sendHtmlOnce(context.pageHtml, "post", page.posts);
  return json({ ...page, posts, tags: tagLabels(page.topic.tags), reply, moveTargets, signedIn: Boolean(viewer) });
}

type ActionData = { intent: string; result: SubmissionResult<string[]> | null; findings?: GuardFinding[] };
const refused = (intent: string, outcome: Extract<Outcome, { ok: false }>, submission?: { reply(o: object): ActionData["result"] }) =>
  json<ActionData>(
    {
      intent,
      ...(outcome.findings ? { findings: outcome.findings } : {}),
      result: submission
        ? submission.reply({ formErrors: outcome.formError ? [outcome.formError] : undefined, fieldErrors: outcome.fieldErrors })
        : { status: "error", error: { "": [outcome.formError ?? "forums.errors.forbidden"] } },
    },
    { status: outcome.status },
  );

export async function topicPageAction({ request, context, params }: ActionFunctionArgs) {
  const id = parseId(params.id);
  invariantResponse(id, "not_found");
  const viewer = await requireViewer(request, context);
  const formData = await request.formData();
  const intent = String(formData.get("intent") ?? "reply");
  const bad = (submission: { reply(): ActionData["result"] }) => json<ActionData>({ intent, result: submission.reply() }, { status: 400 });

  switch (intent) {
    case "reply": {
      const submission = parseWithZod(formData, { schema: replySchema });
      if (submission.status !== "success") return bad(submission);
      const outcome = await createReply(context.db, viewer, id, submission.value, overridesFromForm(formData));
      if (!outcome.ok) return refused(intent, outcome, submission);
      await afterPublish(context, outcome, viewer.displayName);
      return redirect(topicUrl(id, outcome.postNumber, outcome.postStatus === "published" ? "posted" : "held"));
    }
    case "draft": {
      const parsed = draftSchema.safeParse({
        key: `reply:${id}`,
        body: formData.get("body") ?? undefined,
        bodyJson: formData.get("bodyJson") ?? undefined,
      });
      if (!parsed.success) return json<ActionData>({ intent, result: null }, { status: 400 });
      const outcome = await saveDraft(context.db, viewer, parsed.data);
      if (!outcome.ok) return refused(intent, outcome);
      return redirect(`/forums/t/${id}?draft=saved#reply`);
    }
    case "react": {
      const submission = parseWithZod(formData, { schema: reactionSchema });
      if (submission.status !== "success") return bad(submission);
      const outcome = await toggleReaction(context.db, viewer, submission.value.postId, submission.value.kind);
      if (!outcome.ok) return refused(intent, outcome);
      return redirect(topicUrl(id, outcome.postNumber));
    }
    case "bookmark": {
      const submission = parseWithZod(formData, { schema: postIdSchema });
      if (submission.status !== "success") return bad(submission);
      const outcome = await toggleBookmark(context.db, viewer, submission.value.postId);
      if (!outcome.ok) return refused(intent, outcome);
      return redirect(topicUrl(id, outcome.postNumber));
    }
    case "accept": {
      const submission = parseWithZod(formData, { schema: acceptSchema });
      if (submission.status !== "success") return bad(submission);
      const outcome = await setAcceptedAnswer(context.db, viewer, id, formData.get("clear") ? null : (submission.value.postId ?? null));
      if (!outcome.ok) return refused(intent, outcome);
      return redirect(`/forums/t/${id}`);
    }
    case "delete": {
      const submission = parseWithZod(formData, { schema: postIdSchema });
      if (submission.status !== "success") return bad(submission);
      const outcome = await deletePost(context.db, viewer, submission.value.postId);
      if (!outcome.ok) return refused(intent, outcome);
      return redirect(outcome.postNumber === 1 ? `/forums/t/${id}?deleted=1` : topicUrl(id, outcome.postNumber, "deleted"));
    }
    case "watch": {
      const submission = parseWithZod(formData, { schema: watchSchema });
      if (submission.status !== "success") return bad(submission);
      const outcome = await setTopicWatch(context.db, viewer, id, submission.value.level);
      if (!outcome.ok) return refused(intent, outcome);
      return redirect(`/forums/t/${id}?watch=saved`);
    }
    case "read": {
      const submission = parseWithZod(formData, { schema: readSchema });
      if (submission.status !== "success") return bad(submission);
      const outcome = await markRead(context.db, viewer, id, submission.value.upTo);
      if (!outcome.ok) return refused(intent, outcome);
      // Reading the topic reads its notifications too (mentions, replies, new posts in it).
      const unread = await markNotificationsReadAbout(context.db, viewer.claims, topicSubject(id));
      // The bell of every tab follows (this one also reloads the root's badges).
      if (unread !== null) context.realtime.emitToUsers([viewer.id], NOTIFICATION_EVENTS.count, { unread });
      return json<ActionData>({ intent, result: null });
    }
    case "moderate-post": {
      const submission = parseWithZod(formData, { schema: moderatePostSchema });
      if (submission.status !== "success") return bad(submission);
      const outcome = await moderatePost(context, viewer, submission.value);
      if (!outcome.ok) return refused(intent, outcome);
      return redirect(topicUrl(id, outcome.postNumber));
    }
    case "moderate-topic": {
      const submission = parseWithZod(formData, { schema: moderateTopicSchema });
      if (submission.status !== "success") return bad(submission);
      const outcome = await moderateTopic(context.db, viewer, { ...submission.value, topicId: id });
      if (!outcome.ok) return refused(intent, outcome, submission);
      return redirect(`/forums/t/${id}?done=moderation`);
    }
    case "split": {
      const submission = parseWithZod(formData, { schema: splitTopicSchema });
      if (submission.status !== "success") return bad(submission);
      const outcome = await splitTopic(context.db, viewer, { ...submission.value, topicId: id });
      if (!outcome.ok) return refused(intent, outcome, submission);
      return redirect(`/forums/t/${outcome.newTopicId}?done=moderation`);
    }
    default:
      return json<ActionData>({ intent, result: { status: "error", error: { "": ["forums.errors.invalid"] } } }, { status: 400 });
  }
}
