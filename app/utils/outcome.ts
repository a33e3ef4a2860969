// The one answer shape of every write a person asks for, in every module:
//   { ok: true, ...result }  or  { ok: false, status, formError?, fieldErrors?, findings?, code? }
// A route renders a refusal with its status (400 bad input, 403 not allowed, 404 not
// visible, 409 conflict, 429 too often, 503 a dependency down) and its i18n keys; a
// socket handler acks it with its `code`. Nothing is written when a write is refused.
//
// Database refusals are recognised by what Postgres guarantees to keep stable: the
// SQLSTATE (`42501` for RLS and `raise … using errcode = '42501'`, `23505` for a
// unique key…), the name of the violated constraint, or a token raised as the whole
// message of a trigger exception (`raise exception 'forum_silenced' using errcode =
// 'P0001'`). Free message text is never matched: rewording a message in a migration
// must not turn a clear refusal into a 500.
import type { ZodError } from "zod";

export type FieldErrors = Record<string, string[]>;
export type RefusalStatus = 400 | 403 | 404 | 409 | 429 | 503;

/**
 * A possible patient identifier the identifier guard found (where, what kind, and the
 * text around it). Declared here so the contract depends on no module; the guard
 * exports it under its own name.
 */
/** `certain`: an identifier by its form alone (valid NAM or SIN, email, full date of birth): no override lets it through. */
export interface RefusalFinding {
  field: string;
  kind: string;
  start: number;
  end: number;
  before: string;
  match: string;
  after: string;
  certain: boolean;
}

export interface Refused<Code extends string = string> {
  ok: false;
  status: RefusalStatus;
  /** i18n key of the message about the whole form. */
  formError?: string;
  /** i18n keys per field (from zod issues or the module's checks). */
  fieldErrors?: FieldErrors;
  /** The identifier guard's findings, when it refused the text. */
  findings?: RefusalFinding[];
  /** A stable machine code (socket acks answer with it). */
  code?: Code;
}

export type Outcome<T extends object = object, Code extends string = string> = ({ ok: true } & T) | Refused<Code>;

/** A refusal; empty extras are left out so answers compare and serialise cleanly. */
export function refused<Code extends string = string>(
  status: RefusalStatus,
  formError?: string,
  extra: { fieldErrors?: FieldErrors; findings?: RefusalFinding[]; code?: Code } = {},
): Refused<Code> {
  return {
    ok: false,
    status,
    ...(formError ? { formError } : {}),
    ...(extra.fieldErrors ? { fieldErrors: extra.fieldErrors } : {}),
    ...(extra.findings ? { findings: extra.findings } : {}),
    ...(extra.code ? { code: extra.code } : {}),
  };
}

/** The i18n keys zod's issues carry (our schemas use keys as messages), per field path. */
export function fieldErrorsFromZod(error: ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.length > 0 ? issue.path.join(".") : "";
    (out[key] ??= []).push(issue.message);
  }
  return out;
}

/** A 400 refusal built from a failed zod parse. */
export function invalid<Code extends string = string>(error: ZodError, formError?: string, code?: Code): Refused<Code> {
  return refused(400, formError, { fieldErrors: fieldErrorsFromZod(error), code });
}

// ── Database refusals ────────────────────────────────────────────────────────

/** What a Postgres error says that does not change with its wording. */
export interface DbErrorFacts {
  /** SQLSTATE, e.g. "42501". */
  code: string | null;
  /** A token raised as the whole message (`forum_silenced`), else null. */
  token: string | null;
  /** The violated constraint or index, when Postgres names it. */
  constraint: string | null;
}

/** Tokens are snake_case words with at least one underscore: never a sentence. */
const TOKEN = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$/;

/** The stable facts of an error thrown by pg or PGlite, or null when it is not a database error. */
export function dbErrorFacts(error: unknown): DbErrorFacts | null {
  if (typeof error !== "object" || error === null) return null;
  const e = error as { code?: unknown; message?: unknown; constraint?: unknown };
  const code = typeof e.code === "string" && /^[0-9A-Z]{5}$/.test(e.code) ? e.code : null;
  if (!code) return null;
  const message = typeof e.message === "string" ? e.message : "";
  return {
    code,
    token: TOKEN.test(message) ? message : null,
    constraint: typeof e.constraint === "string" ? e.constraint : null,
  };
}

export type DbRefusalRule = readonly [RefusalStatus, string];
/**
 * How a module reads database refusals. Looked up in this order: raised tokens,
 * constraint names, SQLSTATEs. Anything not listed is a real failure and is rethrown.
 */
export interface DbRefusalMap {
  tokens?: Readonly<Record<string, DbRefusalRule>>;
  constraints?: Readonly<Record<string, DbRefusalRule>>;
  codes?: Readonly<Record<string, DbRefusalRule>>;
}

/** SQLSTATEs with the same meaning in every module. */
export const SQLSTATE = {
  insufficientPrivilege: "42501",
  uniqueViolation: "23505",
  checkViolation: "23514",
  foreignKeyViolation: "23503",
  stringTooLong: "22001",
  invalidTextRepresentation: "22P02",
  noDataFound: "P0002",
  raiseException: "P0001",
} as const;

export function dbRefusal(error: unknown, map: DbRefusalMap): Refused | null {
  const facts = dbErrorFacts(error);
  if (!facts) return null;
  const rule =
    (facts.token ? map.tokens?.[facts.token] : undefined) ??
    (facts.constraint ? map.constraints?.[facts.constraint] : undefined) ??
    (facts.code ? map.codes?.[facts.code] : undefined);
  return rule ? refused(rule[0], rule[1]) : null;
}

/**
 * Runs a write; a database refusal listed in `map` becomes a refusal instead of a 500
 * (the transaction has rolled back: nothing was written). `onRefusal` may reshape it
 * (a duplicate key becoming a field error, say).
 */
export async function attempt<T extends object>(
  fn: () => Promise<Outcome<T>>,
  map: DbRefusalMap,
  onRefusal?: (refusal: Refused, error: unknown) => Refused,
): Promise<Outcome<T>> {
  try {
    return await fn();
  } catch (error) {
    const known = dbRefusal(error, map);
    if (known) return onRefusal ? onRefusal(known, error) : known;
    throw error;
  }
}

/**
 * Thrown inside a transaction to roll it back and answer with a refusal (for code
 * paths deep inside a transaction that cannot simply return one). `settle` turns it
 * back into the Outcome.
 */
export class RefusalError<Code extends string = string> extends Error {
  constructor(readonly refusal: Refused<Code>) {
    super(refusal.code ?? refusal.formError ?? "refused");
    this.name = "RefusalError";
  }
}

/** Runs `fn`; its value becomes `{ ok: true, ...value }`, a thrown RefusalError or a mapped database refusal the refusal. */
export async function settle<T extends object, Code extends string = string>(
  fn: () => Promise<T>,
  map: DbRefusalMap = {},
  toCode?: (refusal: Refused) => Refused<Code>,
): Promise<Outcome<T, Code>> {
  try {
    return { ok: true, ...(await fn()) };
  } catch (error) {
    if (error instanceof RefusalError) return error.refusal as Refused<Code>;
    const known = dbRefusal(error, map);
    if (known) return toCode ? toCode(known) : (known as Refused<Code>);
    throw error;
  }
}
