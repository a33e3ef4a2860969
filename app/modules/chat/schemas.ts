// Chat contracts shared by the browser and the server: one zod schema per socket
// event (client → server), the shapes the server sends back, and the HTTP forms
// (posting, editing, reporting and managing conversations work without JavaScript).
// Error messages are i18n keys (chat.errors.*), translated where they are shown.
import { z } from "zod";
import { formIdNumber, idNumber, isoDateTime } from "~/utils/input-schemas";
import { overridesSchema } from "~/modules/identifier-guard/schemas";
import {
  GROUP_MAX_MEMBERS,
  MESSAGE_MAX_LENGTH,
  REACTIONS,
  REPORT_REASON_MAX_LENGTH,
  REPORT_REASON_MIN_LENGTH,
  TITLE_MAX_LENGTH,
  TITLE_MIN_LENGTH,
  TOPIC_MAX_LENGTH,
} from "./limits";

/** Client → server events. Every one is acknowledged `{ ok: true, … } | { ok: false, error }`. */
export const CHAT_EVENTS = {
  /** Joins the conversation's room, then returns what came after `afterId` (the backfill). */
  join: "chat:join",
  /** Unread counts of every conversation, and of notifications (after the socket joined its rooms). */
  summary: "chat:summary",
  send: "chat:send",
  edit: "chat:edit",
  delete: "chat:delete",
  react: "chat:react",
  typing: "chat:typing",
  read: "chat:read",
  /** Earlier messages ("load earlier"), or a thread's replies. */
  history: "chat:history",
  /** Who of the conversation's members is online (among those who show their presence). */
  presence: "chat:presence",
} as const;

/** Server → client events. */
export const CHAT_BROADCASTS = {
  message: "chat:message",
  updated: "chat:message_updated",
  typing: "chat:typing",
  read: "chat:read",
  presence: "chat:presence",
  /** To a person's own room: they joined, left or were removed; or a conversation was renamed. */
  membership: "chat:membership",
  /** To a person's own room: the unread count of one conversation changed elsewhere (another tab). */
  unread: "chat:unread",
} as const;

/** Codes of a refused chat event (beyond the transport's invalid_payload, rate_limited…). */
export const CHAT_ERRORS = {
  notFound: "not_found",
  forbidden: "forbidden",
  clientIdConflict: "client_id_conflict",
  gone: "message_deleted",
  invalidParent: "invalid_parent",
  /** The identifier guard found a possible patient identifier: nothing was stored. */
  identifiers: "identifiers",
  /** An override of the guard is malformed (a reason too short, or one that identifies). */
  invalidOverride: "invalid_override",
} as const;
export type ChatError = (typeof CHAT_ERRORS)[keyof typeof CHAT_ERRORS];

// ── Building blocks ─────────────────────────────────────────────────────────────

const uuid = z.string().uuid();
const messageId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
/** Control characters (but tab and newline) and bidi overrides, which can disguise a link. */
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u202A-\u202E\u2066-\u2069]/g;

/** Plain text as stored: line breaks normalised, invisible characters dropped, trimmed. */
export function normaliseBody(text: string): string {
  return text.replace(/\r\n?/g, "\n").replace(INVISIBLE, "").trim();
}

export const messageBodySchema = z
  .string({ required_error: "chat.errors.body_required" })
  .max(MESSAGE_MAX_LENGTH * 2, "chat.errors.body_too_long")
  .transform(normaliseBody)
  .pipe(z.string().min(1, "chat.errors.body_required").max(MESSAGE_MAX_LENGTH, "chat.errors.body_too_long"));

const titleSchema = z
  .string({ required_error: "chat.errors.title_required" })
  .trim()
  .min(TITLE_MIN_LENGTH, "chat.errors.title_length")
  .max(TITLE_MAX_LENGTH, "chat.errors.title_length");
const topicSchema = z.string().trim().max(TOPIC_MAX_LENGTH, "chat.errors.topic_too_long").optional();
export const reactionSchema = z.enum(REACTIONS);

// ── Socket payloads ─────────────────────────────────────────────────────────────

export const joinPayloadSchema = z
  .object({
    conversationId: uuid,
    /** The last message id this client saw; omitted on a first visit (no backfill). */
    afterId: idNumber(0).optional(),
    /** `syncedAt` of the previous join: edits, deletions and reactions since then come back too. */
    since: isoDateTime().optional(),
  })
  .strict();

export const summaryPayloadSchema = z.object({}).strict();

export const sendPayloadSchema = z
  .object({
    conversationId: uuid,
    clientId: uuid,
    body: messageBodySchema,
    parentId: messageId.optional(),
    /** Findings of the identifier guard the author marked as identifying no one (the guard's one contract). */
    overrides: overridesSchema.optional(),
  })
  .strict();
export type SendInput = z.infer<typeof sendPayloadSchema>;

export const editPayloadSchema = z.object({ messageId, body: messageBodySchema, overrides: overridesSchema.optional() }).strict();
export const deletePayloadSchema = z.object({ messageId }).strict();
export const reactPayloadSchema = z.object({ messageId, emoji: reactionSchema, on: z.boolean() }).strict();
export const typingPayloadSchema = z.object({ conversationId: uuid, typing: z.boolean() }).strict();
export const readPayloadSchema = z.object({ conversationId: uuid, messageId: idNumber(0) }).strict();
export const historyPayloadSchema = z
  .object({
    conversationId: uuid,
    before: messageId.optional(),
    parentId: messageId.optional(),
  })
  .strict();
