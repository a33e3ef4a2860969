// The process a newcomer starts: config errors name the variable, the embedded
// data directory is guarded by a lockfile, and SIGTERM shuts down cleanly.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "./helpers";

const tsx = path.resolve("node_modules/.bin/tsx");
const children: ChildProcess[] = [];
const dirs: string[] = [];

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

function start(env: Record<string, string>) {
  const child = spawn(tsx, ["server/index.ts"], {
    env: { PATH: process.env.PATH ?? "", NODE_ENV: "production", LOG_LEVEL: "info", HOST: "127.0.0.1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, exited, output: () => output };
}

async function waitHealthy(port: number, timeoutMs = 60_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (r.ok) return (await r.json()) as { status: string; db: string; migrations: number };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error("server did not become healthy");
}

describe("server process", () => {
  it("stops at boot with a message naming a bad variable", async () => {
    const bad = start({ PORT: "not-a-port" });
    expect(await bad.exited).toBe(1);
    expect(bad.output()).toMatch(/PORT/);
    const badUrl = start({ DATABASE_URL: "mysql://nope" });
    expect(await badUrl.exited).toBe(1);
    expect(badUrl.output()).toMatch(/DATABASE_URL/);
  }, 60_000);

  it("guards the embedded data directory and shuts down cleanly on SIGTERM", async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), "passerelle-boot-"));
    dirs.push(dataDir);
    const port = await freePort();
    const first = start({ PORT: String(port), DATA_DIR: dataDir });
    const health = await waitHealthy(port);
    expect(health).toMatchObject({ status: "ok", db: "pglite" });
    expect(existsSync(path.join(dataDir, "passerelle.lock"))).toBe(true);

    // A second process on the same data directory refuses to open it.
    const second = start({ PORT: String(await freePort()), DATA_DIR: dataDir });
    expect(await second.exited).toBe(1);
    expect(second.output()).toMatch(/in use by process/);

    first.child.kill("SIGTERM");
    expect(await first.exited).toBe(0);
    expect(existsSync(path.join(dataDir, "passerelle.lock"))).toBe(false);
    expect(first.output()).toMatch(/shutting down/);
    expect(first.output()).toMatch(/demo content seeded/);

    // The data survives a restart (file-backed), and the demo seed does not run twice.
    const again = start({ PORT: String(port), DATA_DIR: dataDir });
    expect((await waitHealthy(port)).migrations).toBe(health.migrations);
    expect(again.output()).not.toMatch(/demo content seeded/);
    again.child.kill("SIGTERM");
    expect(await again.exited).toBe(0);
  }, 120_000);
});
