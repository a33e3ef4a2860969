// Forum limits and fixed vocabularies. The numbers match the CHECK constraints and
// triggers of supabase/migrations/20261123000200_forums.sql; a unit test reads the
// migration and fails when they drift apart.

export const FORUM_LIMITS = {
  titleMin: 5,
  titleMax: 200,
  tags: 5,
  categoryNameMin: 2,
  categoryNameMax: 120,
  descriptionMax: 500,
  slugPattern: /^[a-z0-9][a-z0-9-]{1,62}$/,
  positionMax: 10_000,
  flagNoteMax: 1_000,
  reasonMin: 3,
  reasonMax: 1_000,
  hiddenReasonMax: 500,
  silenceDaysMax: 365,
  /** The raw textarea may hold a little more than the plain text (markup). */
  bodyInputMax: 60_000,
  /** The editor's JSON as submitted. */
  bodyJsonInputMax: 200_000,
} as const;

/** Posts per 5 minutes (forum_posts_before_insert); new members: unverified or verified < 7 days. */
export const POST_RATE = { windowMinutes: 5, newMember: 3, member: 12 } as const;
/** Flags per hour (forum_flags_before_insert). */
export const FLAG_RATE = { windowMinutes: 60, newMember: 3, member: 10 } as const;

export const TOPICS_PAGE_SIZE = 30;
export const POSTS_PAGE_SIZE = 50;
export const SEARCH_PAGE_SIZE = 20;

export const REACTIONS = ["like", "thanks", "helpful", "support"] as const;
export type Reaction = (typeof REACTIONS)[number];

export const FLAG_REASONS = ["identifiable_info", "inappropriate", "stigmatizing", "spam", "off_topic", "other"] as const;
export const WATCH_LEVELS = ["watching", "tracking", "normal", "muted"] as const;
export type WatchLevelName = (typeof WATCH_LEVELS)[number];
export const EMAIL_MODES = ["each", "daily", "weekly", "off"] as const;
export const SPACE_KINDS = ["community", "region", "discipline", "group"] as const;
export const SPACE_VISIBILITIES = ["public", "verified", "members"] as const;
