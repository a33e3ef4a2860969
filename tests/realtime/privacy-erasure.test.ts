// Erasure ends the member's live connections: a member with an open socket asks for
// deletion; once the grace period is over the queue erases her, and the server closes
// her socket ("io server disconnect"), which then cannot come back.
import { io as connectClient, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REALTIME_PATH } from "../../app/modules/realtime/schemas";
import { startTestApp, type TestApp } from "../e2e/helpers";

let app: TestApp;
const sockets: Socket[] = [];

beforeAll(async () => {
  app = await startTestApp({ JOBS_POLL_MS: "200", JOBS_BACKOFF_MS: "200" });
}, 120_000);

afterAll(async () => {
  for (const s of sockets) s.close();
  await app?.close();
});

async function signIn(email: string): Promise<string> {
  const response = await fetch(`${app.url}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { Origin: app.url, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ email, password: "passerelle-demo" }),
  });
  expect(response.status).toBe(302);
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith("passerelle_session="));
  if (!cookie) throw new Error("no session cookie");
  return cookie.split(";")[0] ?? "";
}

function connect(cookie: string) {
  const socket = connectClient(app.url, {
    path: REALTIME_PATH,
    transports: ["websocket"],
    extraHeaders: { Cookie: cookie, Origin: app.url },
    reconnection: false,
    forceNew: true,
  });
  sockets.push(socket);
  return new Promise<{ socket: Socket; error?: string }>((resolve) => {
    socket.once("connect", () => resolve({ socket }));
    socket.once("connect_error", (error) => resolve({ socket, error: error.message }));
  });
}

describe("erasure and live connections", () => {
  it("the erased member's sockets are disconnected by the server, and cannot reconnect", async () => {
    const db = app.server.services.db;
    const email = "nouveau@passerelle.test";
    const cookie = await signIn(email);
    const { socket, error } = await connect(cookie);
    expect(error).toBeUndefined();
    const disconnected = new Promise<string>((resolve) => socket.once("disconnect", (reason) => resolve(reason)));

    const asked = await fetch(`${app.url}/profile/privacy`, {
      method: "POST",
      redirect: "manual",
      headers: { Cookie: cookie, Origin: app.url, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ intent: "deletion" }),
    });
    expect(asked.status).toBe(302);
    // Still connected during the grace period.
    expect(socket.connected).toBe(true);

    await db.asSystem("test: the grace period passes", async (tx) => {
      const user = await tx.selectFrom("auth.users").select("id").where("email", "=", email).executeTakeFirstOrThrow();
      const request = await tx
        .selectFrom("privacy_requests")
        .select("id")
        .where("user_id", "=", user.id)
        .where("kind", "=", "deletion")
        .where("status", "=", "pending")
        .executeTakeFirstOrThrow();
      await tx
        .updateTable("privacy_requests")
        .set({ due_at: new Date(Date.now() - 1000) })
        .where("id", "=", request.id)
        .execute();
      await tx
        .updateTable("jobs")
        .set({ run_at: new Date(Date.now() - 1000) })
        .where("key", "=", `privacy.erase:${request.id}`)
        .execute();
    });
    app.server.services.jobs.wake();
    expect(await disconnected).toBe("io server disconnect");
    const gone = await db.asSystem("test: is she gone", (tx) =>
      tx.selectFrom("auth.users").select("id").where("email", "=", email).executeTakeFirst(),
    );
    expect(gone).toBeUndefined();
    expect((await connect(cookie)).error).toBe("unauthorized");
  }, 60_000);
});
