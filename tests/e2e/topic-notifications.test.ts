// Opening a topic reads its notifications: a member who follows an email link (or
// any link) straight to a topic sees her bell drop, and the notifications about that
// topic — and only those — are read. Without JavaScript, the page's "mark as read"
// button does the same (no GET changes state).
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { createNotifications } from "../../app/modules/notifications/notifications.server";
import { forumApp } from "./forums-kit";
import { expectAccessible } from "./helpers";

const kit = forumApp();

const WELCOME = "Bienvenue sur Passerelle : comment nous échangeons";
const GUIDE = "Les 10 propositions du guide québécois sur le TUO";

/** Two topics, and a fresh notification about each for the member (as a watched topic's new post makes). */
async function notifyAboutTwoTopics(email: string) {
  return kit.app.server.services.db.asSystem("test: notifications about two topics", async (tx) => {
    const user = await tx.selectFrom("auth.users").select("id").where("email", "=", email).executeTakeFirstOrThrow();
    const topics = await tx
      .selectFrom("forum_topics")
      .select(["id", "title", "highest_post_number"])
      .where("title", "in", [WELCOME, GUIDE])
      .execute();
    const welcome = topics.find((t) => t.title === WELCOME);
    const guide = topics.find((t) => t.title === GUIDE);
    if (!welcome || !guide) throw new Error("demo topics missing");
    // She has read every post already: only the notification is new.
    for (const t of [welcome, guide]) {
      await sql`insert into public.forum_topic_reads (user_id, topic_id, last_read_post_number)
                values (${user.id}, ${t.id}, ${t.highest_post_number})
                on conflict (user_id, topic_id) do update set last_read_post_number = excluded.last_read_post_number`.execute(tx);
    }
    const [aboutWelcome, aboutGuide] = await createNotifications(
      tx,
      [welcome, guide].map((t) => ({
        userId: user.id,
        kind: "forums.post",
        payload: { actorName: "Geneviève Roy", title: t.title, url: `/forums/t/${t.id}`, topicId: t.id },
        dedupeKey: `forums.post:${t.id}:${Math.random()}`,
      })),
    );
    return { userId: user.id, welcome, guide, aboutWelcome: aboutWelcome?.id ?? 0, aboutGuide: aboutGuide?.id ?? 0 };
  });
}

async function readAt(id: number) {
  const row = await kit.app.server.services.db.asSystem("test: read state", (tx) =>
    tx.selectFrom("notifications").select("read_at").where("id", "=", id).executeTakeFirstOrThrow(),
  );
  return row.read_at;
}

describe("opening a topic reads its notifications", () => {
  it("the bell drops as soon as the topic is shown; notifications about other topics stay unread", async () => {
    const isabelle = await kit.person("membre@passerelle.test");
    const seeded = await notifyAboutTwoTopics("membre@passerelle.test");
    const bell = () =>
      isabelle.page
        .locator(".chat-bell .chat-badge [aria-hidden]")
        .textContent()
        .catch(() => null);

    await isabelle.page.goto(`${kit.app.url}/forums`);
    const before = Number((await bell()) ?? "0");
    expect(before).toBeGreaterThanOrEqual(2);

    // Straight to the topic, as from an email's link.
    await isabelle.page.goto(`${kit.app.url}/forums/t/${seeded.welcome.id}`);
    await expect.poll(() => isabelle.page.textContent("h1")).toBe(WELCOME);
    await expect.poll(() => readAt(seeded.aboutWelcome), { timeout: 15_000 }).not.toBeNull();
    await expect.poll(async () => Number((await bell()) ?? "0"), { timeout: 15_000 }).toBe(before - 1);
    expect(await readAt(seeded.aboutGuide)).toBeNull();
    await expectAccessible(isabelle.page, "topic with its notifications read");

    // Still so after a reload: it was stored, not only shown.
    await isabelle.page.reload();
    await expect.poll(async () => Number((await bell()) ?? "0")).toBe(before - 1);
    expect(isabelle.problems).toEqual([]);
    await isabelle.context.close();
  }, 120_000);

  it("without JavaScript, the page's mark-as-read button reads them (the GET alone changes nothing)", async () => {
    const marc = await kit.person("mentor@passerelle.test", { javaScriptEnabled: false });
    const seeded = await notifyAboutTwoTopics("mentor@passerelle.test");
    await marc.page.goto(`${kit.app.url}/forums/t/${seeded.guide.id}`);
    expect(await readAt(seeded.aboutGuide)).toBeNull();
    await Promise.all([marc.page.waitForLoadState("load"), marc.page.click('button:has-text("Marquer comme lu")')]);
    await expect.poll(() => readAt(seeded.aboutGuide)).not.toBeNull();
    expect(await readAt(seeded.aboutWelcome)).toBeNull();
    await marc.context.close();
  }, 120_000);
});
