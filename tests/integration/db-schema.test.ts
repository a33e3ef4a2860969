// The generated schema files say what the migrations say: app/utils/db-schema.ts (Kysely types),
// supabase/schema.sql (the current schema) and supabase/seed.sql (the demo content for a local
// Supabase) are regenerated here from the migrated template and compared with the files on disk.
import { readFile } from "node:fs/promises";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { REGENERATE, renderSchemaSql, renderTypes, SCHEMA_FILE, TYPES_FILE } from "../../scripts/db-schema";
import { createTestDatabase, type TestDatabase } from "../setup/test-db";

const root = path.resolve(import.meta.dirname, "../..");

/** The first differing line, so the failure says where without printing a 4000-line diff. */
function firstDifference(actual: string, expected: string) {
  const a = actual.split("\n");
  const e = expected.split("\n");
  const i = a.findIndex((line, n) => line !== e[n]);
  const at = i === -1 ? a.length : i;
  return `line ${at + 1}: generated ${JSON.stringify(a[at] ?? "<end of file>")}, on disk ${JSON.stringify(e[at] ?? "<end of file>")}`;
}

function expectSame(file: string, generated: string, onDisk: string, command: string) {
  const name = path.relative(root, file);
  if (generated !== onDisk)
    expect.fail(
      `${name} is out of date with the migrations (${firstDifference(generated, onDisk)}): run \`${command}\` and commit the result`,
    );
}

describe("generated schema files", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(() => t?.cleanup());

  test("app/utils/db-schema.ts matches the migrated database", async () => {
    const generated = await t.db.asSystem("test: generate the row types", (tx) => renderTypes(tx));
    expectSame(TYPES_FILE, generated, await readFile(TYPES_FILE, "utf8"), REGENERATE);
  }, 60_000);

  test("supabase/schema.sql matches the migrated database", async () => {
    const generated = await t.db.asSystem("test: generate the schema snapshot", (tx) => renderSchemaSql(tx));
    expectSame(SCHEMA_FILE, generated, await readFile(SCHEMA_FILE, "utf8"), REGENERATE);
  }, 60_000);

  test("supabase/seed.sql matches the demo content it is generated from", async () => {
    const file = path.join(root, "supabase/seed.sql");
    const generated = execFileSync(
      process.execPath,
      [path.join(root, "node_modules/tsx/dist/cli.mjs"), "scripts/gen-seed-sql.ts", "--stdout"],
      { cwd: root, encoding: "utf8" },
    );
    expectSame(file, generated, await readFile(file, "utf8"), REGENERATE);
  }, 60_000);
});
