// The privacy contract covers the whole schema (decision 016): every column that holds
// a member's id (a foreign key to public.profiles or auth.users) or an email address
// must be named in some module's contract, so export and erasure cannot forget a table
// a later migration adds. The failure says which column and where to add it.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PRIVACY_CONTRACTS } from "~/modules/privacy/registry.server";
import { createTestDatabase, type TestDatabase } from "../setup/test-db";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t?.cleanup());

const qualified = (table: string) => (table.includes(".") ? table : `public.${table}`);

function covered(): Map<string, string> {
  const owners = new Map<string, string>();
  for (const contract of PRIVACY_CONTRACTS) {
    for (const [table, columns] of Object.entries(contract.covers)) {
      for (const column of columns) owners.set(`${qualified(table)}.${column}`, contract.module);
    }
  }
  return owners;
}

describe("privacy contract coverage", () => {
  it("every column referencing a member (profiles / auth.users) or holding an email is covered by a module's contract", async () => {
    const { rows } = await t.db.asSystem("test: member columns of the schema", (tx) =>
      sql<{ tbl: string; col: string; why: string }>`
      select n.nspname || '.' || c.relname as tbl, a.attname as col, 'references ' || f.confrelid::regclass::text as why
        from pg_constraint f
        join pg_class c on c.oid = f.conrelid
        join pg_namespace n on n.oid = c.relnamespace
        join pg_attribute a on a.attrelid = f.conrelid and a.attnum = any (f.conkey)
       where f.contype = 'f' and f.confrelid in ('public.profiles'::regclass, 'auth.users'::regclass)
      union
      select table_schema || '.' || table_name, column_name, 'holds an email address'
        from information_schema.columns
       where table_schema in ('public', 'auth') and column_name like '%email%'
         and data_type in ('text', 'character varying', 'citext', 'USER-DEFINED')
      order by 1, 2`.execute(tx),
    );
    expect(rows.length).toBeGreaterThan(30);
    const owners = covered();
    const missing = rows
      .filter((r) => !owners.has(`${r.tbl}.${r.col}`))
      .map(
        (r) =>
          `${r.tbl}.${r.col} (${r.why}) is covered by no module's privacy contract: add it to \`covers\` in ` +
          `app/modules/<the module that owns ${r.tbl}>/privacy.server.ts with exportFor/eraseFor handling it, ` +
          `and register that contract in PRIVACY_CONTRACTS (app/modules/privacy/registry.server.ts).`,
      );
    expect(missing, missing.join("\n")).toEqual([]);
  });

  it("every column a contract names exists (a renamed column is not silently uncovered)", async () => {
    const { rows } = await t.db.asSystem("test: columns", (tx) =>
      sql<{ key: string }>`
      select table_schema || '.' || table_name || '.' || column_name as key from information_schema.columns
       where table_schema in ('public', 'auth')`.execute(tx),
    );
    const existing = new Set(rows.map((r) => r.key));
    const unknown = [...covered().entries()]
      .filter(([key]) => !existing.has(key))
      .map(([key, module]) => `${key} is named in app/modules/${module}/privacy.server.ts but does not exist in the migrated schema`);
    expect(unknown, unknown.join("\n")).toEqual([]);
  });

  it("each module's contract lives in its own folder and is registered once", () => {
    const modules = PRIVACY_CONTRACTS.map((c) => c.module);
    expect(new Set(modules).size).toBe(modules.length);
  });
});
