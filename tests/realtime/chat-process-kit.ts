// Spawns tests/realtime/chat-server-process.ts as a real child process and talks to
// it over IPC. Used by the multi-process tests and by the chat bench.
import { fork, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { assertFreshBuild } from "../setup/fresh-build";
import type { ChildMessage, ParentMessage } from "./chat-server-process";

const ENTRY = path.join(path.dirname(fileURLToPath(import.meta.url)), "chat-server-process.ts");
const ROOT = path.resolve(path.dirname(ENTRY), "../..");

export interface ServerProcess {
  url: string;
  pid: number;
  child: ChildProcess;
  /** The last few kB the process wrote to stderr (why it died, when it did). */
  stderr(): string;
  request<T extends ChildMessage["type"]>(
    message: Omit<Extract<ParentMessage, { type: T }>, "id">,
  ): Promise<Extract<ChildMessage, { type: T }>>;
  /** kill -9: no shutdown, no flush, nothing. */
  kill(): Promise<void>;
  close(): Promise<void>;
}

export async function spawnServer(
  env: Record<string, string>,
  options: {
    timeoutMs?: number;
    requestTimeoutMs?: number;
    /** Appends everything the process writes (stdout and stderr) to this file: the run's server log. */
    logFile?: string;
  } = {},
): Promise<ServerProcess> {
  if (env.CHAT_BARE !== "1") assertFreshBuild();
  const child = fork(ENTRY, [], {
    cwd: ROOT,
    execArgv: ["--import", "tsx"],
    // The tests and the bench open hundreds of sockets from one loopback address, as no real
    // client does: the handshake limit is off unless a test sets it (it has a test of its own).
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      NODE_ENV: "production",
      REALTIME_HANDSHAKES_PER_MINUTE: "0",
      ...env,
    },
    stdio: ["ignore", options.logFile ? "pipe" : "ignore", "pipe", "ipc"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString("utf8")).slice(-4000)));
  if (options.logFile) {
    const log = createWriteStream(options.logFile, { flags: "a" });
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    child.once("exit", () => log.end());
  }
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const ready = await new Promise<Extract<ChildMessage, { type: "ready" }>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server process not ready in time\n${stderr}`)), options.timeoutMs ?? 60_000);
    child.on("message", (message: ChildMessage) => {
      if (message.type === "ready") {
        clearTimeout(timer);
        resolve(message);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server process exited (${code}) before it was ready\n${stderr}`));
    });
  });
  let nextId = 1;
  return {
    url: ready.url,
    pid: ready.pid,
    child,
    stderr: () => stderr,
    request(message) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        // A process that died (kill -9, a crash) or stays silent must not leave the caller waiting forever.
        const done = () => {
          child.off("message", listener);
          child.off("exit", onExit);
          clearTimeout(timer);
        };
        const listener = (answer: ChildMessage) => {
          if (!("id" in answer) || answer.id !== id) return;
          done();
          if (answer.type === "error") reject(new Error(answer.message));
          else resolve(answer as never);
        };
        const onExit = () => {
          done();
          reject(new Error(`server process exited before answering ${message.type}\n${stderr}`));
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`server process did not answer ${message.type} in time`));
        }, options.requestTimeoutMs ?? 600_000);
        if (child.exitCode !== null || child.signalCode !== null) return onExit();
        child.on("message", listener);
        child.once("exit", onExit);
        child.send({ ...message, id });
      });
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.send({ type: "close", id: 0 });
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
