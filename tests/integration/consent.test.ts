// Re-consent: a member whose latest privacy consent is for an older notice version is
// known as such to every request (getViewer), and accepting records the current
// version with its time, as her own row (RLS), after which she is no longer asked.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acceptNotices, getViewer } from "~/modules/accounts/accounts.server";
import { PRIVACY_VERSION } from "~/modules/accounts/consent";
import { getPrivacyPage, savePrivacySettings, withdrawConsent } from "~/modules/privacy/privacy.server";
import { createTestDatabase, createUser, type TestDatabase } from "../setup/test-db";

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
});

afterAll(async () => {
  await t?.cleanup();
});

describe("re-consent when the privacy notice changes", () => {
  it("an older accepted version is stale; accepting records the current version and time", async () => {
    const user = await createUser(t.db);
    expect((await getViewer(t.db, user.claims))?.staleNotices).toEqual([]);
    // She had accepted an earlier notice only.
    await t.db.asSystem("test: an older privacy consent", (tx) =>
      tx.insertInto("consents").values({ user_id: user.id, kind: "privacy", version: "2020-01-01", granted: true }).execute(),
    );
    const viewer = await getViewer(t.db, user.claims);
    expect(viewer?.staleNotices).toEqual(["privacy"]);

    const before = Date.now();
    await acceptNotices(t.db, viewer!, ["privacy"]);
    expect((await getViewer(t.db, user.claims))?.staleNotices).toEqual([]);
    const latest = await t.db.asSystem("test: read back", (tx) =>
      tx
        .selectFrom("consents")
        .select(["version", "granted", "created_at"])
        .where("user_id", "=", user.id)
        .where("kind", "=", "privacy")
        .orderBy("id", "desc")
        .executeTakeFirstOrThrow(),
    );
    expect(latest).toMatchObject({ version: PRIVACY_VERSION, granted: true });
    expect(new Date(latest.created_at).getTime()).toBeGreaterThanOrEqual(before - 5000);
  });

  it("a withdrawn privacy consent is asked again too", async () => {
    const user = await createUser(t.db);
    await t.db.withUser(user.claims, (tx) =>
      tx.insertInto("consents").values({ user_id: user.id, kind: "privacy", version: PRIVACY_VERSION, granted: false }).execute(),
    );
    expect((await getViewer(t.db, user.claims))?.staleNotices).toEqual(["privacy"]);
  });

  it("RLS: nobody records a consent in another member's name", async () => {
    const [me, other] = [await createUser(t.db), await createUser(t.db)];
    const viewer = await getViewer(t.db, me.claims);
    await expect(acceptNotices(t.db, { ...viewer!, id: other.id }, ["privacy"])).rejects.toThrow();
    const rows = await t.db.asSystem("test: read back", (tx) =>
      tx.selectFrom("consents").select("id").where("user_id", "=", other.id).execute(),
    );
    expect(rows).toHaveLength(2);
  });
});

describe("withdrawing optional consents", () => {
  it("turns the feature off where it lives and records the withdrawal with its date; nothing to withdraw is a 409", async () => {
    const user = await createUser(t.db, { directoryOptIn: true });
    const viewer = (await getViewer(t.db, user.claims))!;
    const before = await getPrivacyPage(t.db, viewer);
    expect(before.optional.find((c) => c.kind === "directory")?.on).toBe(true);
    // Forum emails are on until turned off (the forums' default).
    expect(before.optional.find((c) => c.kind === "forum_emails")?.on).toBe(true);
    // Mentor matching is not offered to someone without a mentor profile.
    expect(before.optional.some((c) => c.kind === "mentor_matching")).toBe(false);

    expect(await withdrawConsent(t.db, viewer, "forum_emails")).toEqual({ ok: true });
    expect(await withdrawConsent(t.db, viewer, "directory")).toEqual({ ok: true });
    const after = await getPrivacyPage(t.db, viewer);
    expect(after.optional.filter((c) => c.on).map((c) => c.kind)).toEqual(["notification_emails"]);
    const state = await t.db.asSystem("test: read back", async (tx) => ({
      forum: await tx.selectFrom("forum_email_settings").select("mode").where("user_id", "=", user.id).executeTakeFirst(),
      profile: await tx.selectFrom("profiles").select("directory_opt_in").where("id", "=", user.id).executeTakeFirstOrThrow(),
    }));
    expect(state).toEqual({ forum: { mode: "off" }, profile: { directory_opt_in: false } });
    expect(after.consents.slice(0, 2).map((c) => [c.kind, c.granted, c.version])).toEqual([
      ["directory", false, PRIVACY_VERSION],
      ["forum_emails", false, PRIVACY_VERSION],
    ]);

    const again = await withdrawConsent(t.db, viewer, "directory");
    expect(again).toMatchObject({ ok: false, status: 409 });
    expect((await getPrivacyPage(t.db, viewer)).consents).toHaveLength(after.consents.length);
  });

  it("a settings change that turns an optional use on or off is in the consents history too", async () => {
    const user = await createUser(t.db);
    const viewer = (await getViewer(t.db, user.claims))!;
    await savePrivacySettings(t.db, viewer, { directory: false, presence: true, emailDelayMinutes: null });
    const page = await getPrivacyPage(t.db, viewer);
    expect(
      page.consents
        .filter((c) => c.kind !== "terms" && c.kind !== "privacy")
        .map((c) => [c.kind, c.granted])
        .sort(),
    ).toEqual([
      ["notification_emails", false],
      ["presence", true],
    ]);
  });
});
