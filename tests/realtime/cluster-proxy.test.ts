// The test proxy in front of several processes (cluster-kit.ts) behaves as a
// health-checking proxy: it stops sending to a process that refuses connections, and
// takes back a process started again in its place. Before, a restarted process was
// never used again, and the reliability soak ran on the survivor alone.
import http from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { startProxy } from "./cluster-kit";

const servers: http.Server[] = [];

async function backend(name: string): Promise<{ url: string; server: http.Server }> {
  const server = http.createServer((_req, res) => res.end(name));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  servers.push(server);
  const address = server.address();
  return { url: `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`, server };
}

const stop = (server: http.Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => (s.listening ? stop(s) : Promise.resolve())));
});

describe("cluster test proxy", () => {
  it("skips a process that refuses connections and takes back the one started in its place", async () => {
    const one = await backend("one");
    const two = await backend("two");
    const proxy = await startProxy([one.url, two.url]);
    try {
      const answers = async (n: number) => {
        const out: string[] = [];
        for (let i = 0; i < n; i++) out.push(await (await fetch(proxy.url, { headers: { connection: "close" } })).text());
        return out;
      };
      expect((await answers(4)).sort()).toEqual(["one", "one", "two", "two"]);

      await stop(two.server);
      // The first request to the stopped process fails (502); after it, only the survivor answers.
      const whileDown = await answers(4);
      expect(whileDown.filter((a) => a === "bad gateway").length).toBeLessThanOrEqual(1);
      expect(await answers(4)).toEqual(["one", "one", "one", "one"]);

      const again = await backend("two again");
      proxy.targets[1] = again.url;
      expect((await answers(4)).sort()).toEqual(["one", "one", "two again", "two again"]);
    } finally {
      await proxy.close();
    }
  });
});
