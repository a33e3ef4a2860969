// Row types of the public schema as Kysely sees them. Kept by hand next to the
// migrations: a column added in SQL is added here in the same commit.
import type { ColumnType, Generated } from "kysely";

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** A timestamp with a database default (DefaultTimestamp would nest ColumnTypes). */
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface RegionsTable { code: string; name_fr: string; name_en: string }
export interface DisciplinesTable {
  code: string; name_fr: string; name_en: string; has_order: boolean;
  verified_by_sponsor: boolean; sort_order: number;
}
export interface ProfessionalOrdersTable { code: string; name_fr: string; disciplines: string[] }
export interface EstablishmentKindsTable { code: string; name_fr: string; name_en: string; sort_order: number }
export interface TopicsTable { code: string; name_fr: string; name_en: string; sort_order: number }
export interface OrganisationsTable { code: string; name_fr: string }

export type VerificationStatus = "unverified" | "verified";
export type Locale = "fr-CA" | "en-CA";
export type Role = "mentor" | "moderator" | "curator" | "admin";

export interface ProfilesTable {
  id: string;
  display_name: string;
  discipline: string;
  region_code: string;
  establishment: string | null;
  establishment_kind: string | null;
  languages: string[];
  topics: string[];
  bio: string | null;
  directory_opt_in: Generated<boolean>;
  locale: Generated<Locale>;
  verification_status: Generated<VerificationStatus>;
  verified_at: Timestamp | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}
export interface ProfilePrivateTable {
  user_id: string;
  contact_email: string;
  order_code: string | null;
  permit_number: string | null;
  updated_at: DefaultTimestamp;
}
export interface UserRolesTable {
  user_id: string; role: Role; granted_by: string | null; granted_at: DefaultTimestamp;
}
export interface VerificationsTable {
  id: Generated<number>;
  user_id: string;
  decision: "verified" | "revoked";
  method: "order_register" | "admin_review" | "sponsor";
  verified_by: string;
  note: string;
  created_at: DefaultTimestamp;
}
export interface ConsentsTable {
  id: Generated<number>; user_id: string; kind: "terms" | "privacy"; version: string;
  granted: boolean; created_at: DefaultTimestamp;
}
export interface AuditLogTable {
  id: Generated<number>; actor_id: string | null; action: string; target_type: string;
  target_id: string | null; details: ColumnType<Record<string, unknown>, string | undefined, string>;
  created_at: DefaultTimestamp;
}
export interface AuthSessionsTable {
  id: string; user_id: string; created_at: DefaultTimestamp; expires_at: Timestamp; user_agent: string | null;
}
export interface PasswordResetTokensTable {
  id: string; user_id: string; created_at: DefaultTimestamp; expires_at: Timestamp; used_at: Timestamp | null;
}
export interface LoginFailuresTable {
  email: string; failures: number; locked_until: Timestamp | null; updated_at: DefaultTimestamp;
}
export interface OutboxTable {
  id: Generated<number>; to_email: string; subject: string; body_text: string; kind: string;
  created_at: DefaultTimestamp; sent_at: Timestamp | null; attempts: Generated<number>; last_error: string | null;
  // Added by supabase/migrations/20261123000500_forums_followup.sql.
  headers: ColumnType<Record<string, unknown>, string | undefined, string>;
}
export interface ToolsTable {
  id: Generated<string>; title: string; publisher: string | null; published_on: string | null; kind: string;
  topics: string[]; url: string | null; status: Generated<"draft" | "in_review" | "published" | "archived">;
  created_at: DefaultTimestamp;
  // Extended by supabase/migrations/20261123000300_tools.sql:
  summary_fr: Generated<string>; summary_en: Generated<string>; language: Generated<"fr" | "en" | "bilingual">;
  disciplines: Generated<string[]>; version_label: string | null; supersedes_id: string | null;
  superseded_by: string | null; superseded_at: Timestamp | null;
  last_reviewed_on: string | null; review_due_on: string | null; file_id: string | null; file_text: Generated<string>;
  created_by: string | null; updated_at: DefaultTimestamp; published_at: Timestamp | null;
  archived_at: Timestamp | null; title_search: Generated<string>; search_vector: Generated<string>;
}
export interface EventsTable {
  id: Generated<string>; title: string; kind: "webinar" | "managers_meeting" | "virtual_event" | "training" | "conference";
  series: string | null; starts_on: ColumnType<string, string, string>; start_time: string | null;
  end_time: string | null; topics: string[]; created_at: DefaultTimestamp;
}
export interface AuthUsersTable {
  id: Generated<string>; email: string | null; encrypted_password: string | null;
  email_confirmed_at: Timestamp | null; raw_user_meta_data: ColumnType<unknown, string | undefined, string>;
  banned_until: Timestamp | null; last_sign_in_at: Timestamp | null;
  created_at: DefaultTimestamp; updated_at: DefaultTimestamp;
}

