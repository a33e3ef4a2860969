// A real SMTP server on loopback (the smtp-server package) that keeps what it was
// sent: each message's Message-ID, recipients and raw size. Delivery tests count on
// it: how many messages arrived, and how many distinct Message-IDs.
import { SMTPServer } from "smtp-server";

export interface SmtpSink {
  url: string;
  /** Message-IDs in arrival order (a resend appears twice). */
  messageIds: string[];
  distinct(): number;
  /** Delay each acceptance (a slow relay), in ms. */
  setDelay(ms: number): void;
  close(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const messageIds: string[] = [];
  let delay = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, _session, callback) {
      let raw = "";
      stream.setEncoding("utf8");
      stream.on("data", (chunk: string) => (raw += chunk));
      stream.on("end", () => {
        const id = /^message-id:\s*(\S+)/im.exec(raw)?.[1] ?? "(none)";
        setTimeout(() => {
          messageIds.push(id);
          callback();
        }, delay);
      });
    },
  });
  server.on("error", () => {});
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const address = server.server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messageIds,
    distinct: () => new Set(messageIds).size,
    setDelay: (ms) => void (delay = ms),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
