// Spawns tests/realtime/chat-server-process.ts as a real child process and talks to
// it over IPC. Used by the multi-process tests and by the chat bench.
import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { ChildMessage, ParentMessage } from "./chat-server-process";

const ENTRY = path.join(path.dirname(fileURLToPath(import.meta.url)), "chat-server-process.ts");
const ROOT = path.resolve(path.dirname(ENTRY), "../..");

export interface ServerProcess {
  url: string;
  pid: number;
  child: ChildProcess;
  request<T extends ChildMessage["type"]>(message: Omit<Extract<ParentMessage, { type: T }>, "id">): Promise<Extract<ChildMessage, { type: T }>>;
  /** kill -9: no shutdown, no flush, nothing. */
  kill(): Promise<void>;
  close(): Promise<void>;
}

export async function spawnServer(env: Record<string, string>, options: { timeoutMs?: number } = {}): Promise<ServerProcess> {
  const child = fork(ENTRY, [], {
    cwd: ROOT,
    execArgv: ["--import", "tsx"],
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NODE_ENV: "production", ...env },
    stdio: ["ignore", "ignore", "pipe", "ipc"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString("utf8")).slice(-4000)));
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
    request(message) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        const listener = (answer: ChildMessage) => {
          if (!("id" in answer) || answer.id !== id) return;
          child.off("message", listener);
          if (answer.type === "error") reject(new Error(answer.message));
          else resolve(answer as never);
        };
        child.on("message", listener);
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
