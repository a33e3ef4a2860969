// Chat limits: each one matches a CHECK constraint (or a rule of a policy helper)
// in supabase/migrations/20261123000100_chat.sql; tests/integration/chat-rls.test.ts
// checks that the database refuses one past each.

/** Characters in one message (messages.body). */
export const MESSAGE_MAX_LENGTH = 4000;
/** Conversation and channel names (conversations.title). */
export const TITLE_MIN_LENGTH = 2;
export const TITLE_MAX_LENGTH = 80;
/** A channel's description (conversations.topic). */
export const TOPIC_MAX_LENGTH = 280;
/** People in a group conversation, creator included (may_add_conversation_member). */
export const GROUP_MAX_MEMBERS = 50;
/** People mentioned in one message (messages.mentions). */
export const MAX_MENTIONS = 20;
/** A report's reason and a moderator's note. */
export const REPORT_REASON_MIN_LENGTH = 3;
export const REPORT_REASON_MAX_LENGTH = 1000;
/** The reactions on offer (message_reactions.emoji). */
export const REACTIONS = ["👍", "❤️", "🙏", "👏", "😊", "✅", "👀"] as const;
export type Reaction = (typeof REACTIONS)[number];

/** Messages per page of history ("load earlier"). */
export const HISTORY_PAGE_SIZE = 50;
/** Messages one backfill returns at most; the client asks again while `hasMore`. */
export const SYNC_MAX_MESSAGES = 200;
/** Read receipts are shown in direct conversations and groups up to this size. */
export const READ_RECEIPTS_MAX_MEMBERS = 10;
/** Unread counts stop counting here ("99+"). */
export const UNREAD_COUNT_CAP = 99;
/** A client stops announcing typing after this long without a keystroke. */
export const TYPING_TIMEOUT_MS = 5000;
