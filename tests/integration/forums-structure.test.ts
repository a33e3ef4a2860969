// A production start (no demo content) on a fresh database still has the forums'
// structure: the theme categories of quebec.json's topics and the TUO guide's
// propositions, the 18 region spaces and the discipline spaces (decision 008). The
// services start exactly as `npm start` does: PGlite in a data directory, or PostgreSQL
// with DATABASE_URL (a login role that owns nothing) and MIGRATION_DATABASE_URL.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { inject } from "vitest";
import quebec from "../../supabase/data/quebec.json";
import { createServices, type CoreServices } from "../../server/services";
import { DISCIPLINE_SPACES, THEME_TOPICS } from "~/modules/forums/seed.server";
import { parseEnv } from "~/utils/env.server";
import { adminUrl, APP_ROLE, APP_ROLE_PASSWORD, quoteIdent, uniqueDbName, withAdmin, withDatabase } from "../setup/db-env";

const logger = pino({ level: "silent" });
let dataDir: string;
let databaseName: string | null = null;
let env: Record<string, string>;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), "passerelle-structure-"));
  env = { NODE_ENV: "production", DATA_DIR: dataDir, LOG_LEVEL: "silent", SEED_DEMO: "false" };
  if (inject("testDb").kind === "postgres") {
    const name = uniqueDbName("db");
    databaseName = name;
    await withAdmin((client) => client.query(`create database ${quoteIdent(name)}`));
    env.MIGRATION_DATABASE_URL = withDatabase(adminUrl(), name);
    env.DATABASE_URL = withDatabase(adminUrl(), name, { name: APP_ROLE, password: APP_ROLE_PASSWORD });
  }
}, 60_000);

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
  const name = databaseName;
  if (name) await withAdmin((client) => client.query(`drop database if exists ${quoteIdent(name)} with (force)`));
});

async function start(): Promise<CoreServices> {
  return createServices(parseEnv(env), logger);
}

async function structure(services: CoreServices) {
  return services.db.asSystem("test: read the forum structure", async (tx) => ({
    spaces: await tx
      .selectFrom("spaces")
      .select(["id", "slug", "kind", "visibility", "region_code", "discipline_code"])
      .orderBy("slug")
      .execute(),
    categories: await tx
      .selectFrom("forum_categories")
      .select(["slug", "space_id", "topic_code", "name_fr", "archived_at"])
      .orderBy("slug")
      .execute(),
    people: Number(
      (
        await tx
          .selectFrom("profiles")
          .select((eb) => eb.fn.countAll().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    ),
  }));
}

describe("a production start without demo content", () => {
  test("creates the theme, guide, region and discipline spaces and categories, once", async () => {
    const first = await start();
    let found: Awaited<ReturnType<typeof structure>>;
    try {
      found = await structure(first);
      // No demo: nobody exists, yet the forums have their places.
      expect(found.people).toBe(0);
      const regions = found.spaces.filter((s) => s.kind === "region");
      expect(regions.map((s) => s.region_code).sort()).toEqual(quebec.regions.map((r) => r.code).sort());
      expect(regions).toHaveLength(18);
      expect(regions.every((s) => s.visibility === "verified")).toBe(true);
      for (const region of regions)
        expect(
          found.categories.some((c) => c.space_id === region.id),
          region.slug,
        ).toBe(true);

      const disciplines = found.spaces.filter((s) => s.kind === "discipline");
      expect(disciplines.map((s) => s.discipline_code).sort()).toEqual(DISCIPLINE_SPACES.map((d) => d.discipline).sort());
      expect(disciplines.map((s) => s.discipline_code)).toEqual(expect.arrayContaining(["pharmacien", "pair_aidant"]));

      const quebecSpace = found.spaces.find((s) => s.slug === "quebec");
      const themes = found.categories.filter((c) => c.space_id === quebecSpace?.id);
      const topicCodes = new Set(quebec.topics.map((t) => t.code));
      expect(
        themes
          .map((c) => c.topic_code)
          .filter((code) => code !== null)
          .sort(),
      ).toEqual(THEME_TOPICS.filter((code) => topicCodes.has(code)).sort());
      expect(themes.map((c) => c.topic_code)).toEqual(
        expect.arrayContaining(["tao", "safer_supply", "sante_mentale", "itinerance", "organisation_services"]),
      );
      // The 10 propositions of the Quebec TUO guide have their own category.
      expect(themes.find((c) => c.slug === "guide-tuo")?.name_fr).toMatch(/10 propositions/);
      // Unverified members have somewhere to go: the public welcome space.
      expect(found.spaces.find((s) => s.slug === "accueil")?.visibility).toBe("public");

      // A moderator renames and archives a category.
      await first.db.asSystem("test: a moderator's changes", (tx) =>
        tx
          .updateTable("forum_categories")
          .set({ name_fr: "TAO au quotidien", archived_at: new Date() })
          .where("slug", "=", "tao")
          .execute(),
      );
    } finally {
      await first.close();
    }

    // The next start (or another process) adds nothing twice and undoes nothing.
    const second = await start();
    try {
      const again = await structure(second);
      expect(again.spaces.map((s) => s.slug)).toEqual(found.spaces.map((s) => s.slug));
      expect(again.categories.map((c) => c.slug)).toEqual(found.categories.map((c) => c.slug));
      const tao = again.categories.find((c) => c.slug === "tao");
      expect(tao?.name_fr).toBe("TAO au quotidien");
      expect(tao?.archived_at).not.toBeNull();
    } finally {
      await second.close();
    }
  }, 180_000);
});
