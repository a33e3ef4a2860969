// Chat's refusals: each carries its machine code (socket acks answer with it) and its
// HTTP status (pages answer with it); database refusals are read by SQLSTATE (decision 006).
import { CHAT_ERRORS, type ChatError } from "./schemas";
import {
  refused,
  RefusalError,
  settle,
  SQLSTATE,
  type DbRefusalMap,
  type FieldErrors,
  type Refused,
  type RefusalStatus,
} from "~/utils/outcome";
import { type GuardFinding } from "~/modules/identifier-guard/guard.server";

/** A chat refusal always carries its machine code: socket acks answer with it. */
export type ChatRefused = Refused<ChatError> & { code: ChatError };
export type ChatResult<T extends object = object> = ({ ok: true } & T) | ChatRefused;

/** The HTTP status of each chat refusal (pages answer with it; acks with the code). */
export const CHAT_ERROR_STATUS: Record<ChatError, RefusalStatus> = {
  [CHAT_ERRORS.notFound]: 404,
  [CHAT_ERRORS.forbidden]: 403,
  [CHAT_ERRORS.clientIdConflict]: 409,
  [CHAT_ERRORS.gone]: 409,
  [CHAT_ERRORS.invalidParent]: 400,
  [CHAT_ERRORS.identifiers]: 400,
  [CHAT_ERRORS.invalidOverride]: 400,
};

export function chatRefused(code: ChatError, extra: { findings?: GuardFinding[]; fieldErrors?: FieldErrors } = {}): ChatRefused {
  return { ...refused(CHAT_ERROR_STATUS[code], `chat.errors.${code}`, extra), code };
}

/** Thrown inside a transaction to roll it back and answer the refusal. */
export const refusal = (code: ChatError, extra?: { findings?: GuardFinding[]; fieldErrors?: FieldErrors }) =>
  new RefusalError(chatRefused(code, extra));

/** RLS (or a function raising 42501) refusing a write is "forbidden". */
export const POLICY_REFUSALS: DbRefusalMap = { codes: { [SQLSTATE.insufficientPrivilege]: [403, "chat.errors.forbidden"] } };
export const asChatRefusal = (r: Refused): ChatRefused => chatRefused(r.status === 404 ? CHAT_ERRORS.notFound : CHAT_ERRORS.forbidden);

export const attempt = <T extends object>(fn: () => Promise<T>, map: DbRefusalMap = {}) =>
  settle(fn, map, asChatRefusal) as Promise<ChatResult<T>>;

/**
 * moderate_message_report refuses with SQLSTATEs: 42501 for a non-moderator, P0002 for
 * an unknown report, 23514 for one already resolved (the input itself was checked by zod).
 */
export const REPORT_REFUSALS: DbRefusalMap = {
  codes: {
    [SQLSTATE.insufficientPrivilege]: [403, "chat.errors.forbidden"],
    [SQLSTATE.noDataFound]: [404, "chat.errors.not_found"],
    [SQLSTATE.checkViolation]: [404, "chat.errors.not_found"],
  },
};
