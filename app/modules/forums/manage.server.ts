// Managing the forums' structure: moderators (and admins) create, rename, order and
// archive categories in the spaces they moderate; admins create spaces and manage
// the members of private spaces. Every change is audited by database triggers.
import { sql } from "kysely";
import { hasRole, type Viewer } from "~/modules/accounts/accounts.server";
import type { Database } from "~/utils/db.server";
import type { SpaceVisibility } from "~/utils/db-schema";
import { attempt as attemptWrite, type Outcome } from "~/utils/outcome";
import { listSpaceMembersWithNames, listSpacesWithModeration, moderatesASpace, spaceModeration } from "~/modules/spaces/spaces.server";
import { FORUM_DB_REFUSALS, refused } from "./refusals.server";
import type { z } from "zod";
import type { categorySchema, categoryUpdateSchema, spaceMemberSchema, spaceSchema } from "./schemas";

/** A duplicate key on a form with a slug or name field is that field's error. */
const attempt = <T extends object>(fn: () => Promise<Outcome<T>>, duplicateField?: string) =>
  attemptWrite(fn, FORUM_DB_REFUSALS, (known) =>
    known.status === 409 && duplicateField
      ? refused(409, "forums.errors.fix_fields", { [duplicateField]: ["forums.errors.slug_taken"] })
      : known,
  );

/** May this person manage any category (a global moderator, an admin, a space moderator)? */
export async function canManageForums(db: Database, viewer: Viewer): Promise<boolean> {
  if (hasRole(viewer, "moderator")) return true;
  return db.withUser(
    viewer.claims,
    async (tx) => {
      return moderatesASpace(tx, viewer.id);
    },
    { readOnly: true },
  );
}

/** Spaces this person moderates, with all their categories (archived included). */
export async function listManageable(db: Database, viewer: Viewer) {
  return db.withUser(
    viewer.claims,
    async (tx) => {
      const spaces = await listSpacesWithModeration(tx);
      const categories = await tx
        .selectFrom("forum_categories")
        .select([
          "id",
          "space_id",
          "slug",
          "name_fr",
          "name_en",
          "description_fr",
          "description_en",
          "position",
          "archived_at",
          "topic_count",
        ])
        .orderBy("position")
        .orderBy("name_fr")
        .execute();
      const members = hasRole(viewer, "admin") ? await listSpaceMembersWithNames(tx) : [];
      return spaces
        .filter((s) => s.can_moderate)
        .map((s) => ({
          id: s.id,
          slug: s.slug,
          kind: s.kind,
          visibility: s.visibility,
          name_fr: s.name_fr,
          name_en: s.name_en,
          archived: s.archived_at !== null,
          categories: categories
            .filter((c) => c.space_id === s.id)
            .map((c) => ({
              id: c.id,
              slug: c.slug,
              name_fr: c.name_fr,
              name_en: c.name_en,
              description_fr: c.description_fr,
              description_en: c.description_en,
              position: c.position,
              archived: c.archived_at !== null,
              topic_count: c.topic_count,
            })),
          members: members
            .filter((m) => m.space_id === s.id)
            .map((m) => ({ userId: m.user_id, role: m.role, displayName: m.display_name })),
        }));
    },
    { readOnly: true },
  );
}

export async function createCategory(
  db: Database,
  viewer: Viewer,
  input: z.infer<typeof categorySchema>,
): Promise<Outcome<{ slug: string }>> {
  return attempt(
    () =>
      db.withUser(viewer.claims, async (tx): Promise<Outcome<{ slug: string }>> => {
        const space = await spaceModeration(tx, input.spaceId);
        if (!space) return refused(404, "forums.errors.not_found");
        if (!space.can_moderate) return refused(403, "forums.errors.forbidden");
        const last = await tx
          .selectFrom("forum_categories")
          .select(sql<number>`coalesce(max(position), -1)`.as("max"))
          .where("space_id", "=", input.spaceId)
          .executeTakeFirst();
        await tx
          .insertInto("forum_categories")
          .values({
            space_id: input.spaceId,
            slug: input.slug,
            name_fr: input.nameFr,
            name_en: input.nameEn,
            description_fr: input.descriptionFr ?? "",
            description_en: input.descriptionEn ?? "",
            position: Math.min(10_000, (last?.max ?? -1) + 1),
            topic_code: input.topicCode ?? null,
            created_by: viewer.id,
          })
          .execute();
        return { ok: true, slug: input.slug };
      }),
    "slug",
  );
}

