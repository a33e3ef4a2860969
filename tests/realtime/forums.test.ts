// Forums over Socket.IO against the real server: joining a topic's room is checked
// with the reader's rights (a private topic answers not_found), payloads are
// validated, and a reply published over HTTP reaches the readers in the room, only
// them, with nothing but ids (each reader fetches the post with their own rights).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FORUM_LIVE_EVENTS } from "../../app/modules/forums/live-schemas";
import { startTestApp, type TestApp } from "../e2e/helpers";
import { appSockets } from "./app-sockets";
import { DEMO, signedIn, type Client } from "../security/helpers";

let app: TestApp;
let membre: Client;
let mentor: Client;
let admin: Client;
const topics = { induction: 0, managers: 0 };

const { socketOf, ask, next, closeAll } = appSockets(() => app);

beforeAll(async () => {
  app = await startTestApp();
  membre = await signedIn(app.url, DEMO.membre);
  mentor = await signedIn(app.url, DEMO.mentor);
  admin = await signedIn(app.url, DEMO.admin);
  await app.server.services.db.asSystem("test: find topics", async (tx) => {
    topics.induction = (await tx.selectFrom("forum_topics").select("id").where("title", "like", "Induction%").executeTakeFirstOrThrow()).id;
    topics.managers = (
      await tx.selectFrom("forum_topics").select("id").where("title", "like", "Ordre du jour%").executeTakeFirstOrThrow()
    ).id;
  });
}, 60_000);

afterAll(async () => {
  closeAll();
  await app?.close();
});

describe("forum rooms", () => {
  it("joins only topics the reader may read, with a validated payload", async () => {
    const socket = await socketOf(membre);
    expect(await ask(socket, FORUM_LIVE_EVENTS.join, { topicId: topics.induction })).toEqual({ ok: true });
    expect(await ask(socket, FORUM_LIVE_EVENTS.join, { topicId: topics.managers })).toEqual({ ok: false, error: "not_found" });
    expect(await ask(socket, FORUM_LIVE_EVENTS.join, { topicId: 999_999 })).toEqual({ ok: false, error: "not_found" });
    expect(await ask(socket, FORUM_LIVE_EVENTS.join, { topicId: "1; drop table" })).toMatchObject({ ok: false, error: "invalid_payload" });
    expect(await ask(socket, FORUM_LIVE_EVENTS.join, { topicId: topics.induction, extra: true })).toMatchObject({
      ok: false,
      error: "invalid_payload",
    });
    const asAdmin = await socketOf(admin);
    expect(await ask(asAdmin, FORUM_LIVE_EVENTS.join, { topicId: topics.managers })).toEqual({ ok: true });
  });

  it("a reply published over HTTP reaches the readers in the room, and only them", async () => {
    const reader = await socketOf(membre);
    const outsider = await socketOf(admin);
    expect(await ask(reader, FORUM_LIVE_EVENTS.join, { topicId: topics.induction })).toEqual({ ok: true });
    let outsiderGot = false;
    outsider.on(FORUM_LIVE_EVENTS.post, () => {
      outsiderGot = true;
    });
    const arrival = next(reader, FORUM_LIVE_EVENTS.post);
    const res = await mentor.action(`/forums/t/${topics.induction}`, "forums.t.$id", { intent: "reply", body: "Une réponse en direct" });
    expect(res.status).toBe(204);
    const event = await arrival;
    expect(event).toMatchObject({ topicId: topics.induction, authorName: "Marc-André Lévesque" });
    expect(Object.keys(event as object).sort()).toEqual(["authorName", "postId", "postNumber", "topicId"]);
    // The reader fetches the post itself, with their own rights.
    const post = await membre.get(`/forums/api/posts/${(event as { postId: number }).postId}`);
    expect(post.json<{ post: { html: string } }>().post.html).toBe("<p>Une réponse en direct</p>");
    await new Promise((r) => setTimeout(r, 200));
    expect(outsiderGot).toBe(false);

    // After leaving, nothing more arrives.
    expect(await ask(reader, FORUM_LIVE_EVENTS.leave, { topicId: topics.induction })).toEqual({ ok: true });
    let late = false;
    reader.on(FORUM_LIVE_EVENTS.post, () => {
      late = true;
    });
    expect((await mentor.action(`/forums/t/${topics.induction}`, "forums.t.$id", { intent: "reply", body: "Encore une" })).status).toBe(
      204,
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(late).toBe(false);
  });

  it("a post fetched by someone who may not read it answers 404", async () => {
    const row = await app.server.services.db.asSystem("test", (tx) =>
      tx.selectFrom("forum_posts").select("id").where("topic_id", "=", topics.managers).executeTakeFirstOrThrow(),
    );
    expect((await membre.get(`/forums/api/posts/${row.id}`)).status).toBe(404);
    expect((await admin.get(`/forums/api/posts/${row.id}`)).status).toBe(200);
  });
});
