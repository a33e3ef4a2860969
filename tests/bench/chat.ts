// Chat load: 1 000 authenticated sockets in rooms (100 rooms of 10 and one
// room of all 1 000), sending at a fixed rate for a bounded time on loopback, against
// the real server in a child process (tests/realtime/chat-server-process.ts), then the
// same traffic against a bare Socket.IO server in the same run. Prints chat.connect.per_s
// (sessions checked, rooms joined, first unread summary answered), then:
//   chat.deliveries_per_s, chat.fanout.p50_ms/p95_ms/p99_ms (send → delivery at every
//   other member; .small_rooms.p95_ms for the rooms of 10 alone), chat.ack.p95_ms
//   (send → ack: persisted), chat.messages_per_s,
//   chat.event_loop_lag.p99_ms and chat.server_rss_bytes (the server process),
//   chat.delivered_ratio (delivered ÷ expected), chat.bare.* and chat.deliveries_vs_bare.
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { io, type Socket } from "socket.io-client";
import { REALTIME_PATH } from "../../app/modules/realtime/schemas";
import { freePort } from "../e2e/helpers";
import { spawnServer, type ServerProcess } from "../realtime/chat-process-kit";

type Unit = "ms" | "rps" | "per_s" | "bytes" | "ratio" | "count";
export type Emit = (bench: string, value: number, unit: Unit, extra?: Record<string, unknown>) => void;

const SOCKETS = Number(process.env.CHAT_BENCH_SOCKETS ?? 1000);
const SMALL_ROOMS = 100;
const SMALL_ROOM_SIZE = 10;
const SECONDS = Number(process.env.CHAT_BENCH_SECONDS ?? 10);
/** Messages per second into random small rooms, and into the room of everyone. */
const SMALL_RATE = 50;
const BIG_RATE = 2;
const CONNECT_BATCH = 50;
const SETTLE_MS = 5_000;

const percentile = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Room {
  id: string;
  members: number[];
}

function connect(url: string, cookie: string | null): Promise<Socket> {
  const socket = io(url, {
    path: REALTIME_PATH,
    transports: ["websocket"],
    reconnection: false,
    forceNew: true,
    timeout: 20_000,
    extraHeaders: { origin: url, ...(cookie ? { cookie } : {}) },
  });
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", reject);
  });
}

interface Figures {
  deliveriesPerS: number;
  p50: number;
  p95: number;
  p99: number;
  smallP95: number;
  ackP95: number;
  messagesPerS: number;
  lagP99: number;
  rss: number;
  ratio: number;
  messages: number;
  deliveries: number;
}

/** One run of the load: `send` emits one message and resolves at its ack. */
async function load(
  server: ServerProcess,
  sockets: Socket[],
  rooms: Room[],
  send: (socket: Socket, room: Room, clientId: string) => Promise<boolean>,
): Promise<Figures> {
  const sentAt = new Map<string, number>();
  const bigRoomMessages = new Set<string>();
  const latencies: number[] = [];
  const smallRoomLatencies: number[] = [];
  const acks: number[] = [];
  let expected = 0;
  let delivered = 0;
  let lastDelivery = 0;
  for (const socket of sockets) {
    socket.on("chat:message", (message: { clientId?: string }) => {
      const at = message.clientId ? sentAt.get(message.clientId) : undefined;
      if (at === undefined) return;
      const now = performance.now();
      latencies.push(now - at);
      if (message.clientId && !bigRoomMessages.has(message.clientId)) smallRoomLatencies.push(now - at);
      delivered += 1;
      lastDelivery = now;
    });
  }
  const [big] = rooms.slice(-1);
  const small = rooms.slice(0, -1);
  await server.request<"stats">({ type: "stats", reset: true });
  const started = performance.now();
  const pending: Array<Promise<void>> = [];
  let sent = 0;
  const total = SECONDS * (SMALL_RATE + BIG_RATE);
  // A fixed rate: message k leaves at started + k / rate, whatever the answers do.
  for (let k = 0; k < total; k++) {
    const due = started + (k * 1000) / (SMALL_RATE + BIG_RATE);
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const toBig = big && k % Math.round((SMALL_RATE + BIG_RATE) / BIG_RATE) === 0;
    const room = toBig ? big : small[Math.floor(Math.random() * small.length)];
    if (!room) continue;
    const member = room.members[Math.floor(Math.random() * room.members.length)] ?? 0;
    const socket = sockets[member];
    if (!socket) continue;
    const clientId = randomUUID();
    if (toBig) bigRoomMessages.add(clientId);
    expected += room.members.length - 1;
    const t = performance.now();
    sentAt.set(clientId, t);
    sent += 1;
    pending.push(
      send(socket, room, clientId).then((ok) => {
        if (ok) acks.push(performance.now() - t);
      }),
    );
  }
  await Promise.all(pending);
  const deadline = performance.now() + SETTLE_MS;
  while (delivered < expected && performance.now() < deadline) await sleep(20);
  const stats = await server.request<"stats">({ type: "stats" });
  const seconds = (Math.max(lastDelivery, performance.now() - SETTLE_MS) - started) / 1000;
  for (const socket of sockets) socket.off("chat:message");
  return {
    deliveriesPerS: delivered / ((lastDelivery - started) / 1000 || seconds),
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    smallP95: percentile(smallRoomLatencies, 95),
    ackP95: percentile(acks, 95),
    messagesPerS: acks.length / ((lastDelivery - started) / 1000 || seconds),
    lagP99: stats.eventLoopLagP99Ms,
    rss: stats.rssBytes,
    ratio: expected ? delivered / expected : 0,
    messages: sent,
    deliveries: delivered,
  };
}