export const presencePayloadSchema = z.object({ conversationId: uuid }).strict();

// ── What the server sends ───────────────────────────────────────────────────────

export const messageSchema = z.object({
  id: z.number(),
  conversationId: z.string(),
  authorId: z.string().nullable(),
  authorName: z.string().nullable(),
  clientId: z.string(),
  parentId: z.number().nullable(),
  body: z.string(),
  mentions: z.array(z.object({ id: z.string(), name: z.string() })),
  createdAt: z.string(),
  editedAt: z.string().nullable(),
  state: z.enum(["active", "deleted", "removed"]),
  replyCount: z.number(),
  lastReplyAt: z.string().nullable(),
  reactions: z.array(z.object({ emoji: z.string(), userIds: z.array(z.string()) })),
});
export type ChatMessage = z.infer<typeof messageSchema>;

export const messageResultSchema = z.object({ message: messageSchema });
export const joinResultSchema = z.object({
  messages: z.array(messageSchema),
  updated: z.array(messageSchema),
  hasMore: z.boolean(),
  syncedAt: z.string(),
});
export const historyResultSchema = z.object({ messages: z.array(messageSchema), hasMore: z.boolean() });
export const summaryResultSchema = z.object({
  conversations: z.array(z.object({ id: z.string(), unread: z.number() })),
  notifications: z.number(),
});
export const readResultSchema = z.object({ lastReadMessageId: z.number(), unread: z.number() });
export const presenceResultSchema = z.object({ online: z.array(z.string()) });
export const emptyResultSchema = z.object({});

export const typingBroadcastSchema = z.object({ conversationId: z.string(), userId: z.string(), typing: z.boolean() });
export const readBroadcastSchema = z.object({ conversationId: z.string(), userId: z.string(), messageId: z.number() });
export const presenceBroadcastSchema = z.object({ userId: z.string(), online: z.boolean() });
export const membershipBroadcastSchema = z.object({
  conversationId: z.string(),
  userId: z.string(),
  change: z.enum(["added", "removed", "left", "renamed"]),
});
export const unreadBroadcastSchema = z.object({ conversationId: z.string(), unread: z.number() });

// ── HTTP forms ──────────────────────────────────────────────────────────────────

const formMessageId = z.coerce.number({ invalid_type_error: "errors.invalid" }).int().positive().max(Number.MAX_SAFE_INTEGER);

/** The conversation page's forms, told apart by their submit button's `intent`. */
export const conversationActionSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("send"),
    clientId: uuid,
    body: messageBodySchema,
    parentId: formMessageId.optional(),
  }),
  z.object({ intent: z.literal("edit"), messageId: formMessageId, body: messageBodySchema }),
  z.object({ intent: z.literal("delete"), messageId: formMessageId }),
  z.object({ intent: z.literal("react"), messageId: formMessageId, emoji: reactionSchema, on: z.enum(["1", "0"]) }),
  z.object({
    intent: z.literal("report"),
    messageId: formMessageId,
    reason: z
      .string({ required_error: "chat.errors.reason_length" })
      .trim()
      .min(REPORT_REASON_MIN_LENGTH, "chat.errors.reason_length")
      .max(REPORT_REASON_MAX_LENGTH, "chat.errors.reason_length"),
  }),
  z.object({ intent: z.literal("read"), messageId: formIdNumber(0) }),
  z.object({ intent: z.literal("join") }),
]);
export type ConversationAction = z.infer<typeof conversationActionSchema>;

const memberIds = z
  .array(uuid, { invalid_type_error: "chat.errors.members_required" })
  .max(GROUP_MAX_MEMBERS - 1, "chat.errors.too_many_members");

export const newConversationSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("direct"),
    userId: z.string({ required_error: "chat.errors.person_required" }).uuid("chat.errors.person_required"),
  }),
  z.object({
    kind: z.literal("group"),
    title: titleSchema,
    members: memberIds.min(1, "chat.errors.members_required"),
  }),
  z.object({
    kind: z.literal("channel"),
    title: titleSchema,
    topic: topicSchema,
    visibility: z.enum(["members", "verified"], { errorMap: () => ({ message: "errors.choice" }) }),
  }),
]);
export type NewConversationInput = z.infer<typeof newConversationSchema>;

export const membersActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("invite"), members: memberIds.min(1, "chat.errors.members_required") }),
  z.object({ intent: z.literal("remove"), userId: uuid }),
  z.object({ intent: z.literal("leave") }),
  z.object({ intent: z.literal("rename"), title: titleSchema, topic: topicSchema }),
]);
export type MembersAction = z.infer<typeof membersActionSchema>;

export const moderationSchema = z.object({
  reportId: formIdNumber(),
  decision: z.enum(["removed", "dismissed"], { errorMap: () => ({ message: "errors.choice" }) }),
  note: z
    .string({ required_error: "chat.errors.note_length" })
    .trim()
    .min(REPORT_REASON_MIN_LENGTH, "chat.errors.note_length")
    .max(REPORT_REASON_MAX_LENGTH, "chat.errors.note_length"),
});

export const chatSettingsSchema = z.object({ showPresence: z.enum(["on"]).optional() });
