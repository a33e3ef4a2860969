// The socket handshake uses the same session as HTTP: sign in through the real
// /login form, then connect with that cookie. Signing out disconnects the sockets.
import { io as connectClient, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REALTIME_PATH } from "../../app/modules/realtime/schemas";
import { startTestApp, type TestApp } from "../e2e/helpers";

let app: TestApp;
const sockets: Socket[] = [];

beforeAll(async () => {
  app = await startTestApp();
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

function connect(headers: Record<string, string>, transports: Array<"websocket" | "polling"> = ["websocket"]) {
  const socket = connectClient(app.url, { path: REALTIME_PATH, transports, extraHeaders: headers, reconnection: false, forceNew: true });
  sockets.push(socket);
  return new Promise<{ socket: Socket; error?: string }>((resolve) => {
    socket.once("connect", () => resolve({ socket }));
    socket.once("connect_error", (error) => resolve({ socket, error: error.message }));
  });
}

describe("socket handshake with the HTTP session", () => {
  it("accepts a signed-in member's cookie from our Origin and knows who they are", async () => {
    const cookie = await signIn("membre@passerelle.test");
    for (const transports of [["websocket"], ["polling"]] as const) {
      const { socket, error } = await connect({ Cookie: cookie, Origin: app.url }, [...transports]);
      expect(error).toBeUndefined();
      const ack = await socket.timeout(5000).emitWithAck("session:whoami", {});
      expect(ack).toMatchObject({ ok: true });
      const me = await fetch(`${app.url}/profile?_data=routes/profile`, { headers: { Cookie: cookie } });
      const profile = (await me.json()) as { profile: { id: string } };
      expect(ack.userId).toBe(profile.profile.id);
      socket.close();
    }
  });

  it("refuses a socket without a session, with a forged cookie, or from another Origin", async () => {
    expect((await connect({ Origin: app.url })).error).toBe("unauthorized");
    expect((await connect({ Origin: app.url, Cookie: "passerelle_session=InZhbGV1cmluY29ubnVlcGFyZGVmYXV0MTIzNDU2Nzg5MCI" })).error).toBe(
      "unauthorized",
    );
    const cookie = await signIn("mentor@passerelle.test");
    expect((await connect({ Origin: "https://evil.example", Cookie: cookie })).error).toBeDefined();
  });

  it("signing out disconnects the person's sockets and the cookie stops working", async () => {
    const cookie = await signIn("admin@passerelle.test");
    const { socket, error } = await connect({ Cookie: cookie, Origin: app.url });
    expect(error).toBeUndefined();
    const disconnected = new Promise<string>((resolve) => socket.once("disconnect", (reason) => resolve(reason)));
    const out = await fetch(`${app.url}/logout`, { method: "POST", redirect: "manual", headers: { Cookie: cookie, Origin: app.url } });
    expect(out.status).toBe(302);
    expect(await disconnected).toBe("io server disconnect");
    expect((await connect({ Cookie: cookie, Origin: app.url })).error).toBe("unauthorized");
  });
});
