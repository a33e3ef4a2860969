// The identifier guard on chat, against the real server: a message (or an edit) with a
// possible patient identifier is refused in the socket's ack with the findings, nothing
// is stored or broadcast; marking each finding (with a reason) lets it through. The
// same refusal without JavaScript is a 400 page listing the findings.
import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { ChatMessage } from "../../app/modules/chat/schemas";
import { ask, closeSockets, inbox, online, people, postForm, settle, startChatApp, type ChatApp } from "./chat-kit";
import { countWhere, createGroup, type Person } from "./chat-people";

let app: ChatApp;
let alice: Person, bob: Person;
let group: string;

beforeAll(async () => {
  app = await startChatApp();
  const [a, b] = await people(app, [{ name: "Alice Tremblay" }, { name: "Bruno Roy" }]);
  if (!a || !b) throw new Error("people");
  [alice, bob] = [a, b];
  group = await createGroup(app.db, [alice, bob], "Équipe TAO");
}, 120_000);
afterEach(() => closeSockets());
afterAll(() => app?.close());

const LEAKY = "Mme Gagnon, née le 12/03/1985, NAM GAGM85031212, au 514 555-0134 : elle a rechuté.";
const inGroup = () => countWhere(app.db, "messages", sql<boolean>`conversation_id = ${group}::uuid`);

describe("chat and the identifier guard", () => {
  it("acks a refusal with the findings in context; nothing is stored or broadcast", async () => {
    const [a, b] = await Promise.all([online(app, alice), online(app, bob)]);
    const atB = inbox<ChatMessage>(b, "chat:message");
    const before = await inGroup();
    const ack = await ask(a, "chat:send", { conversationId: group, clientId: randomUUID(), body: LEAKY });
    expect(ack).toMatchObject({ ok: false, error: "identifiers" });
    expect(ack.findings).toEqual([
      expect.objectContaining({ field: "body", kind: "name", match: "Gagnon", before: "Mme " }),
      expect.objectContaining({ kind: "date_of_birth", match: "12/03/1985" }),
      expect.objectContaining({ kind: "nam", match: "GAGM85031212" }),
      expect.objectContaining({ kind: "phone", match: "514 555-0134", after: expect.stringContaining(" : elle a rechuté") }),
    ]);
    await settle();
    expect(atB).toEqual([]);
    expect(await inGroup()).toBe(before);
  });

  it("goes through once each finding is marked with a reason, and the edit guard refuses a new identifier", async () => {
    const [a, b] = await Promise.all([online(app, alice), online(app, bob)]);
    const atB = inbox<ChatMessage>(b, "chat:message");
    const body = "Ligne d'aide de l'organisme : 1 866 555-0199.";
    const overrides = [{ field: "body", kind: "phone", match: "1 866 555-0199", reason: "Ligne publique d'un organisme" }];
    const short = await ask(a, "chat:send", {
      conversationId: group,
      clientId: randomUUID(),
      body,
      overrides: [{ ...overrides[0], reason: "ok" }],
    });
    expect(short).toMatchObject({ ok: false });
    const sent = await ask(a, "chat:send", { conversationId: group, clientId: randomUUID(), body, overrides });
    expect(sent.ok).toBe(true);
    const message = sent.message as ChatMessage;
    expect(message.body).toBe(body);
    const stored = await app.db.asSystem("test: read back", (tx) =>
      tx.selectFrom("identifier_overrides").select(["match", "reason"]).where("message_id", "=", message.id).execute(),
    );
    expect(stored).toEqual([{ match: "1 866 555-0199", reason: "Ligne publique d'un organisme" }]);
    const edit = await ask(a, "chat:edit", { messageId: message.id, body: `${body} Ou Mme Gagnon.` });
    expect(edit).toMatchObject({ ok: false, error: "identifiers", findings: [expect.objectContaining({ kind: "name", match: "Gagnon" })] });
    await settle();
    expect(atB.map((m) => m.body)).toEqual([body]);
  });

  it("without JavaScript, the form gets a 400 page that lists each finding with a box to mark it", async () => {
    const before = await inGroup();
    const response = await postForm(app, alice, `/chat/${group}`, { intent: "send", clientId: randomUUID(), body: LEAKY });
    expect(response.status).toBe(400);
    for (const text of ["GAGM85031212", "514 555-0134", "12/03/1985", "overrides.0.key", "overrides.3.reason"])
      expect(response.text).toContain(text);
    expect(await inGroup()).toBe(before);
  });
});
