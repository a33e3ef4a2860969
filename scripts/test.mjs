#!/usr/bin/env node
// `npm test`: the whole suite, in the order of docs/architecture.md, "The test command", stopping at the first
// failure with a non-zero exit. Plain Node, no dependencies.
//   eslint → prettier --check → tsc --noEmit → unit → integration (PGlite) → integration (PostgreSQL, when a URL
//   is set) → realtime → security → e2e (chromium; the forums journey also on
//   PostgreSQL when a URL is set)
// On CI (env CI set) a missing PostgreSQL URL or a missing /usr/bin/chromium fails
// the run instead of skipping, so a green CI always means the full suite ran.
// NODE22=/path/to/node22 adds the type check, unit and both integration runs on
// Node 22 (.ci/run installs it; required on CI). The last line counts the steps:
// "steps: N passed, N failed, N skipped".
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name) => path.join(root, "node_modules", ".bin", process.platform === "win32" ? `${name}.cmd` : name);
const onCi = Boolean(process.env.CI);
const pgUrl = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || "";
const CHROMIUM = "/usr/bin/chromium";

const results = [];

function banner(text) {
  const line = "═".repeat(Math.max(60, text.length + 4));
  console.log(`\n${line}\n  ${text}\n${line}`);
}

function loud(text) {
  const line = "!".repeat(Math.max(60, text.length + 4));
  console.log(`\n${line}\n  ${text}\n${line}\n`);
}

function fail(message) {
  loud(`FAILED: ${message}`);
  summary();
  counts(1);
  process.exit(1);
}

/** The closing line: never "all passed" after a skip. */
function counts(failed = 0) {
  const passed = results.filter((r) => r.status === "passed").length;
  const skipped = results.filter((r) => r.status === "SKIPPED").length;
  console.log(`\nsteps: ${passed} passed, ${failed} failed, ${skipped} skipped`);
}

function summary() {
  console.log("\nSummary:");
  for (const r of results)
    console.log(
      `  ${r.status.padEnd(7)} ${r.name}${r.seconds != null ? ` (${r.seconds.toFixed(1)} s)` : ""}${r.note ? ` — ${r.note}` : ""}`,
    );
}

function run(name, command, args, env = {}) {
  banner(name);
  const started = Date.now();
  const child = spawnSync(command, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...env } });
  const seconds = (Date.now() - started) / 1000;
  if (child.error) {
    results.push({ name, status: "FAILED", seconds });
    fail(`${name}: could not start ${command}: ${child.error.message}`);
  }
  if (child.status !== 0) {
    results.push({ name, status: "FAILED", seconds });
    fail(`${name} (exit ${child.status ?? child.signal})`);
  }
  results.push({ name, status: "passed", seconds });
}

function skip(name, reason) {
  loud(`SKIPPED: ${name} — ${reason}`);
  results.push({ name, status: "SKIPPED", note: reason });
}

const vitest = (project, extra = []) => [bin("vitest"), ["run", "--project", project, ...extra]];
const node22 = process.env.NODE22 || "";
const onNode22 = (script, args) => [node22, [path.join(root, "node_modules", script), ...args]];

// On CI, refuse a half-configured machine before spending minutes on the first steps.
if (onCi && !pgUrl)
  fail("CI is set but neither TEST_DATABASE_URL nor DATABASE_URL is: the PostgreSQL integration run cannot be skipped on CI");
if (onCi && !existsSync(CHROMIUM))
  fail(`CI is set but ${CHROMIUM} is missing: install it (apt-get install -y chromium) — e2e cannot be skipped on CI`);
if (onCi && !node22) fail("CI is set but NODE22 is not: the Node 22 runs cannot be skipped on CI (.ci/run installs it)");
if (node22 && !existsSync(node22)) fail(`NODE22=${node22} does not exist`);

run("lint (eslint)", bin("eslint"), ["."]);
run("format check (prettier)", bin("prettier"), ["--check", "."]);
run("type check (tsc --noEmit)", bin("tsc"), ["--noEmit"]);
// Realtime, security and e2e start the real server, which serves the production build.
run("build (remix build + compiled server)", process.execPath, [path.join(root, "scripts", "build.mjs")], { NODE_ENV: "production" });
run("unit", ...vitest("unit"));
run("integration on PGlite", ...vitest("integration"), { TEST_DB: "pglite" });

if (pgUrl) {
  run("integration on PostgreSQL", ...vitest("integration"), { TEST_DB: "postgres", TEST_DATABASE_URL: pgUrl });
} else if (onCi) {
  fail("CI is set but neither TEST_DATABASE_URL nor DATABASE_URL is: the PostgreSQL integration run cannot be skipped on CI");
} else {
  skip("integration on PostgreSQL", "set TEST_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test) to run it");
}

if (node22) {
  const version = spawnSync(node22, ["--version"], { encoding: "utf8" }).stdout.trim();
  if (!version.startsWith("v22.")) fail(`NODE22=${node22} is ${version || "not a node binary"}, not Node 22`);
  run(`type check on Node ${version}`, ...onNode22("typescript/bin/tsc", ["--noEmit"]));
  run(`unit on Node ${version}`, ...onNode22("vitest/vitest.mjs", ["run", "--project", "unit"]));
  run(`integration on PGlite, Node ${version}`, ...onNode22("vitest/vitest.mjs", ["run", "--project", "integration"]), {
    TEST_DB: "pglite",
  });
  if (pgUrl)
    run(`integration on PostgreSQL, Node ${version}`, ...onNode22("vitest/vitest.mjs", ["run", "--project", "integration"]), {
      TEST_DB: "postgres",
      TEST_DATABASE_URL: pgUrl,
    });
  else skip(`integration on PostgreSQL, Node ${version}`, "set TEST_DATABASE_URL to run it");
} else {
  skip(
    "Node 22 runs",
    "set NODE22 to a Node 22 binary (e.g. npm install --prefix .ci/node22 node@22; NODE22=.ci/node22/node_modules/node/bin/node)",
  );
}

run("realtime", ...vitest("realtime"));
run("security", ...vitest("security"));

if (existsSync(CHROMIUM)) {
  run("e2e (chromium)", ...vitest("e2e"), { TEST_DB: "pglite" });
  // The forums' "done when" journey must pass on both databases.
  if (pgUrl)
    run("e2e forums journey on PostgreSQL", ...vitest("e2e", ["tests/e2e/forums.test.ts"]), {
      TEST_DB: "postgres",
      TEST_DATABASE_URL: pgUrl,
    });
  else skip("e2e forums journey on PostgreSQL", "set TEST_DATABASE_URL to run it");
} else if (onCi) {
  fail(`CI is set but ${CHROMIUM} is missing: install it (apt-get install -y chromium) — e2e cannot be skipped on CI`);
} else {
  skip("e2e (chromium)", `${CHROMIUM} is missing (apt-get install -y chromium)`);
}

summary();
const skipped = results.filter((r) => r.status === "SKIPPED");
if (skipped.length > 0) loud(`${skipped.length} step(s) SKIPPED: ${skipped.map((r) => r.name).join(", ")}`);
else console.log("\nAll test steps passed.");
counts();
