// A post's body on its way in: the rich-text form parsed (app/components/rich-text,
// shared with cases) into a 400 with the forums' field messages, its links resolved for
// the space's readers, and the identifier guard (decision 009) on its title and text.
import type { RichDoc } from "~/components/rich-text/limits";
import { bodyFromForm, resolveLinks } from "~/components/rich-text/links.server";
import { sql } from "kysely";
import type { Viewer } from "~/modules/accounts/accounts.server";
import type { Database, Tx } from "~/utils/db.server";
import { assertNoIdentifiersAmong, type ColleagueNames, type OverrideInput } from "~/modules/identifier-guard/guard.server";
import { type FieldErrors, type Refused } from "~/utils/outcome";
import { refused } from "./refusals.server";

export const bodyError = (error: string): FieldErrors => ({ body: [`forums.richText.errors.${error}`] });

export interface SpaceRow {
  id: string;
  visibility: string;
}

// ── The identifier guard (decision 009) ───────────────────────────────────────
// A topic's title and body, a reply, an edit: refused (400, nothing written) while a
// possible patient identifier is found, unless the author marked that exact finding as
// identifying no one, with a reason; the overrides are stored with the post for the
// space's moderators (identifier_overrides).

type StoredKey = { field: string; kind: string; match: string };
export async function guardPost(
  fields: Record<string, string>,
  overridesInput: unknown,
  stored: StoredKey[],
  colleagues: ColleagueNames,
): Promise<Refused | { ok: true; overrides: OverrideInput[] }> {
  const check = await assertNoIdentifiersAmong(fields, overridesInput, stored, colleagues);
  if (check.ok) return check;
  if (!check.findings) return { ok: false, status: 400, formError: check.formError, fieldErrors: check.fieldErrors };
  // Each field with a finding says so in the page's language; the findings carry the details.
  // An override naming a finding certain by its form is refused by name (fieldErrors.overrides).
  const fieldErrors: FieldErrors = check.fieldErrors.overrides ? { overrides: check.fieldErrors.overrides } : {};
  for (const f of check.findings) fieldErrors[f.field === "bodyLinks" ? "body" : f.field] = ["identifierGuard.errors.inField"];
  return { ok: false, status: 400, formError: check.formError, fieldErrors, findings: check.findings };
}

/**
 * The colleagues a post is written among, for the guard's colleague-name exemption
 * ("Merci Marc-André", "@Ben Ouellet"): the author, the members the post mentions, the
 * topic's other authors, and a private space's members. Names come from
 * forum_resolve_mentions, so only people who may read the space count (a patient is
 * none of them). Called only when the guard found a name.
 */
export async function forumColleagues(tx: Tx, spaceId: string, topicId: number | null, mentions: string[]): Promise<string[]> {
  const { rows } = await sql<{ display_name: string }>`
    select display_name from public.forum_resolve_mentions(array(
      select (select auth.uid())
      union select unnest(${mentions}::uuid[])
      union (select distinct author_id from public.forum_posts where topic_id = ${topicId} and author_id is not null limit 500)
      union (select user_id from public.space_members where space_id = ${spaceId}::uuid limit 1000)
    )::uuid[], ${spaceId}::uuid)`.execute(tx);
  return rows.map((r) => r.display_name);
}

/** The colleagues of a post about to be written at `where` (looked up in a read-only transaction, only when needed). */
export const colleaguesIn =
  (
    db: Database,
    viewer: Viewer,
    where: (tx: Tx) => Promise<{ spaceId: string; topicId: number | null } | undefined>,
    mentions: string[],
  ): ColleagueNames =>
  () =>
    db.withUser(
      viewer.claims,
      async (tx) => {
        const place = await where(tx);
        return place ? forumColleagues(tx, place.spaceId, place.topicId, mentions) : [];
      },
      { readOnly: true },
    );

export async function storePostOverrides(tx: Tx, postId: number, overrides: OverrideInput[]) {
  if (overrides.length === 0) return;
  await tx
    .insertInto("identifier_overrides")
    .values(
      overrides.map((o) => ({
        forum_post_id: postId,
        field: o.field,
        kind: o.kind,
        match: o.match,
        reason: o.reason,
      })),
    )
    .execute();
}

/** A post's body from its form (tiptap JSON, or plain text without JavaScript), or the form's 400. */
export function parsePostBody(input: { body?: string; bodyJson?: string }) {
  const body = bodyFromForm(input);
  return body.ok ? body : refused(400, "forums.errors.fix_fields", bodyError(body.error));
}

/** Resolves the body's mentions and references for the space's readers, or the form's 400. */
export async function linkPostBody(
  tx: Tx,
  body: Extract<ReturnType<typeof bodyFromForm>, { ok: true }>,
  space: SpaceRow,
): Promise<Refused | { ok: true; doc: RichDoc }> {
  const linked = await resolveLinks(tx, body.doc, space, body.mentions, body.references);
  return linked.ok ? linked : refused(400, "forums.errors.fix_fields", bodyError(linked.error));
}
