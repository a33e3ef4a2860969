// The mail outbox keeps each message's headers (RFC 8058 one-click unsubscribe) and
// the worker hands them to nodemailer when SMTP is configured. The SMTP relay is a
// small in-process server speaking the protocol on loopback (not a mock of our code:
// nodemailer really connects and sends), which records what it was given.
import net from "node:net";
import { sql } from "kysely";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createMailer, oneClickUnsubscribeHeaders } from "~/utils/mail.server";
import { createTestDatabase, type TestDatabase } from "../setup/test-db";

const logger = pino({ level: "silent" });
let t: TestDatabase;
let relay: { port: number; messages: string[]; close(): Promise<void> };

/** A minimal SMTP server: greets, accepts every command, and keeps each DATA section. */
async function startSmtpRelay(): Promise<typeof relay> {
  const messages: string[] = [];
  const server = net.createServer((socket) => {
    let buffer = "";
    let inData = false;
    socket.write("220 relay.test ESMTP\r\n");
    socket.on("data", (chunk) => {
      buffer += chunk.toString("utf8");
      for (;;) {
        if (inData) {
          const end = buffer.indexOf("\r\n.\r\n");
          if (end < 0) return;
          messages.push(buffer.slice(0, end));
          buffer = buffer.slice(end + 5);
          inData = false;
          socket.write("250 queued\r\n");
          continue;
        }
        const eol = buffer.indexOf("\r\n");
        if (eol < 0) return;
        const line = buffer.slice(0, eol);
        buffer = buffer.slice(eol + 2);
        const verb = line.split(" ")[0]?.toUpperCase();
        if (verb === "EHLO" || verb === "HELO") socket.write("250 relay.test\r\n");
        else if (verb === "DATA") {
          inData = true;
          socket.write("354 go ahead\r\n");
        } else if (verb === "QUIT") socket.end("221 bye\r\n");
        else socket.write("250 ok\r\n");
      }
    });
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return { port, messages, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

beforeAll(async () => {
  t = await createTestDatabase();
  relay = await startSmtpRelay();
});
afterAll(async () => {
  await relay?.close();
  await t?.cleanup();
});

describe("mail headers", () => {
  test("one-click unsubscribe headers are stored with the message and sent over SMTP", async () => {
    const mailer = createMailer({ db: t.db, smtpUrl: `smtp://127.0.0.1:${relay.port}`, from: "passerelle@example.org", logger });
    const link = "https://passerelle.example/forums/unsubscribe?token=abc.def";
    await mailer.enqueue({
      to: "ana@example.org",
      subject: "Bonjour",
      text: "Un message",
      kind: "forum_notification",
      headers: oneClickUnsubscribeHeaders(link),
    });
    await mailer.enqueue({ to: "ben@example.org", subject: "Sans en-tête", text: "Un autre", kind: "password_reset" });
    const stored = await t.db.asSystem("test: read the outbox", (tx) =>
      tx.selectFrom("outbox").select(["to_email", "headers"]).orderBy("id").execute(),
    );
    expect(stored).toEqual([
      { to_email: "ana@example.org", headers: { "List-Unsubscribe": `<${link}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" } },
      { to_email: "ben@example.org", headers: {} },
    ]);

    expect(await mailer.flush()).toBe(2);
    await mailer.stop();
    expect(relay.messages).toHaveLength(2);
    // Long headers may be folded (RFC 5322): unfold before reading them.
    const [toAna, toBen] = relay.messages.map((m) => m.replace(/\r\n[ \t]+/g, " "));
    expect(toAna).toContain(`List-Unsubscribe: <${link}>`);
    expect(toAna).toContain("List-Unsubscribe-Post: List-Unsubscribe=One-Click");
    expect(toBen).not.toContain("List-Unsubscribe");
    const unsent = await t.db.asSystem("test: pending mail", (tx) =>
      tx.selectFrom("outbox").select("id").where("sent_at", "is", null).execute(),
    );
    expect(unsent).toEqual([]);
  });

  test("a header with a line break (header injection) is refused before anything is stored", async () => {
    const mailer = createMailer({ db: t.db, from: "passerelle@example.org", logger });
    await expect(
      mailer.enqueue({
        to: "x@example.org",
        subject: "s",
        text: "t",
        kind: "k",
        headers: { "List-Unsubscribe": "<https://a>\r\nBcc: y@example.org" },
      }),
    ).rejects.toThrow(/refused header/);
    const rows = await t.db.asSystem("test", (tx) =>
      tx.selectFrom("outbox").select("id").where("to_email", "=", "x@example.org").execute(),
    );
    expect(rows).toEqual([]);
    // The table itself keeps to an object of strings.
    await expect(
      t.db.asSystem("test: a bad row", (tx) =>
        sql`insert into public.outbox (to_email, subject, body_text, kind, headers) values ('x@example.org', 's', 't', 'k', '{"n": 1}')`.execute(
          tx,
        ),
      ),
    ).rejects.toThrow(/outbox_headers_shape/);
  });
});
