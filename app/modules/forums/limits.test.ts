// The named limits match the database's CHECK constraints and triggers: read from the migration itself.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { RICH_TEXT_LIMITS } from "~/components/rich-text/limits";
import { FLAG_RATE, FORUM_LIMITS, POST_RATE } from "./limits";

const migration = readFileSync(new URL("../../../supabase/migrations/20261123000200_forums.sql", import.meta.url), "utf8");

describe("forum limits", () => {
  it.each([
    ["title", `char_length(title) between ${FORUM_LIMITS.titleMin} and ${FORUM_LIMITS.titleMax}`],
    ["tags", `cardinality(tags) <= ${FORUM_LIMITS.tags}`],
    ["body JSON", `octet_length(body::text) <= ${RICH_TEXT_LIMITS.jsonBytes}`],
    ["body text", `char_length(body_text) between 1 and ${RICH_TEXT_LIMITS.textChars}`],
    ["category name", `char_length(name_fr) between ${FORUM_LIMITS.categoryNameMin} and ${FORUM_LIMITS.categoryNameMax}`],
    ["description", `char_length(description_fr) <= ${FORUM_LIMITS.descriptionMax}`],
    ["flag note", `char_length(note) <= ${FORUM_LIMITS.flagNoteMax}`],
    ["sanction reason", `char_length(reason) between ${FORUM_LIMITS.reasonMin} and ${FORUM_LIMITS.reasonMax}`],
    ["hidden reason", `char_length(hidden_reason) <= ${FORUM_LIMITS.hiddenReasonMax}`],
    ["silence length", `days not between 1 and ${FORUM_LIMITS.silenceDaysMax}`],
    ["post pace", `case when public.forum_is_new_member() then ${POST_RATE.newMember} else ${POST_RATE.member} end`],
    ["post window", `interval '${POST_RATE.windowMinutes} minutes'`],
    ["flag pace", `case when public.forum_is_new_member() then ${FLAG_RATE.newMember} else ${FLAG_RATE.member} end`],
  ])("%s matches the migration", (_name, fragment) => {
    expect(migration).toContain(fragment);
  });
});
