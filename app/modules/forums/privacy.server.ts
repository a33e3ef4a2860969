// Forums' part of the privacy contract (decision 016). Posts and topics stay for the
// discussion others built on them, shown as "ancien membre / former member": the
// author link goes (foreign keys set null) and every mention, quote or moderation note
// naming the member is scrubbed. Drafts, bookmarks, reactions, reads, watches,
// settings, flags they raised and sanctions about them are deleted.
import { needlesOf, scrubColumns, type PrivacyContract } from "~/modules/privacy/contract";
import { exportRows } from "~/modules/privacy/rows.server";

export const forumsPrivacy: PrivacyContract = {
  module: "forums",
  covers: {
    forum_posts: ["author_id", "deleted_by", "body", "body_text"],
    forum_post_revisions: ["editor_id", "body", "body_text", "title"],
    forum_topics: ["author_id", "last_poster_id", "title"],
    forum_drafts: ["user_id"],
    forum_bookmarks: ["user_id"],
    forum_reactions: ["user_id"],
    forum_topic_reads: ["user_id"],
    forum_topic_watches: ["user_id"],
    forum_category_watches: ["user_id"],
    forum_email_settings: ["user_id"],
    forum_flags: ["reporter_id", "resolved_by", "note", "resolution_note"],
    forum_sanctions: ["user_id", "created_by", "lifted_by", "reason"],
    forum_categories: ["created_by"],
    // The one membership model (spaces) is managed from the forums.
    spaces: ["created_by"],
    space_members: ["user_id", "added_by"],
  },
  async exportFor(tx, memberId) {
    return {
      topics: await exportRows(tx, "forum_topics", "author_id", memberId, ["title_search", "last_poster_id"]),
      posts: await exportRows(tx, "forum_posts", "author_id", memberId, ["deleted_by"]),
      drafts: await exportRows(tx, "forum_drafts", "user_id", memberId),
      bookmarks: await exportRows(tx, "forum_bookmarks", "user_id", memberId),
      reactions: await exportRows(tx, "forum_reactions", "user_id", memberId),
      topicWatches: await exportRows(tx, "forum_topic_watches", "user_id", memberId),
      categoryWatches: await exportRows(tx, "forum_category_watches", "user_id", memberId),
      emailSettings: await exportRows(tx, "forum_email_settings", "user_id", memberId),
      flagsRaised: await exportRows(tx, "forum_flags", "reporter_id", memberId, ["resolved_by"]),
      sanctions: await exportRows(tx, "forum_sanctions", "user_id", memberId, ["created_by", "lifted_by"]),
      spaceMemberships: await exportRows(tx, "space_members", "user_id", memberId, ["added_by"]),
    };
  },
  async eraseFor(tx, subject, context) {
    const needles = needlesOf(subject);
    await tx.deleteFrom("forum_flags").where("reporter_id", "=", subject.memberId).execute();
    await scrubColumns(tx, "forum_posts", { text: ["body_text"], json: ["body"] }, needles, context.placeholder);
    await scrubColumns(tx, "forum_post_revisions", { text: ["body_text", "title"], json: ["body"] }, needles, context.placeholder);
    await scrubColumns(tx, "forum_topics", { text: ["title"] }, needles, context.placeholder);
    await scrubColumns(tx, "forum_flags", { text: ["note", "resolution_note"] }, needles, context.placeholder);
    await scrubColumns(tx, "forum_sanctions", { text: ["reason"] }, needles, context.placeholder);
  },
};
