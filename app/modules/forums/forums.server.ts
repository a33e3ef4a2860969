// Forums: spaces' categories, topics and replies (rich text), reactions, bookmarks,
// drafts, read markers, watch levels and flags. Every function acts with the claims of
// the person asking (db.withUser): RLS is the wall; the checks here turn refusals into
// clear answers (404 for what you cannot see, 403 for what you may not do, 400 with
// field errors for bad input, 429 for rate limits). Nothing is saved when refused.
//
// The public surface of the forums capability: routes, jobs and tests import from this
// file only. The code lives beside it, along its headers: reads, writes, drafts,
// settings; the post body's form parsing and guard in post-body.server.ts.
import { bodyFromForm, resolveLinks } from "~/components/rich-text/links.server";
import type { FieldErrors, Outcome, Refused } from "~/utils/outcome";

export type { FieldErrors, Outcome, Refused };
export { FORUM_DB_REFUSALS } from "./refusals.server";

// Parsing and link resolution are shared with cases: app/components/rich-text/links.server.ts.
export { bodyFromForm, resolveLinks };

export {
  getCategory,
  getPostView,
  getTopicPage,
  listCategoryTopics,
  listForumIndex,
  listLatestTopics,
  locatePost,
  mentionCandidates,
  referenceCandidates,
  tagLabels,
  cursorSchema,
  type AuthorCard,
  type CategorySummary,
  type Cursor,
  type PostView,
  type SpaceSummary,
  type TopicListItem,
} from "./reads.server";
export {
  createReply,
  createTopic,
  deletePost,
  editPost,
  flagPost,
  getPostForEdit,
  getPostHistory,
  getPostSummary,
  listBookmarks,
  markRead,
  setAcceptedAnswer,
  setCategoryWatch,
  setTopicWatch,
  toggleBookmark,
  toggleReaction,
  type Published,
} from "./writes.server";
export { getDraft, saveDraft } from "./drafts.server";
export { getForumSettings, setEmailMode } from "./settings.server";
