// A Passerelle server in a process of its own, for the fault test (kill -9 during a
// burst), the scale-out tests (two processes, one database) and the chat bench.
// Started with the environment it is given (DATABASE_URL, DATA_DIR, REDIS_URL…), it
// tells its parent its URL over IPC, answers a few IPC requests, and serves until
// killed. Run with: node --import tsx tests/realtime/chat-server-process.ts
// With CHAT_BARE=1 it is instead a bare Socket.IO server (no session, no database:
// join a room, send → ack → broadcast), the baseline of the chat bench.
import http from "node:http";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { Server } from "socket.io";
import { REALTIME_MAX_PAYLOAD_BYTES, REALTIME_PATH } from "../../app/modules/realtime/schemas";
import { parseEnv } from "../../app/utils/env.server";
import { startServer } from "../../server/index";
import { createGroup, createPeople } from "./chat-people";

export type ParentMessage =
  | { type: "people"; id: number; count: number; groups: number[] }
  | { type: "stats"; id: number; reset?: boolean }
  | { type: "close"; id: number };
export type ChildMessage =
  | { type: "ready"; url: string; pid: number }
  | { type: "people"; id: number; people: Array<{ id: string; cookie: string }>; groups: string[] }
  | { type: "stats"; id: number; eventLoopLagP99Ms: number; rssBytes: number }
  | { type: "closed"; id: number }
  | { type: "error"; id: number; message: string };

const env = parseEnv({ HOST: "127.0.0.1", LOG_LEVEL: "silent", ...process.env });
const running = process.env.CHAT_BARE === "1" ? await startBare(env.PORT) : await startServer(env);

/** The baseline: what Socket.IO alone costs for the same traffic. */
async function startBare(port: number) {
  const server = http.createServer();
  const io = new Server(server, { path: REALTIME_PATH, serveClient: false, maxHttpBufferSize: REALTIME_MAX_PAYLOAD_BYTES });
  io.on("connection", (socket) => {
    socket.on("bare:join", (rooms: string[], ack: () => void) => {
      void socket.join(rooms);
      ack();
    });
    socket.on("bare:send", (message: { conversationId: string; clientId: string; body: string }, ack: (a: unknown) => void) => {
      ack({ ok: true });
      setImmediate(() => socket.to(`conversation:${message.conversationId}`).emit("chat:message", message));
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", () => resolve()));
  const address = server.address();
  return {
    port: typeof address === "object" && address ? address.port : port,
    services: null,
    close: () => new Promise<void>((resolve) => io.close(() => resolve())),
  };
}
const lag = monitorEventLoopDelay({ resolution: 10 });
lag.enable();
const reply = (message: ChildMessage) => process.send?.(message);

process.on("message", (raw: ParentMessage) => {
  void (async () => {
    try {
      switch (raw.type) {
        case "people": {
          // The bench's population, made by the process that owns the (possibly embedded) database.
          if (!running.services) throw new Error("the bare server has no database");
          const { db } = running.services;
          const people = await createPeople(
            db,
            Array.from({ length: raw.count }, () => ({})),
          );
          const groups: string[] = [];
          let next = 0;
          for (const size of raw.groups) {
            const members = size >= people.length ? people : people.slice(next, next + size);
            if (size < people.length) next += size;
            groups.push(await createGroup(db, members, `Groupe ${groups.length + 1}`));
          }
          reply({ type: "people", id: raw.id, people: people.map((p) => ({ id: p.id, cookie: p.cookie })), groups });
          break;
        }
        case "stats":
          reply({ type: "stats", id: raw.id, eventLoopLagP99Ms: lag.percentile(99) / 1e6, rssBytes: process.memoryUsage().rss });
          if (raw.reset) lag.reset();
          break;
        case "close":
          await running.close();
          reply({ type: "closed", id: raw.id });
          process.exit(0);
      }
    } catch (error) {
      reply({ type: "error", id: raw.id, message: error instanceof Error ? error.message : String(error) });
    }
  })();
});
process.once("disconnect", () => process.exit(0));
reply({ type: "ready", url: `http://127.0.0.1:${running.port}`, pid: process.pid });
