// Small query helpers shared by the modules' privacy contracts: plain "select * where
// column = member" reads for the export, kept untyped on purpose (the export is the
// rows as stored, whatever columns a migration adds later).
import { sql } from "kysely";
import type { Tx } from "~/utils/db.server";

/** All rows of a table whose column equals the member's id (or any of the values). */
export async function rowsWhere(
  tx: Tx,
  table: string,
  column: string,
  value: string,
  orderBy?: string,
): Promise<Record<string, unknown>[]> {
  const order = orderBy ? sql` order by ${sql.ref(orderBy)}` : sql``;
  const { rows } = await sql<
    Record<string, unknown>
  >`select * from ${sql.table(table)} where ${sql.ref(column)}::text = ${value}${order}`.execute(tx);
  return rows;
}

/** Same, minus columns that are machine-only (search vectors) or not the member's own. */
export async function exportRows(
  tx: Tx,
  table: string,
  column: string,
  value: string,
  omit: string[] = [],
): Promise<Record<string, unknown>[]> {
  const rows = await rowsWhere(tx, table, column, value);
  const skip = new Set(["search_vector", ...omit]);
  return rows.map((row) => Object.fromEntries(Object.entries(row).filter(([key]) => !skip.has(key))));
}