function report(emit: Emit, prefix: string, f: Figures, extra: Record<string, unknown>) {
  emit(`${prefix}.deliveries_per_s`, f.deliveriesPerS, "per_s", extra);
  emit(`${prefix}.fanout.p50_ms`, f.p50, "ms", extra);
  emit(`${prefix}.fanout.p95_ms`, f.p95, "ms", extra);
  emit(`${prefix}.fanout.p99_ms`, f.p99, "ms", extra);
  // The rooms of 10 alone: the room of 1 000 sends bursts of 999 frames that one client process decodes in turn.
  emit(`${prefix}.fanout.small_rooms.p95_ms`, f.smallP95, "ms", extra);
  emit(`${prefix}.ack.p95_ms`, f.ackP95, "ms", extra);
  emit(`${prefix}.messages_per_s`, f.messagesPerS, "per_s", extra);
  emit(`${prefix}.event_loop_lag.p99_ms`, f.lagP99, "ms", extra);
  emit(`${prefix}.server_rss_bytes`, f.rss, "bytes", extra);
  emit(`${prefix}.delivered_ratio`, f.ratio, "ratio", { ...extra, messages: f.messages, deliveries: f.deliveries });
}

async function connectAll(url: string, cookies: Array<string | null>): Promise<Socket[]> {
  const sockets: Socket[] = [];
  for (let i = 0; i < cookies.length; i += CONNECT_BATCH) {
    sockets.push(...(await Promise.all(cookies.slice(i, i + CONNECT_BATCH).map((c) => connect(url, c)))));
  }
  return sockets;
}

/** The room layout: 100 rooms of 10 (people 0–999 in order), then one room of everyone. */
function layout(ids: string[]): Room[] {
  const everyone = Array.from({ length: SOCKETS }, (_, i) => i);
  const rooms = Array.from({ length: SMALL_ROOMS }, (_, r) => ({
    id: ids[r] ?? randomUUID(),
    members: everyone.slice((r * SMALL_ROOM_SIZE) % SOCKETS, ((r * SMALL_ROOM_SIZE) % SOCKETS) + SMALL_ROOM_SIZE),
  }));
  return [...rooms, { id: ids[SMALL_ROOMS] ?? randomUUID(), members: everyone }];
}

export async function benchChat(emit: Emit, options: { databaseUrl?: string } = {}) {
  const label = options.databaseUrl ? "postgres" : "pglite";
  const extra = {
    db: label,
    sockets: SOCKETS,
    rooms: `${SMALL_ROOMS}x${SMALL_ROOM_SIZE}+1x${SOCKETS}`,
    rate_per_s: SMALL_RATE + BIG_RATE,
    seconds: SECONDS,
  };
  const dataDir = options.databaseUrl ? null : await mkdtemp(path.join(tmpdir(), "passerelle-bench-chat-"));

  // The real server: sessions, membership checks, persistence, then broadcast.
  const chat = await spawnServer({
    PORT: String(await freePort()),
    SEED_DEMO: "false",
    ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : { DATA_DIR: dataDir ?? "" }),
  });
  let chatFigures: Figures;
  try {
    const population = await chat.request<"people">({
      type: "people",
      count: SOCKETS,
      groups: [...Array<number>(SMALL_ROOMS).fill(SMALL_ROOM_SIZE), SOCKETS],
    });
    const connecting = performance.now();
    const sockets = await connectAll(
      chat.url,
      population.people.map((p) => p.cookie),
    );
    // Each socket is in its rooms once the server answered its first summary.
    await Promise.all(sockets.map((s) => s.timeout(120_000).emitWithAck("chat:summary", {})));
    emit("chat.connect.per_s", SOCKETS / ((performance.now() - connecting) / 1000), "per_s", {
      ...extra,
      note: "handshake with session, rooms joined, first summary",
    });
    chatFigures = await load(chat, sockets, layout(population.groups), async (socket, room, clientId) => {
      const ack = (await socket
        .timeout(15_000)
        .emitWithAck("chat:send", {
          conversationId: room.id,
          clientId,
          body: `Message de charge ${clientId.slice(0, 8)}`,
        })
        .catch(() => null)) as { ok?: boolean } | null;
      return ack?.ok === true;
    });
    for (const s of sockets) s.disconnect();
  } finally {
    await chat.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }
  report(emit, "chat", chatFigures, extra);

  // The same traffic through a bare Socket.IO server: the ceiling of the transport.
  const bare = await spawnServer({ PORT: String(await freePort()), CHAT_BARE: "1" });
  let bareFigures: Figures;
  try {
    const rooms = layout([]);
    const sockets = await connectAll(bare.url, Array<null>(SOCKETS).fill(null));
    const roomsOf = new Map<number, string[]>();
    for (const room of rooms) for (const m of room.members) roomsOf.set(m, [...(roomsOf.get(m) ?? []), `conversation:${room.id}`]);
    await Promise.all(sockets.map((s, i) => s.timeout(30_000).emitWithAck("bare:join", roomsOf.get(i) ?? [])));
    bareFigures = await load(bare, sockets, rooms, async (socket, room, clientId) => {
      const ack = (await socket
        .timeout(15_000)
        .emitWithAck("bare:send", {
          conversationId: room.id,
          clientId,
          body: `Message de charge ${clientId.slice(0, 8)}`,
        })
        .catch(() => null)) as { ok?: boolean } | null;
      return ack?.ok === true;
    });
    for (const s of sockets) s.disconnect();
  } finally {
    await bare.close();
  }
  report(emit, "chat.bare", bareFigures, extra);
  emit("chat.deliveries_vs_bare", chatFigures.deliveriesPerS / (bareFigures.deliveriesPerS || 1), "ratio", extra);
}
