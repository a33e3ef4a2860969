// A transaction's start rides with its first statement (PostgreSQL only).
//
// Every transaction of withUser/asSystem begins with `start transaction` and three settings
// (role, request.jwt.claims, statement_timeout). Sent on their own they cost a round trip to
// the database, and on this kind of virtual machine a round trip's cost is mostly the socket
// write itself, charged to the Node process (decision 035). So the pool's clients here hold
// the start back until the transaction's first statement and send both in ONE write, as one
// extended-protocol pipeline ending in one Sync:
//
//   Parse/Bind/Execute  start transaction [read only]
//   Parse/Bind/Execute  select set_config('role', $1, true), set_config('request.jwt.claims', $2, true), …
//   Parse/Bind/Describe/Execute  the statement
//   [Parse/Bind/Execute  commit]        (a transaction declared to be one statement)
//   Sync
//
// PostgreSQL runs them in order; if any fails it skips the rest up to the Sync, so the
// statement never runs without its role and claims (the transaction block is then aborted,
// and the caller's rollback ends it). A transaction that runs no statement sends nothing.
import pg from "pg";

/** What a transaction sets before its first statement. */
export interface TransactionStart {
  role: string;
  claims: object;
  readOnly: boolean;
  /** The transaction runs exactly one statement: its commit goes in the same write. */
  oneStatement: boolean;
  statementTimeoutMs: number;
}

/** The statement transaction() runs to start a transaction; the pool's client keeps it for the first statement. */
export const DEFERRED_START = "/* passerelle: transaction start, sent with the first statement */";

export function deferredStartStatement(start: TransactionStart): string {
  return DEFERRED_START + JSON.stringify(start);
}

/** The same start as one simple-protocol message, for a first statement that cannot be pipelined. */
export function startStatement(start: TransactionStart): string {
  return (
    `start transaction${start.readOnly ? " read only" : ""}; select set_config('role', ${pg.escapeLiteral(start.role)}, true), ` +
    `set_config('request.jwt.claims', ${pg.escapeLiteral(JSON.stringify(start.claims))}, true), ` +
    `set_config('statement_timeout', '${start.statementTimeoutMs}', true)`
  );
}

const SETTINGS =
  "select set_config('role', $1, true), set_config('request.jwt.claims', $2, true), set_config('statement_timeout', $3, true)";

interface QueryResult {
  rows: unknown[];
  rowCount: number | null;
  command: string;
}
interface PgConnection {
  parse(message: { text: string }): void;
  bind(message: { values: unknown[] }): void;
  execute(message: Record<string, never>): void;
  stream: { cork?: () => void; uncork?: () => void };
}
/** The parts of pg.Query this file extends (pg-cursor and pg-query-stream build on the same ones). */
interface QueryInternals {
  submit(connection: PgConnection): Error | null;
  handleDataRow(message: unknown): void;
  handleCommandComplete(message: unknown, connection: PgConnection): void;
}
const QueryBase = pg.Query as unknown as new (config: { text: string; values: unknown[]; queryMode: "extended" }) => QueryInternals & {
  callback?: (error: Error | null, result?: QueryResult) => void;
};

/** Parse, bind and execute one statement whose result nobody describes (the unnamed statement and portal). */
function runUnnamed(connection: PgConnection, text: string, values: unknown[] = []) {
  connection.parse({ text });
  connection.bind({ values });
  connection.execute({});
}

/**
 * One statement preceded by its transaction's start (and followed by its commit when it is the
 * transaction's only statement). Only the statement's rows and command reach the caller: the
 * prefix's and the commit's results are consumed here.
 */
