// The privacy contract every module implements (decision 016): what it holds about a
// member, as data the member can take away (export), and how it forgets them (erasure).
// The registry (registry.server.ts) lists the modules; a test reads the migrated
// schema and fails when a column holding a member's id is covered by no module.
import { sql } from "kysely";
import type { SystemTx, Tx } from "~/utils/db.server";

/** Who is being erased: the strings that identify them, found and removed everywhere. */
export interface ErasureSubject {
  memberId: string;
  email: string;
  /** Display name and any other name the member used (e.g. the contact address). */
  names: string[];
}

export interface ErasureContext {
  /** Storage keys to remove once the erasure has committed (blobs are not transactional). */
  storageKeys: string[];
  /** What replaces the member's name inside other people's text ("ancien membre"). */
  placeholder: string;
}

export interface PrivacyContract {
  /** The module's folder name under app/modules. */
  module: string;
  /**
   * The columns this module answers for, by table: every column holding a member's id
   * (foreign keys to profiles or auth.users) and any other column naming a member.
   */
  covers: Record<string, readonly string[]>;
  /** Everything the module holds about the member, as plain JSON (one file per module in the zip). */
  exportFor(tx: SystemTx, memberId: string): Promise<Record<string, unknown>>;
  /**
   * Removes or unlinks the member's data, per the module's policy in decision 016. Runs
   * in the one erasure transaction, on the system path, before the account row goes.
   */
  eraseFor(tx: SystemTx, subject: ErasureSubject, context: ErasureContext): Promise<void>;
}

/** The JSON-escaped form of a string, as it appears inside a jsonb value's text. */
const jsonEscaped = (value: string) => JSON.stringify(value).slice(1, -1);

/**
 * Replaces each needle (name, email, id) in the given text and jsonb columns of a table
 * with the placeholder, in the rows that contain it. Used for other people's text that
 * mentions the erased member (mentions, quotes, notification payloads, audit details).
 */
export async function scrubColumns(
  tx: Tx,
  table: string,
  columns: { text?: string[]; json?: string[] },
  needles: string[],
  placeholder: string,
) {
  for (const needle of needles.filter((n) => n.trim().length >= 3)) {
    for (const column of columns.text ?? []) {
      await sql`update ${sql.table(table)} set ${sql.ref(column)} = replace(${sql.ref(column)}, ${needle}, ${placeholder})
        where strpos(${sql.ref(column)}, ${needle}) > 0`.execute(tx);
    }
    for (const column of columns.json ?? []) {
      const escaped = jsonEscaped(needle);
      await sql`update ${sql.table(table)} set ${sql.ref(column)} = replace(${sql.ref(column)}::text, ${escaped}, ${jsonEscaped(placeholder)})::jsonb
        where strpos(${sql.ref(column)}::text, ${escaped}) > 0`.execute(tx);
    }
  }
}

/** Needles for scrubbing: names, the email (as written and lower-cased) and the id. */
export function needlesOf(subject: ErasureSubject): string[] {
  return [...new Set([...subject.names, subject.email, subject.email.toLowerCase(), subject.memberId])];
}