// ── Chat (supabase/migrations/20261123000100_chat.sql) ─────────────────────────
export type ConversationKind = "direct" | "group" | "channel";
export type ConversationVisibility = "members" | "verified";
export interface ConversationsTable {
  id: Generated<string>; kind: ConversationKind; visibility: Generated<ConversationVisibility>;
  title: string | null; topic: string | null; region_code: string | null; direct_key: string | null;
  created_by: string | null; created_at: DefaultTimestamp; updated_at: DefaultTimestamp;
}
export interface ConversationMembersTable {
  conversation_id: string; user_id: string; role: Generated<"owner" | "member">; added_by: string | null;
  joined_at: DefaultTimestamp; last_read_message_id: Generated<number>; last_read_at: Timestamp | null;
}
export interface MessagesTable {
  id: Generated<number>; conversation_id: string; author_id: string | null; client_id: string;
  parent_id: number | null; body: string; mentions: Generated<string[]>; created_at: DefaultTimestamp;
  edited_at: Timestamp | null; deleted_at: Timestamp | null; removed_at: Timestamp | null; removed_by: string | null;
  reply_count: Generated<number>; last_reply_at: Timestamp | null; updated_at: DefaultTimestamp;
}
export interface MessageReactionsTable {
  conversation_id: string; message_id: number; user_id: string; emoji: string; created_at: DefaultTimestamp;
}
export interface MessageReportsTable {
  id: Generated<number>; conversation_id: string; message_id: number; reporter_id: string; reason: string;
  author_id: Generated<string | null>; body_snapshot: Generated<string>;
  status: Generated<"open" | "dismissed" | "removed">; resolved_by: string | null; resolved_at: Timestamp | null;
  created_at: DefaultTimestamp;
}
export interface PresenceTable { user_id: string; visible: Generated<boolean>; last_seen_at: Timestamp | null }
export interface NotificationsTable {
  id: Generated<number>; user_id: string; kind: string;
  payload: ColumnType<Record<string, unknown>, string | undefined, string>;
  dedupe_key: string | null; count: Generated<number>; created_at: DefaultTimestamp;
  read_at: Timestamp | null; emailed_at: Timestamp | null;
}
export interface NotificationSettingsTable {
  user_id: string; email_delay_minutes: Generated<number | null>; updated_at: DefaultTimestamp;
}