class StartedQuery extends QueryBase {
  /** CommandComplete messages seen: the prefix's two come first, then the statement's. */
  private completed = 0;
  constructor(
    private readonly start: TransactionStart,
    text: string,
    values: unknown[],
  ) {
    super({ text, values, queryMode: "extended" });
  }
  override submit(connection: PgConnection): Error | null {
    connection.stream.cork?.();
    try {
      runUnnamed(connection, this.start.readOnly ? "start transaction read only" : "start transaction");
      runUnnamed(connection, SETTINGS, [this.start.role, JSON.stringify(this.start.claims), String(this.start.statementTimeoutMs)]);
      // The statement itself (parse, bind, describe, execute), then our commit, then Query's Sync.
      return super.submit(withCommitBeforeSync(connection, this.start.oneStatement));
    } finally {
      connection.stream.uncork?.();
    }
  }
  override handleDataRow(message: unknown) {
    if (this.completed === 2) super.handleDataRow(message); // the settings' row is not the caller's
  }
  override handleCommandComplete(message: unknown, connection: PgConnection) {
    this.completed += 1;
    if (this.completed === 3) super.handleCommandComplete(message, connection);
  }
}

/** The connection as Query sees it, with `commit` slipped in before the Sync when asked. */
function withCommitBeforeSync(connection: PgConnection, commit: boolean): PgConnection {
  if (!commit) return connection;
  const target = connection as PgConnection & { sync(): void };
  return new Proxy(target, {
    get(object, key, receiver) {
      if (key === "sync")
        return () => {
          runUnnamed(object, "commit");
          object.sync();
        };
      const value = Reflect.get(object, key, receiver) as unknown;
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(object) : value;
    },
  });
}

interface PgPoolClient {
  query(query: unknown, callback?: (error: Error | null, result?: QueryResult) => void): unknown;
  query(text: string, values?: unknown[]): Promise<QueryResult>;
  release(error?: Error | boolean): void;
}

const EMPTY = (command: string): QueryResult => ({ rows: [], rowCount: 0, command });
const isEnd = (text: string) => text === "commit" || text === "rollback";

/**
 * A pool client (as Kysely sees it) that holds a transaction's start for its first statement.
 * One of these per checkout: its state is one transaction's. `pipelined`: a pg client, which
 * sends the start, the statement (and the commit) in one write; otherwise (PGlite, where a
 * statement costs no socket write) they are sent one after the other, with the same rules.
 */
export function deferringClient(client: PgPoolClient, pipelined: boolean) {
  let pending: TransactionStart | null = null;
  /** A one-statement transaction has run its statement and commit: anything but its end is refused. */
  let finished = false;
  return {
    async query(text: string, values: readonly unknown[] = []): Promise<QueryResult> {
      if (text.startsWith(DEFERRED_START)) {
        pending = JSON.parse(text.slice(DEFERRED_START.length)) as TransactionStart;
        finished = false;
        return EMPTY("BEGIN");
      }
      if (pending) {
        const start = pending;
        pending = null;
        // Nothing ran: nothing was started, so nothing to end.
        if (isEnd(text)) return EMPTY(text.toUpperCase());
        let result: QueryResult;
        if (!pipelined || (values.length === 0 && text.includes(";"))) {
          // Several statements in one text exist only in the simple protocol: start apart.
          await client.query(startStatement(start));
          result = await client.query(text, [...values]);
          if (start.oneStatement) await client.query("commit");
        } else {
          result = await new Promise<QueryResult>((resolve, reject) => {
            client.query(new StartedQuery(start, text, [...values]), (error, res) => (error || !res ? reject(error) : resolve(res)));
          });
        }
        // On failure the transaction block is left aborted: the caller's rollback goes through.
        if (start.oneStatement) finished = true;
        return result;
      }
      if (finished) {
        if (isEnd(text)) {
          finished = false;
          return EMPTY(text.toUpperCase());
        }
        // The transaction is over: a second statement would run with the connection's own rights.
        throw new Error("a transaction declared as one statement ran a second one");
      }
      return client.query(text, [...values]);
    },
    release(error?: Error | boolean) {
      pending = null;
      finished = false;
      client.release(error);
    },
  };
}
