// `npm start`: build what is missing or stale (scripts/build.mjs), then serve on the
// embedded default (or DATABASE_URL / SUPABASE_URL when set) IN THIS PROCESS: the compiled
// server (build/server.js) is imported here rather than spawned, so `npm start` ends as
// one Node process that serves, and SIGINT/SIGTERM reach the server's own handlers.
// Builds run as short-lived child processes that are gone before the server starts.
// package.json starts it with --max-semi-space-size=8 (V8's young generation, 16 MB by
// default): 12–16 MB less resident memory with no measurable CPU cost for the topic page
// under load (decision 036). The bench starts build/server.js with the same options.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { root, staleParts } from "./build.mjs";

process.chdir(root);
process.env.NODE_ENV ??= "production";

const started = Date.now();
const progress = (line) => console.log(`${line} [${((Date.now() - started) / 1000).toFixed(1)} s]`);
const stale = staleParts();
if (stale.length) {
  progress(
    stale.length === 2
      ? "Passerelle: first start or sources changed: building (about a minute)…"
      : "Passerelle: sources changed: rebuilding…",
  );
  // A child process: the bundler (and its own helper process) is gone once the build is done.
  const built = spawnSync(process.execPath, [path.join(root, "scripts", "build.mjs"), ...stale], { cwd: root, stdio: "inherit" });
  if (built.status !== 0) process.exit(built.status ?? 1);
}

const { main } = await import(pathToFileURL(path.join(root, "build", "server.js")).href);
await main({ progress });