export async function updateCategory(db: Database, viewer: Viewer, input: z.infer<typeof categoryUpdateSchema>): Promise<Outcome> {
  return attempt(() =>
    db.withUser(viewer.claims, async (tx): Promise<Outcome> => {
      const result = await tx
        .updateTable("forum_categories")
        .set({
          name_fr: input.nameFr,
          name_en: input.nameEn,
          description_fr: input.descriptionFr ?? "",
          description_en: input.descriptionEn ?? "",
        })
        .where("id", "=", input.categoryId)
        .where(sql<boolean>`public.can_moderate_space(space_id)`)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1 ? { ok: true } : refused(403, "forums.errors.forbidden");
    }),
  );
}

export async function setCategoryArchived(db: Database, viewer: Viewer, categoryId: string, archived: boolean): Promise<Outcome> {
  return attempt(() =>
    db.withUser(viewer.claims, async (tx): Promise<Outcome> => {
      const result = await tx
        .updateTable("forum_categories")
        .set({ archived_at: archived ? new Date() : null })
        .where("id", "=", categoryId)
        .where(sql<boolean>`public.can_moderate_space(space_id)`)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1 ? { ok: true } : refused(403, "forums.errors.forbidden");
    }),
  );
}

/** Swaps a category with its neighbour in its space (positions renumbered 0..n-1). */
export async function moveCategory(db: Database, viewer: Viewer, categoryId: string, direction: "up" | "down"): Promise<Outcome> {
  return attempt(() =>
    db.withUser(viewer.claims, async (tx): Promise<Outcome> => {
      const category = await tx
        .selectFrom("forum_categories")
        .select(["id", "space_id", sql<boolean>`public.can_moderate_space(space_id)`.as("can_moderate")])
        .where("id", "=", categoryId)
        .executeTakeFirst();
      if (!category) return refused(404, "forums.errors.not_found");
      if (!category.can_moderate) return refused(403, "forums.errors.forbidden");
      const siblings = await tx
        .selectFrom("forum_categories")
        .select(["id", "position"])
        .where("space_id", "=", category.space_id)
        .orderBy("position")
        .orderBy("name_fr")
        .execute();
      const order = siblings.map((s) => s.id);
      const i = order.indexOf(categoryId);
      const j = direction === "up" ? i - 1 : i + 1;
      if (j < 0 || j >= order.length) return { ok: true };
      [order[i], order[j]] = [order[j] as string, order[i] as string];
      for (const [position, id] of order.entries()) {
        if (siblings.find((s) => s.id === id)?.position !== position) {
          await tx.updateTable("forum_categories").set({ position }).where("id", "=", id).execute();
        }
      }
      return { ok: true };
    }),
  );
}

export async function createSpace(db: Database, viewer: Viewer, input: z.infer<typeof spaceSchema>): Promise<Outcome<{ id: string }>> {
  if (!hasRole(viewer, "admin")) return refused(403, "forums.errors.forbidden");
  return attempt(
    () =>
      db.withUser(viewer.claims, async (tx): Promise<Outcome<{ id: string }>> => {
        const row = await tx
          .insertInto("spaces")
          .values({
            slug: input.slug,
            kind: input.kind,
            visibility: input.visibility satisfies SpaceVisibility,
            name_fr: input.nameFr,
            name_en: input.nameEn,
            description_fr: input.descriptionFr ?? "",
            description_en: input.descriptionEn ?? "",
            region_code: null,
            discipline_code: null,
            position: 100,
            created_by: viewer.id,
          })
          .returning("id")
          .executeTakeFirstOrThrow();
        return { ok: true, id: row.id };
      }),
    "slug",
  );
}

/** Adds a member to a space by their sign-in email (admins read private contact emails). */
export async function addSpaceMember(db: Database, viewer: Viewer, input: z.infer<typeof spaceMemberSchema>): Promise<Outcome> {
  if (!hasRole(viewer, "admin")) return refused(403, "forums.errors.forbidden");
  return attempt(() =>
    db.withUser(viewer.claims, async (tx): Promise<Outcome> => {
      const person = await tx
        .selectFrom("profile_private")
        .select("user_id")
        .where(sql`lower(contact_email)`, "=", input.email)
        .executeTakeFirst();
      if (!person) return refused(400, "forums.errors.fix_fields", { email: ["forums.errors.member_unknown"] });
      await tx
        .insertInto("space_members")
        .values({ space_id: input.spaceId, user_id: person.user_id, role: input.role, added_by: viewer.id })
        .onConflict((oc) => oc.columns(["space_id", "user_id"]).doUpdateSet({ role: input.role }))
        .execute();
      return { ok: true };
    }),
  );
}

export async function removeSpaceMember(db: Database, viewer: Viewer, spaceId: string, userId: string): Promise<Outcome> {
  if (!hasRole(viewer, "admin")) return refused(403, "forums.errors.forbidden");
  return attempt(() =>
    db.withUser(viewer.claims, async (tx): Promise<Outcome> => {
      await tx.deleteFrom("space_members").where("space_id", "=", spaceId).where("user_id", "=", userId).execute();
      return { ok: true };
    }),
  );
}
