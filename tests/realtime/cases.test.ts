// Case pages over Socket.IO against the real server: joining a case's room is checked
// with the reader's rights (a draft, an unverified reader or a malformed id answer
// with an error ack), and a reply posted over HTTP reaches the readers in the room,
// only them, with nothing but ids (each reader reloads the case with their own rights,
// so the presenter's pseudonym and private spaces never travel over the socket).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CASE_LIVE_EVENTS } from "../../app/modules/cases/live-schemas";
import { DEMO_CASE } from "../../app/modules/cases/seed.server";
import { startTestApp, type TestApp } from "../e2e/helpers";
import { appSockets } from "./app-sockets";
import { signedInDemo } from "../security/helpers";

let app: TestApp;
let people: Awaited<ReturnType<typeof signedInDemo>>;
let demoCase = "";
let draft = "";

const { socketOf, ask, next, closeAll } = appSockets(() => app);

beforeAll(async () => {
  app = await startTestApp();
  people = await signedInDemo(app.url);
  demoCase = await app.server.services.db.asSystem(
    "test: find the demo case",
    async (tx) => (await tx.selectFrom("cases").select("id").where("title", "=", String(DEMO_CASE.title)).executeTakeFirstOrThrow()).id,
  );
  const created = await people.mentor.action("/cases/new", "cases.new", {
    title: "Brouillon de la mentore",
    question: "Une question encore en préparation?",
    careSetting: "clsc",
    substances: "fentanyl",
  });
  draft = /\/cases\/([0-9a-f-]{36})/.exec(created.location ?? "")?.[1] ?? "";
  expect(draft, `draft created: ${created.status}`).not.toBe("");
}, 60_000);

afterAll(async () => {
  closeAll();
  await app?.close();
});

describe("case rooms", () => {
  it("joins only cases the reader may read, with a validated payload", async () => {
    const reader = await socketOf(people.admin);
    expect(await ask(reader, CASE_LIVE_EVENTS.join, { caseId: demoCase })).toEqual({ ok: true });
    // Someone else's draft, an unknown case, a malformed id, an extra field.
    expect(await ask(reader, CASE_LIVE_EVENTS.join, { caseId: draft })).toEqual({ ok: false, error: "not_found" });
    expect(await ask(reader, CASE_LIVE_EVENTS.join, { caseId: "00000000-0000-4000-8000-000000000000" })).toEqual({
      ok: false,
      error: "not_found",
    });
    expect(await ask(reader, CASE_LIVE_EVENTS.join, { caseId: "1; drop table cases" })).toMatchObject({
      ok: false,
      error: "invalid_payload",
    });
    expect(await ask(reader, CASE_LIVE_EVENTS.join, { caseId: demoCase, extra: true })).toMatchObject({
      ok: false,
      error: "invalid_payload",
    });
    // An unverified member cannot read a case, so cannot listen to one either.
    const unverified = await socketOf(people.nouveau);
    expect(await ask(unverified, CASE_LIVE_EVENTS.join, { caseId: demoCase })).toEqual({ ok: false, error: "not_found" });
    expect(await ask(await socketOf(people.mentor), CASE_LIVE_EVENTS.join, { caseId: draft })).toEqual({ ok: true });
  });

  it("a reply posted over HTTP reaches the readers in the room, and only them, as ids", async () => {
    const reader = await socketOf(people.membre);
    const elsewhere = await socketOf(people.admin);
    expect(await ask(reader, CASE_LIVE_EVENTS.join, { caseId: demoCase })).toEqual({ ok: true });
    let elsewhereGot = false;
    elsewhere.on(CASE_LIVE_EVENTS.post, () => {
      elsewhereGot = true;
    });
    const arrival = next(reader, CASE_LIVE_EVENTS.post);
    const res = await people.mentor.action(`/cases/${demoCase}`, "cases.$id", {
      intent: "reply",
      body: "Une réponse en direct sur le cas",
    });
    expect(res.status).toBe(204);
    const event = await arrival;
    expect(event).toMatchObject({ caseId: demoCase, kind: "reply" });
    expect(Object.keys(event as object).sort()).toEqual(["caseId", "kind", "postId"]);
    // After leaving, nothing more arrives.
    expect(await ask(reader, CASE_LIVE_EVENTS.leave, { caseId: demoCase })).toEqual({ ok: true });
    let afterLeave = false;
    reader.on(CASE_LIVE_EVENTS.post, () => {
      afterLeave = true;
    });
    expect((await people.mentor.action(`/cases/${demoCase}`, "cases.$id", { intent: "reply", body: "Une deuxième réponse" })).status).toBe(
      204,
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(afterLeave).toBe(false);
    expect(elsewhereGot).toBe(false);
  });
});