// ── Spaces and forums (supabase/migrations/20261123000200_forums.sql) ────────────
export type SpaceVisibility = "public" | "verified" | "members";
export type ForumStatus = "pending" | "published" | "hidden";
export type WatchLevel = "watching" | "tracking" | "normal" | "muted";
type Json<T> = ColumnType<T, string, string>;
export interface SpacesTable {
  id: Generated<string>; slug: string; kind: string; visibility: SpaceVisibility; name_fr: string; name_en: string;
  description_fr: Generated<string>; description_en: Generated<string>; region_code: string | null;
  discipline_code: string | null; position: Generated<number>; created_by: string | null; created_at: DefaultTimestamp;
  archived_at: Timestamp | null;
}
export interface SpaceMembersTable {
  space_id: string; user_id: string; role: Generated<"member" | "moderator">; added_by: string | null; created_at: DefaultTimestamp;
}
export interface ForumCategoriesTable {
  id: Generated<string>; space_id: string; slug: string; name_fr: string; name_en: string;
  description_fr: Generated<string>; description_en: Generated<string>; position: Generated<number>;
  topic_code: string | null; created_by: string | null; created_at: DefaultTimestamp; archived_at: Timestamp | null;
  topic_count: Generated<number>; post_count: Generated<number>; last_posted_at: Timestamp | null;
}
export interface ForumTopicsTable {
  id: Generated<number>; category_id: string; space_id: Generated<string>; author_id: string | null; title: string;
  title_search: Generated<string>; tags: Generated<string[]>; region_code: string | null; status: Generated<ForumStatus>;
  pinned_at: Timestamp | null; locked_at: Timestamp | null; deleted_at: Timestamp | null; accepted_post_id: number | null;
  reply_count: Generated<number>; highest_post_number: Generated<number>; last_posted_at: DefaultTimestamp;
  last_post_id: number | null; last_poster_id: string | null; created_at: DefaultTimestamp; updated_at: DefaultTimestamp;
}
export interface ForumPostsTable {
  id: Generated<number>; topic_id: number; space_id: Generated<string>; post_number: Generated<number>;
  author_id: string | null; reply_to_post_id: number | null; body: Json<unknown>; body_text: string;
  search_title: string | null; search_vector: Generated<string>; status: Generated<ForumStatus>;
  hidden_reason: string | null; deleted_at: Timestamp | null; deleted_by: string | null; edited_at: Timestamp | null;
  edit_count: Generated<number>; created_at: DefaultTimestamp;
}
export interface ForumPostRevisionsTable {
  id: Generated<number>; post_id: number; editor_id: string | null; title: string | null; body: Json<unknown>;
  body_text: string; created_at: DefaultTimestamp;
}
export type ReactionKind = "like" | "thanks" | "helpful" | "support";
export interface ForumReactionsTable { post_id: number; user_id: string; kind: ReactionKind; created_at: DefaultTimestamp }
export interface ForumBookmarksTable { user_id: string; post_id: number; created_at: DefaultTimestamp }
export interface ForumDraftsTable {
  user_id: string; draft_key: string; title: string | null; body: Json<unknown>; updated_at: DefaultTimestamp;
}
export interface ForumTopicReadsTable {
  user_id: string; topic_id: number; last_read_post_number: Generated<number>; updated_at: DefaultTimestamp;
}
export interface ForumTopicWatchesTable {
  user_id: string; topic_id: number; level: WatchLevel; reason: Generated<"manual" | "auto">; updated_at: DefaultTimestamp;
}
export interface ForumCategoryWatchesTable { user_id: string; category_id: string; level: WatchLevel; updated_at: DefaultTimestamp }
export type ForumEmailMode = "each" | "daily" | "weekly" | "off";
export interface ForumEmailSettingsTable {
  user_id: string; mode: Generated<ForumEmailMode>; digest_sent_at: Timestamp | null; updated_at: DefaultTimestamp;
}
export type FlagReason = "identifiable_info" | "inappropriate" | "stigmatizing" | "spam" | "off_topic" | "other";
export interface ForumFlagsTable {
  id: Generated<number>; post_id: number; reporter_id: string | null; reason: FlagReason; note: string | null;
  status: Generated<"open" | "actioned" | "dismissed">; created_at: DefaultTimestamp; resolved_by: string | null;
  resolved_at: Timestamp | null; resolution_note: string | null;
}
export interface ForumSanctionsTable {
  id: Generated<number>; user_id: string; kind: "warning" | "silence"; reason: string; ends_at: Timestamp | null;
  created_by: string | null; created_at: DefaultTimestamp; lifted_at: Timestamp | null; lifted_by: string | null;
}

// ── Tools library and files (supabase/migrations/20261123000300_tools.sql) ─────
export interface FilesTable {
  id: Generated<string>; purpose: "tool"; storage_key: string; original_name: string; content_type: string;
  byte_size: number; sha256: string; uploaded_by: string | null; created_at: DefaultTimestamp;
}
export interface FilePurgesTable { storage_key: string; queued_at: DefaultTimestamp }
export interface ToolBookmarksTable { user_id: string; tool_id: string; created_at: DefaultTimestamp }
export interface ToolSuggestionsTable {
  id: Generated<string>; suggested_by: string | null; title: string; url: string | null; publisher: string | null;
  note: Generated<string>; status: Generated<"open" | "accepted" | "declined">; tool_id: string | null;
  resolved_by: string | null; resolved_at: Timestamp | null; created_at: DefaultTimestamp;
}
export interface ToolCitationsTable {
  tool_id: string; source_kind: "forum_post" | "case"; source_id: string; created_at: DefaultTimestamp;
}

