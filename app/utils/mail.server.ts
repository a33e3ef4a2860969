// One mail outbox for every capability: mail is written to public.outbox in the
// same breath as the change that caused it, and a worker delivers it (SMTP via
// nodemailer when SMTP_URL is set). Embedded mode leaves it in the outbox, where
// the dev mailbox page (/dev/mailbox) shows it.
import type { Logger } from "pino";
import type { Database, Tx } from "./db.server";

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  kind: string;
  /** Extra headers (e.g. RFC 8058 List-Unsubscribe); kept in outbox.headers. */
  headers?: Record<string, string>;
}

/**
 * RFC 8058 one-click unsubscribe: the provider POSTs `List-Unsubscribe=One-Click` to
 * the https URL (which carries the signed token); RFC 2369 wants it in angle brackets.
 */
export function oneClickUnsubscribeHeaders(url: string): Record<string, string> {
  return { "List-Unsubscribe": `<${url}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" };
}

/** Header names and values we accept: no line breaks (header injection), printable names. */
function checkHeaders(headers: Record<string, string>): Record<string, string> {
  for (const [name, value] of Object.entries(headers)) {
    if (!/^[A-Za-z][A-Za-z0-9-]{0,63}$/.test(name) || /[\r\n]/.test(value)) throw new Error(`mail: refused header ${JSON.stringify(name)}`);
  }
  return headers;
}

export const MAIL_BATCH = 20;
export const MAIL_MAX_ATTEMPTS = 5;

export interface Mailer {
  /** Queue inside an open system transaction, or in a new one. */
  enqueue(mail: OutgoingMail, tx?: Tx): Promise<void>;
  /** Sends pending mail once; returns how many were sent. */
  flush(): Promise<number>;
  start(intervalMs?: number): void;
  stop(): Promise<void>;
}

/** The stored headers as nodemailer takes them (anything not a string is left out). */
function stringHeaders(stored: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(stored).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
}

export function createMailer(options: { db: Database; smtpUrl?: string; from: string; logger: Logger }): Mailer {
  const { db, logger } = options;
  let timer: NodeJS.Timeout | null = null;
  let transport: { sendMail(m: { from: string; to: string; subject: string; text: string; headers: Record<string, string> }): Promise<unknown>; close(): void } | null = null;

  const insert = (tx: Tx, mail: OutgoingMail) =>
    tx.insertInto("outbox").values({
      to_email: mail.to, subject: mail.subject, body_text: mail.text, kind: mail.kind, sent_at: null, last_error: null,
      headers: JSON.stringify(checkHeaders(mail.headers ?? {})),
    }).execute();

  const mailer: Mailer = {
    async enqueue(mail, tx) {
      if (tx) await insert(tx, mail);
      else await db.asSystem("mail: enqueue", (t) => insert(t, mail));
    },
    async flush() {
      if (!options.smtpUrl) return 0;
      if (!transport) {
        const nodemailer = await import("nodemailer");
        transport = nodemailer.createTransport(options.smtpUrl);
      }
      const pending = await db.asSystem("mail: pick batch", (tx) =>
        tx.selectFrom("outbox").selectAll().where("sent_at", "is", null).where("attempts", "<", MAIL_MAX_ATTEMPTS)
          .orderBy("id").limit(MAIL_BATCH).execute(),
      );
      let sent = 0;
      for (const m of pending) {
        // Network I/O happens outside any transaction (DESIGN rule 4).
        try {
          await transport.sendMail({ from: options.from, to: m.to_email, subject: m.subject, text: m.body_text, headers: stringHeaders(m.headers) });
          await db.asSystem("mail: mark sent", (tx) =>
            tx.updateTable("outbox").set({ sent_at: new Date() }).where("id", "=", m.id).execute());
          sent += 1;
        } catch (error) {
          logger.warn({ err: error, outboxId: m.id }, "mail delivery failed");
          await db.asSystem("mail: mark failure", (tx) =>
            tx.updateTable("outbox").set((eb) => ({ attempts: eb("attempts", "+", 1), last_error: String(error).slice(0, 500) }))
              .where("id", "=", m.id).execute());
        }
      }
      return sent;
    },
    start(intervalMs = 5000) {
      if (!options.smtpUrl || timer) return;
      timer = setInterval(() => {
        mailer.flush().catch((error) => logger.error({ err: error }, "mail worker failed"));
      }, intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      transport?.close();
    },
  };
  return mailer;
}
