// One mail outbox for every capability: mail is written to public.outbox in the
// same breath as the change that caused it, together with a `mail.deliver` job
// (decision 011) that sends it by SMTP (nodemailer) when SMTP_URL is set. Embedded
// mode without SMTP leaves it in the outbox, where /dev/mailbox shows it.
//
// Delivery is at least once: the row is marked sent after the SMTP server accepted
// it (never inside a transaction, rule 4, docs/architecture.md). Each message carries a Message-ID
// made from its outbox id, the same on every attempt, so a resend after a crash
// between "accepted" and "marked sent" is recognisable as the same message.
import type { Logger } from "pino";
import type { JobQueue } from "~/modules/jobs/queue.server";
import { sql } from "kysely";
import type { Database, SystemTx } from "./db.server";
import type { MailAttachment } from "./db-schema";

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  kind: string;
  /** Extra headers (e.g. RFC 8058 List-Unsubscribe); kept in outbox.headers. */
  headers?: Record<string, string>;
  /** Small text attachments (a calendar invitation), kept in the outbox row. */
  attachments?: MailAttachment[];
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

export const MAIL_DELIVER_JOB = "mail.deliver";

export interface Mailer {
  /** Queue inside an open system transaction (the outbox is system-only), or in a new one. */
  enqueue(mail: OutgoingMail, tx?: SystemTx): Promise<void>;
  /** Sends one outbox row unless it was sent already; throws when the SMTP server refuses. */
  deliver(outboxId: number): Promise<"sent" | "already-sent" | "missing">;
  /** Delivery jobs for unsent rows that have none (rows from before the queue); returns how many. */
  sweep(): Promise<number>;
  /** Sends pending mail once; returns how many were sent. */
  flush(): Promise<number>;
  stop(): Promise<void>;
}

/** The Message-ID of an outbox row: stable across attempts (a resend is the same message). */
export function outboxMessageId(outboxId: number, createdAt: Date, from: string): string {
  const domain = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from)?.[1] ?? "passerelle.invalid";
  return `<outbox-${outboxId}.${createdAt.getTime().toString(36)}@${domain}>`;
}

/** The stored headers as nodemailer takes them (anything not a string is left out). */
function stringHeaders(stored: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(stored).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
}

export function createMailer(options: { db: Database; smtpUrl?: string; from: string; logger: Logger; jobs?: JobQueue }): Mailer {
  const { db, logger, jobs } = options;
  let transport: {
    sendMail(m: {
      from: string;
      to: string;
      subject: string;
      text: string;
      headers: Record<string, string>;
      messageId: string;
      attachments?: MailAttachment[];
    }): Promise<unknown>;
    close(): void;
  } | null = null;
  // Without SMTP the mail stays in the outbox (dev mailbox): no delivery job.
  const scheduleDelivery =
    jobs && options.smtpUrl
      ? (tx: SystemTx, outboxId: number) =>
          jobs.schedule({ type: MAIL_DELIVER_JOB, payload: { outboxId }, key: `mail:${outboxId}`, maxAttempts: MAIL_MAX_ATTEMPTS }, tx)
      : null;

  const insert = async (tx: SystemTx, mail: OutgoingMail) => {
    const row = await tx
      .insertInto("outbox")
      .values({
        to_email: mail.to,
        subject: mail.subject,
        body_text: mail.text,
        kind: mail.kind,
        sent_at: null,
        last_error: null,
        headers: JSON.stringify(checkHeaders(mail.headers ?? {})),
        attachments: JSON.stringify(mail.attachments ?? []),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    if (scheduleDelivery) await scheduleDelivery(tx, row.id);
  };

  const getTransport = async () => {
    if (!options.smtpUrl) throw new Error("mail: SMTP_URL is not set");
    if (!transport) {
      const nodemailer = await import("nodemailer");
      transport = nodemailer.createTransport(options.smtpUrl);
    }
    return transport;
  };

  const mailer: Mailer = {
    async enqueue(mail, tx) {
      if (tx) await insert(tx, mail);
      else await db.asSystem("mail: enqueue", (t) => insert(t, mail));
    },
    async deliver(outboxId) {
      const m = await db.asSystem("mail: read outbox row", (tx) =>
        tx.selectFrom("outbox").selectAll().where("id", "=", outboxId).executeTakeFirst(),
      );
      if (!m) return "missing";
      if (m.sent_at) return "already-sent";
      const smtp = await getTransport();
      // Network I/O happens outside any transaction (rule 4, docs/architecture.md).
      try {
        await smtp.sendMail({
          from: options.from,
          to: m.to_email,
          subject: m.subject,
          text: m.body_text,
          headers: stringHeaders(m.headers),
          messageId: outboxMessageId(m.id, new Date(m.created_at), options.from),
          ...(m.attachments?.length ? { attachments: m.attachments } : {}),
        });
      } catch (error) {
        await db.asSystem("mail: mark failure", (tx) =>
          tx
            .updateTable("outbox")
            .set((eb) => ({ attempts: eb("attempts", "+", 1), last_error: String(error).slice(0, 500) }))
            .where("id", "=", m.id)
            .execute(),
        );
        throw error;
      }
      await db.asSystem("mail: mark sent", (tx) =>
        tx.updateTable("outbox").set({ sent_at: new Date() }).where("id", "=", m.id).where("sent_at", "is", null).execute(),
      );
      return "sent";
    },
    async sweep() {
      const schedule = scheduleDelivery;
      if (!schedule) return 0;
      return db.asSystem("mail: delivery jobs for unsent rows", async (tx) => {
        const rows = await tx
          .selectFrom("outbox")
          .select("id")
          .where("sent_at", "is", null)
          .where("attempts", "<", MAIL_MAX_ATTEMPTS)
          .where(({ not, exists, selectFrom }) =>
            not(
              exists(
                selectFrom("jobs")
                  .select("jobs.id")
                  .whereRef("jobs.key", "=", sql<string>`'mail:' || outbox.id`),
              ),
            ),
          )
          .orderBy("id")
          .limit(1000)
          .execute();
        for (const row of rows) await schedule(tx, row.id);
        return rows.length;
      });
    },
    async flush() {
      if (!options.smtpUrl) return 0;
      const pending = await db.asSystem("mail: pick batch", (tx) =>
        tx
          .selectFrom("outbox")
          .select("id")
          .where("sent_at", "is", null)
          .where("attempts", "<", MAIL_MAX_ATTEMPTS)
          .orderBy("id")
          .limit(MAIL_BATCH)
          .execute(),
      );
      let sent = 0;
      for (const m of pending) {
        try {
          if ((await mailer.deliver(m.id)) === "sent") sent += 1;
        } catch (error) {
          logger.warn({ err: error, outboxId: m.id }, "mail delivery failed");
        }
      }
      return sent;
    },
    async stop() {
      transport?.close();
      transport = null;
    },
  };
  return mailer;
}