export interface DB {
  regions: RegionsTable;
  disciplines: DisciplinesTable;
  professional_orders: ProfessionalOrdersTable;
  establishment_kinds: EstablishmentKindsTable;
  topics: TopicsTable;
  organisations: OrganisationsTable;
  profiles: ProfilesTable;
  profile_private: ProfilePrivateTable;
  user_roles: UserRolesTable;
  verifications: VerificationsTable;
  consents: ConsentsTable;
  audit_log: AuditLogTable;
  auth_sessions: AuthSessionsTable;
  password_reset_tokens: PasswordResetTokensTable;
  login_failures: LoginFailuresTable;
  outbox: OutboxTable;
  tools: ToolsTable;
  files: FilesTable;
  file_purges: FilePurgesTable;
  tool_bookmarks: ToolBookmarksTable;
  tool_suggestions: ToolSuggestionsTable;
  tool_citations: ToolCitationsTable;
  events: EventsTable;
  "auth.users": AuthUsersTable;
  conversations: ConversationsTable;
  conversation_members: ConversationMembersTable;
  messages: MessagesTable;
  message_reactions: MessageReactionsTable;
  message_reports: MessageReportsTable;
  presence: PresenceTable;
  notifications: NotificationsTable;
  notification_settings: NotificationSettingsTable;
  spaces: SpacesTable;
  space_members: SpaceMembersTable;
  forum_categories: ForumCategoriesTable;
  forum_topics: ForumTopicsTable;
  forum_posts: ForumPostsTable;
  forum_post_revisions: ForumPostRevisionsTable;
  forum_reactions: ForumReactionsTable;
  forum_bookmarks: ForumBookmarksTable;
  forum_drafts: ForumDraftsTable;
  forum_topic_reads: ForumTopicReadsTable;
  forum_topic_watches: ForumTopicWatchesTable;
  forum_category_watches: ForumCategoryWatchesTable;
  forum_email_settings: ForumEmailSettingsTable;
  forum_flags: ForumFlagsTable;
  forum_sanctions: ForumSanctionsTable;
}

// ── Clinical cases (supabase/migrations/20261123000400_cases.sql) ─────────────
export type CaseStatus = "draft" | "submitted" | "in_review" | "open" | "recommended" | "follow_up" | "closed";
export type CasePostKind = "reply" | "recommendation" | "follow_up";
export interface CasesTable {
  id: Generated<string>; author_id: Generated<string>; space_id: string | null; status: Generated<CaseStatus>;
  requires_review: Generated<boolean>; title: string; question: string; care_setting: string;
  age_decade: number | null; gender: string | null; substances: Generated<string[]>; treatment: string | null;
  dose_range: string | null; conditions: Generated<string[]>; housing: string | null;
  social_situation: Generated<string>; what_tried: Generated<string>;
  details: ColumnType<unknown, string | null | undefined, string | null> | null; details_text: Generated<string>;
  topics: Generated<string[]>; pseudonym: string | null; attested_at: Timestamp | null;
  consent_obtained: Generated<boolean>; created_at: DefaultTimestamp; updated_at: DefaultTimestamp;
  submitted_at: Timestamp | null; opened_at: Timestamp | null; closed_at: Timestamp | null;
  // 20261123000600_cases_followup.sql
  review_note: ColumnType<string | null, never, never>; reviewed_at: ColumnType<Date | null, never, never>;
  search_vector: ColumnType<string, never, never>;
}
export interface CasePostsTable {
  id: Generated<number>; case_id: string; author_id: Generated<string>; kind: CasePostKind;
  body: ColumnType<unknown, string, string>; body_text: string; created_at: DefaultTimestamp;
}
// 20261123000600_cases_followup.sql
export interface CaseIdentifierOverridesTable {
  id: Generated<number>; case_id: string; post_id: number | null; field: string; kind: string; match: string; reason: string;
  author_id: Generated<string>; created_at: DefaultTimestamp;
}
export interface CaseExpertsTable {
  id: Generated<number>; user_id: string; space_id: string | null; designated_by: Generated<string>; created_at: DefaultTimestamp;
}
export interface DB {
  cases: CasesTable;
  case_posts: CasePostsTable;
  case_identifier_overrides: CaseIdentifierOverridesTable;
  case_experts: CaseExpertsTable;
}
