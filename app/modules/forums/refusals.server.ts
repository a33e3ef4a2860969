// The forums' refusals: database refusals (tokens raised by the forum triggers, RLS,
// constraints) as i18n keys with an HTTP status, and the write wrapper that turns them
// into an Outcome. Internal to the module: forums.server.ts re-exports the map.
import {
  attempt as attemptWrite,
  refused as refuse,
  SQLSTATE,
  type DbRefusalMap,
  type FieldErrors,
  type Outcome,
  type Refused,
  type RefusalStatus,
} from "~/utils/outcome";

export const refused = (status: RefusalStatus, formError: string, fieldErrors?: FieldErrors): Refused =>
  refuse(status, formError, { fieldErrors });

/** Database refusals (tokens raised by the forum triggers, RLS, constraints) as i18n keys with an HTTP status. */
export const FORUM_DB_REFUSALS: DbRefusalMap = {
  tokens: {
    forum_flag_rate_limited: [429, "forums.errors.flag_rate_limited"],
    forum_rate_limited: [429, "forums.errors.rate_limited"],
    forum_silenced: [403, "forums.errors.silenced"],
    forum_topic_locked: [403, "forums.errors.locked"],
    forum_post_unavailable: [403, "forums.errors.unavailable"],
    forum_unknown_tag: [400, "forums.errors.unknown_tag"],
    forum_accept_invalid: [400, "forums.errors.accept_invalid"],
    forum_split_invalid: [400, "forums.errors.split_invalid"],
    forum_not_found: [404, "forums.errors.not_found"],
    forum_forbidden: [403, "forums.errors.forbidden"],
    forum_invalid_action: [403, "forums.errors.forbidden"],
  },
  codes: {
    [SQLSTATE.insufficientPrivilege]: [403, "forums.errors.forbidden"],
    [SQLSTATE.uniqueViolation]: [409, "forums.errors.duplicate"],
    [SQLSTATE.checkViolation]: [400, "forums.errors.invalid"],
  },
};

/** Runs a write; a database refusal becomes an Outcome instead of a 500. */
export const attempt = <T extends object>(fn: () => Promise<Outcome<T>>) => attemptWrite(fn, FORUM_DB_REFUSALS);
