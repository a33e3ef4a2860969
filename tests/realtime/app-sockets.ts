// Socket.IO clients of the whole app (startTestApp), signed in with a real HTTP session
// cookie: the kit of the realtime tests that go through pages and rooms together
// (forums, cases). The pure realtime kit with a faked issuer is ./helpers.ts.
import { io as connect, type Socket } from "socket.io-client";
import { REALTIME_PATH } from "../../app/modules/realtime/schemas";
import type { TestApp } from "../e2e/helpers";
import type { Client } from "../security/helpers";

export function appSockets(app: () => TestApp) {
  const sockets: Socket[] = [];
  return {
    /** A connected socket carrying the client's session cookie and the app's Origin. */
    async socketOf(client: Client): Promise<Socket> {
      const socket = connect(app().url, {
        path: REALTIME_PATH,
        transports: ["websocket"],
        forceNew: true,
        reconnection: false,
        extraHeaders: { Cookie: client.cookieHeader(), Origin: app().url },
      });
      sockets.push(socket);
      await new Promise<void>((resolve, reject) => {
        socket.once("connect", () => resolve());
        socket.once("connect_error", reject);
      });
      return socket;
    },
    /** Emits and waits for the server's ack. */
    ask: (socket: Socket, event: string, payload: unknown) =>
      socket.timeout(5_000).emitWithAck(event, payload) as Promise<Record<string, unknown>>,
    /** The next `event` this socket receives, or a rejection after `ms`. */
    next: (socket: Socket, event: string, ms = 5_000) =>
      new Promise<unknown>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${event} within ${ms} ms`)), ms);
        socket.once(event, (payload: unknown) => {
          clearTimeout(timer);
          resolve(payload);
        });
      }),
    closeAll() {
      for (const socket of sockets) socket.disconnect();
    },
  };
}
