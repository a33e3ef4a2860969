// The free text of a case and its posts: rich text parsed from the form, the
// identifier guard run on every field (and on link targets and labels) before any
// transaction opens, the overrides stored beside the text, and links resolved for the
// case's readers.
import { sql } from "kysely";
import { bodyFromForm, resolveLinks } from "~/components/rich-text/links.server";
import type { RichDoc, RichNode } from "~/components/rich-text/limits";
import {
  checkTextAmong,
  parseOverrides as parseGuardOverrides,
  type ColleagueNames,
  type OverrideInput,
} from "~/modules/identifier-guard/guard.server";
import type { Tx } from "~/utils/db.server";
import type { Outcome, Refused } from "~/utils/outcome";
import { refused } from "./refusals.server";

/** Every string a rich-text document carries besides its text (link targets, labels). */
function attributeStrings(node: RichNode, out: string[] = []): string[] {
  for (const value of Object.values(node.attrs ?? {})) if (typeof value === "string") out.push(value);
  for (const mark of node.marks ?? []) if (mark.type === "link") out.push(mark.attrs.href);
  for (const child of node.content ?? []) attributeStrings(child, out);
  return out;
}

export type RichBody =
  | { ok: true; doc: RichDoc | null; text: string; attrs: string; mentions: string[]; references: Array<{ kind: string; id: string }> }
  | { ok: false; error: string };
export function richBody(input: { body?: string; bodyJson?: string }, allowEmpty: boolean): RichBody {
  if (allowEmpty && !input.body?.trim() && !input.bodyJson?.trim())
    return { ok: true, doc: null, text: "", attrs: "", mentions: [], references: [] };
  const result = bodyFromForm(input);
  if (!result.ok) return { ok: false, error: `forums.richText.errors.${result.error}` };
  return {
    ok: true,
    doc: result.doc,
    text: result.text,
    attrs: attributeStrings(result.doc).join("\n"),
    mentions: result.mentions,
    references: result.references,
  };
}

/**
 * References to topics and tools must be readable by every reader of the case (a
 * private topic's title never reaches a case open to all verified members); labels
 * become the current titles. Cases notify nobody by mention, so mentions are refused.
 */
export async function resolveCaseLinks(
  tx: Tx,
  body: Extract<RichBody, { ok: true }>,
  spaceId: string | null,
): Promise<{ ok: true; json: string | null } | { ok: false; error: string }> {
  if (!body.doc) return { ok: true, json: null };
  if (body.mentions.length === 0 && body.references.length === 0) return { ok: true, json: JSON.stringify(body.doc) };
  if (body.mentions.length > 0) return { ok: false, error: "forums.richText.errors.bad_mention" };
  const resolved = await resolveLinks(
    tx,
    body.doc,
    spaceId ? { id: spaceId, visibility: "members" } : { id: null, visibility: "verified" },
    [],
    body.references,
  );
  if (!resolved.ok) return { ok: false, error: `forums.richText.errors.${resolved.error}` };
  return { ok: true, json: JSON.stringify(resolved.doc) };
}

export function parseOverrides(input: unknown): Outcome<{ overrides: OverrideInput[] }> {
  const parsed = parseGuardOverrides(input);
  if (!parsed.ok) return refused(400, "cases.errors.invalid", { fieldErrors: parsed.fieldErrors });
  return { ok: true, overrides: parsed.overrides };
}

/**
 * The colleagues a case's text is written among, for the guard's colleague-name exemption
 * ("merci Dre Roy pour la recommandation"): the writer, the members who wrote in the case
 * (case_post_authors: only the case's readers get them) and, for a case of a private
 * space, that space's members. A patient is none of these. Called only when the guard
 * found a name.
 */
export async function caseColleagues(tx: Tx, caseId: string | null, spaceId: string | null): Promise<string[]> {
  const { rows } = await sql<{ display_name: string | null }>`
    select display_name from public.profiles where id = (select auth.uid())
    union select display_name from public.case_post_authors(${caseId}::uuid) where ${caseId}::uuid is not null
    union select display_name from public.forum_resolve_mentions(array(
      select user_id from public.space_members where space_id = ${spaceId}::uuid limit 1000)::uuid[], ${spaceId}::uuid)
     where ${spaceId}::uuid is not null`.execute(tx);
  return rows.flatMap((r) => (r.display_name ? [r.display_name] : []));
}

/** The shared guard's check, as this module's refusal; `colleagues` is asked only when a name is found. */
export async function guardOrRefuse(
  fields: Record<string, string>,
  overrides: Array<{ field: string; kind: string; match: string }>,
  colleagues: ColleagueNames,
): Promise<{ refusal: Refused; used: [] } | { refusal: null; used: number[] }> {
  const check = await checkTextAmong(fields, overrides, colleagues);
  if (!check.ok) {
    return {
      refusal: refused(400, "cases.errors.identifiers", { fieldErrors: check.refusal.fieldErrors, findings: check.refusal.findings }),
      used: [],
    };
  }
  return { refusal: null, used: check.used };
}

export async function storeOverrides(tx: Tx, caseId: string, postId: number | null, overrides: OverrideInput[]) {
  if (overrides.length === 0) return;
  await tx
    .insertInto("case_identifier_overrides")
    .values(
      overrides.map((o) => ({
        case_id: caseId,
        post_id: postId,
        field: o.field,
        kind: o.kind,
        match: o.match,
        reason: o.reason,
      })),
    )
    .execute();
}
