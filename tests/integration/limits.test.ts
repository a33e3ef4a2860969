// The limits the forms name (app/modules/*/limits.ts) are the limits the migrated database
// enforces: read from pg_catalog (CHECK constraints, and the functions as last redefined), not
// from one migration's text, so a later migration that changes a limit fails here.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { RICH_TEXT_LIMITS } from "~/components/rich-text/limits";
import { FLAG_RATE, FORUM_LIMITS, POST_RATE } from "~/modules/forums/limits";
import {
  FILE_TYPES,
  MAX_FILE_BYTES,
  MAX_UPLOAD_BODY_BYTES,
  TOOL_KINDS,
  TOOL_LANGUAGES,
  TOOL_LIMITS,
  TOOL_TRANSITIONS,
} from "~/modules/tools/limits";
import { checkedValues } from "../../scripts/db-schema";
import { createTestDatabase, type TestDatabase } from "../setup/test-db";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t?.cleanup());

/** Catalog text without casts, parentheses or runs of spaces: `char_length(title) >= 5` reads `char_length title >= 5`. */
const plain = (text: string) =>
  text
    .replaceAll(/::[a-z]+( [a-z]+)*(\[\])?/g, "")
    .replaceAll(/[()]/g, " ")
    .replaceAll(/\s+/g, " ")
    .trim();

/** Every CHECK constraint of a table, simplified. */
async function checks(table: string): Promise<string> {
  const { rows } = await t.db.asSystem("test: read check constraints", (tx) =>
    sql<{ def: string }>`select pg_get_constraintdef(k.oid) as def from pg_constraint k
      where k.conrelid = ${`public.${table}`}::regclass and k.contype = 'c' order by k.conname`.execute(tx),
  );
  return rows.map((r) => plain(r.def)).join("\n");
}

/** The current source of a function (its last definition). */
async function source(name: string): Promise<string> {
  const { rows } = await t.db.asSystem("test: read a function's source", (tx) =>
    sql<{ src: string }>`select prosrc as src from pg_proc where pronamespace = 'public'::regnamespace and proname = ${name}`.execute(tx),
  );
  expect(rows, `function public.${name}`).toHaveLength(1);
  return plain(rows[0]!.src);
}

/** The values a CHECK (column in (…)) allows. */
async function allowed(table: string, column: string): Promise<string[] | null> {
  const { rows } = await t.db.asSystem("test: read a vocabulary", (tx) =>
    sql<{ def: string }>`select pg_get_constraintdef(k.oid) as def from pg_constraint k
      join pg_attribute a on a.attrelid = k.conrelid and a.attnum = k.conkey[1]
      where k.conrelid = ${`public.${table}`}::regclass and k.contype = 'c' and cardinality(k.conkey) = 1 and a.attname = ${column}`.execute(
      tx,
    ),
  );
  return rows.map((r) => checkedValues(r.def, column)).find((v) => v !== null) ?? null;
}

const between = (expr: string, min: number, max: number) => [`${expr} >= ${min}`, `${expr} <= ${max}`];

describe("forum limits are the database's", () => {
  test.each([
    ["topic title", "forum_topics", between("char_length title", FORUM_LIMITS.titleMin, FORUM_LIMITS.titleMax)],
    ["tags", "forum_topics", [`cardinality tags <= ${FORUM_LIMITS.tags}`]],
    ["post JSON", "forum_posts", [`octet_length body <= ${RICH_TEXT_LIMITS.jsonBytes}`]],
    ["post text", "forum_posts", between("char_length body_text", 1, RICH_TEXT_LIMITS.textChars)],
    ["hidden reason", "forum_posts", [`char_length hidden_reason <= ${FORUM_LIMITS.hiddenReasonMax}`]],
    ["category name", "forum_categories", between("char_length name_fr", FORUM_LIMITS.categoryNameMin, FORUM_LIMITS.categoryNameMax)],
    ["category description", "forum_categories", [`char_length description_fr <= ${FORUM_LIMITS.descriptionMax}`]],
    ["flag note", "forum_flags", [`char_length note <= ${FORUM_LIMITS.flagNoteMax}`]],
    ["sanction reason", "forum_sanctions", between("char_length reason", FORUM_LIMITS.reasonMin, FORUM_LIMITS.reasonMax)],
  ])("%s", async (_name, table, fragments) => {
    const text = await checks(table);
    for (const fragment of fragments) expect(text).toContain(fragment);
  });

  test("silence length, post and flag pace", async () => {
    expect(await source("forum_sanction_member")).toContain(`days not between 1 and ${FORUM_LIMITS.silenceDaysMax}`);
    const posts = await source("forum_posts_before_insert");
    expect(posts).toContain(`case when public.forum_is_new_member then ${POST_RATE.newMember} else ${POST_RATE.member} end`);
    expect(posts).toContain(`interval '${POST_RATE.windowMinutes} minutes'`);
    const flags = await source("forum_flags_before_insert");
    expect(flags).toContain(`case when public.forum_is_new_member then ${FLAG_RATE.newMember} else ${FLAG_RATE.member} end`);
    expect(flags).toContain(`interval '${FLAG_RATE.windowMinutes / 60} hour'`);
  });
});

describe("tool limits are the database's", () => {
  test.each([
    ["file size", "files", between("byte_size", 1, MAX_FILE_BYTES)],
    ["file name", "files", between("char_length original_name", 1, TOOL_LIMITS.fileNameMax)],
    ["title", "tools", between("char_length title", TOOL_LIMITS.titleMin, TOOL_LIMITS.titleMax)],
    ["summary", "tools", [`char_length summary_fr <= ${TOOL_LIMITS.summaryMax}`]],
    ["file text", "tools", [`char_length file_text <= ${TOOL_LIMITS.fileTextMax}`]],
    ["version label", "tools", between("char_length version_label", 1, TOOL_LIMITS.versionLabelMax)],
    ["topics", "tools", [`cardinality topics <= ${TOOL_LIMITS.topicsMax}`]],
    ["disciplines", "tools", [`cardinality disciplines <= ${TOOL_LIMITS.disciplinesMax}`]],
    ["suggestion note", "tool_suggestions", [`char_length note <= ${TOOL_LIMITS.suggestionNoteMax}`]],
  ])("%s", async (_name, table, fragments) => {
    const text = await checks(table);
    for (const fragment of fragments) expect(text).toContain(fragment);
  });

  test("an upload body holds the largest file", () => {
    expect(MAX_UPLOAD_BODY_BYTES).toBeGreaterThan(MAX_FILE_BYTES);
  });

  test("suggestions per day", async () => {
    expect(await source("tool_suggestions_before_insert")).toContain(`>= ${TOOL_LIMITS.suggestionsPerDay} then`);
  });

  test("vocabularies: kinds, languages, file types", async () => {
    expect(await allowed("tools", "kind")).toEqual([...TOOL_KINDS]);
    expect(await allowed("tools", "language")).toEqual([...TOOL_LANGUAGES]);
    expect((await allowed("files", "content_type"))?.sort()).toEqual(Object.keys(FILE_TYPES).sort());
  });

  test("status transitions", async () => {
    const src = await source("tools_before_write");
    const inSql = [...src.matchAll(/'([a-z_]+>[a-z_]+)'/g)].map((m) => m[1]).sort();
    const transitions = Object.entries(TOOL_TRANSITIONS)
      .flatMap(([from, tos]) => tos.map((to) => `${from}>${to}`))
      .sort();
    expect(inSql).toEqual(transitions);
  });
});
