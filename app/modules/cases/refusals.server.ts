// How the cases capability refuses: the shared outcome contract with this module's
// message keys, and the database refusals it recognises.
import {
  attempt as attemptWrite,
  refused as refuse,
  SQLSTATE,
  type DbRefusalMap,
  type FieldErrors,
  type Outcome,
  type Refused,
  type RefusalFinding,
  type RefusalStatus,
} from "~/utils/outcome";

export const refused = (
  status: RefusalStatus,
  formError: string,
  extra: { fieldErrors?: FieldErrors; findings?: RefusalFinding[] } = {},
): Refused => refuse(status, formError, extra);

/**
 * The cases triggers refuse with SQLSTATE 42501 (a status change not allowed, a case
 * not open, not the presenter…), like RLS itself; a check constraint is bad input.
 */
export const CASE_DB_REFUSALS: DbRefusalMap = {
  codes: {
    [SQLSTATE.insufficientPrivilege]: [403, "cases.errors.forbidden"],
    [SQLSTATE.checkViolation]: [400, "cases.errors.invalid"],
  },
};
export const attempt = <T extends object>(fn: () => Promise<Outcome<T>>) => attemptWrite(fn, CASE_DB_REFUSALS);

/** A case id that is not a UUID: the case nobody can see. */
export const notFound = () => refused(404, "cases.errors.not_found");
