// Spaces: the one idea of membership (docs/architecture.md, "One idea of membership").
// A space (kind; visibility public / verified / members) and its members decide who may
// see or act in a place; forums, cases, tools, chat, mentoring and events point at a
// space instead of inventing their own access rules. This file holds the reads and the
// membership checks those modules share. Each helper takes the caller's transaction
// (`db.withUser`, rule 1): RLS decides what it sees, as for the caller's own queries.
// Writes (creating a space, its members) stay with the forums' management page, the
// only place that edits them; the SQL helpers (`is_space_member`, `can_moderate_space`,
// `moderated_space_ids`) live in the forums migration.
import { sql } from "kysely";
import type { Database, Tx, UserClaims } from "~/utils/db.server";
import type { SpaceVisibility } from "~/utils/db-schema";

/** A space's names in both languages (pickers, headings). */
export interface SpaceName {
  id: string;
  name_fr: string;
  name_en: string;
}

/** The private spaces (visibility "members") the person belongs to, e.g. where a case can be presented. */
export async function listMySpaces(db: Database, claims: UserClaims, userId: string): Promise<SpaceName[]> {
  return db.withUser(
    claims,
    (tx) =>
      tx
        .selectFrom("space_members as m")
        .innerJoin("spaces as s", "s.id", "m.space_id")
        .select(["s.id", "s.name_fr", "s.name_en"])
        .where("m.user_id", "=", userId)
        .where("s.visibility", "=", "members")
        .execute(),
    { readOnly: true },
  );
}

/** Spaces not archived, in their display order (the forum index). */
export async function listActiveSpaces(tx: Tx) {
  return tx
    .selectFrom("spaces")
    .select(["id", "slug", "kind", "visibility", "name_fr", "name_en", "description_fr", "description_en", "region_code", "position"])
    .where("archived_at", "is", null)
    .orderBy("position")
    .orderBy("name_fr")
    .execute();
}

/** Every space the caller can read, archived included, with whether she moderates it (management pages). */
export async function listSpacesWithModeration(tx: Tx) {
  return tx
    .selectFrom("spaces")
    .select([
      "id",
      "slug",
      "kind",
      "visibility",
      "name_fr",
      "name_en",
      "archived_at",
      "position",
      sql<boolean>`public.can_moderate_space(id)`.as("can_moderate"),
    ])
    .orderBy("position")
    .orderBy("name_fr")
    .execute();
}

/** A space the caller can read, with whether she moderates it; undefined when she cannot see it. */
export async function spaceModeration(tx: Tx, spaceId: string) {
  return tx
    .selectFrom("spaces")
    .select(["id", sql<boolean>`public.can_moderate_space(id)`.as("can_moderate")])
    .where("id", "=", spaceId)
    .executeTakeFirst();
}

/** The members of every space the caller can read, with their names (admins manage them). */
export async function listSpaceMembersWithNames(tx: Tx) {
  return tx
    .selectFrom("space_members as m")
    .innerJoin("profiles as p", "p.id", "m.user_id")
    .select(["m.space_id", "m.user_id", "m.role", "p.display_name"])
    .orderBy("p.display_name")
    .execute();
}

/** Whether the caller is a member of the space (the same helper the policies use). */
export async function isSpaceMember(tx: Tx, spaceId: string): Promise<boolean> {
  const {
    rows: [m],
  } = await sql<{ member: boolean }>`select public.is_space_member(${spaceId}::uuid) as member`.execute(tx);
  return m?.member === true;
}

/** A space's visibility, when the caller can read it. */
export async function spaceVisibility(tx: Tx, spaceId: string): Promise<SpaceVisibility | undefined> {
  return (await tx.selectFrom("spaces").select(["visibility"]).where("id", "=", spaceId).executeTakeFirst())?.visibility;
}

/** Whether the person moderates at least one space (a forum moderator, a case coordinator). */
export async function moderatesASpace(tx: Tx, userId: string): Promise<boolean> {
  const row = await tx
    .selectFrom("space_members")
    .select("space_id")
    .where("user_id", "=", userId)
    .where("role", "=", "moderator")
    .executeTakeFirst();
  return Boolean(row);
}

/** The private spaces (visibility "members") the caller moderates. */
export async function moderatedPrivateSpaceIds(tx: Tx): Promise<string[]> {
  const {
    rows: [r],
  } = await sql<{ spaces: string[] }>`
    select coalesce((select array_agg(s.id) from public.spaces s where s.visibility = 'members' and s.id = any (public.moderated_space_ids())), '{}') as spaces`.execute(
    tx,
  );
  return r?.spaces ?? [];
}

/** These spaces' names, ordered by their French name. */
export async function spaceNames(tx: Tx, spaceIds: string[]): Promise<SpaceName[]> {
  if (spaceIds.length === 0) return [];
  return tx.selectFrom("spaces").select(["id", "name_fr", "name_en"]).where("id", "in", spaceIds).orderBy("name_fr").execute();
}

/** The people who belong to any of these spaces (each once). */
export async function memberIdsOf(tx: Tx, spaceIds: string[]): Promise<string[]> {
  if (spaceIds.length === 0) return [];
  return [
    ...new Set((await tx.selectFrom("space_members").select("user_id").where("space_id", "in", spaceIds).execute()).map((r) => r.user_id)),
  ];
}
