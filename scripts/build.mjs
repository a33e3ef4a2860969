#!/usr/bin/env node
// The production build, in two parts, each rebuilt only when its sources changed:
//  - the Remix app (routes, client bundles): `remix build` → build/index.js + public/build/;
//  - the server (HTTP, Socket.IO, jobs): server/index.ts compiled once by esbuild into
//    build/server.js, so a start runs plain JavaScript (no TypeScript loader, no wrapper process).
// build/sources.json records a hash of each part's sources: a restart with nothing changed
// builds nothing, and a checkout that only touched mtimes does not rebuild either.
// `npm run build` forces both; `npm start` (scripts/start.mjs) builds what is stale.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const STAMP = path.join(root, "build", "sources.json");

/** What each part is built from (paths relative to the repository root). */
export const PARTS = {
  app: { output: "build/index.js", sources: ["app", "styles", "remix.config.js", "package-lock.json", "tsconfig.json"] },
  server: { output: "build/server.js", sources: ["server", "app", "package-lock.json", "tsconfig.json", "scripts/build.mjs"] },
};

// Test files are not part of either build: editing one must not trigger a rebuild.
const skipped = (name) => name.startsWith(".") || /\.test\.tsx?$/.test(name);

function files(entry, out = []) {
  const stats = statSync(entry, { throwIfNoEntry: false });
  if (!stats) return out;
  if (!stats.isDirectory()) {
    out.push({ file: entry, mtimeMs: stats.mtimeMs });
    return out;
  }
  for (const name of readdirSync(entry).sort()) if (!skipped(name)) files(path.join(entry, name), out);
  return out;
}

function sourcesOf(part) {
  return PARTS[part].sources.flatMap((s) => files(path.join(root, s)));
}

function hashOf(list) {
  const hash = createHash("sha256");
  for (const { file } of list) hash.update(path.relative(root, file)).update("\0").update(readFileSync(file)).update("\0");
  return hash.digest("hex");
}

function readStamp() {
  try {
    return JSON.parse(readFileSync(STAMP, "utf8"));
  } catch {
    return {};
  }
}

/**
 * Whether a part must be rebuilt. Fast path: its output is newer than every source (a stat per
 * file, no reads). Otherwise the sources' content hash decides against the one recorded.
 */
export function staleParts() {
  const stamp = readStamp();
  const stale = [];
  for (const part of Object.keys(PARTS)) {
    const output = statSync(path.join(root, PARTS[part].output), { throwIfNoEntry: false });
    if (!output || !stamp[part]) {
      stale.push(part);
      continue;
    }
    const list = sourcesOf(part);
    if (list.every((s) => s.mtimeMs <= output.mtimeMs)) continue;
    if (hashOf(list) !== stamp[part]) stale.push(part);
  }
  return stale;
}

function record(part) {
  const stamp = readStamp();
  stamp[part] = hashOf(sourcesOf(part));
  mkdirSync(path.dirname(STAMP), { recursive: true });
  writeFileSync(STAMP, `${JSON.stringify(stamp, null, 2)}\n`);
}

function buildApp() {
  const remix = path.join(root, "node_modules", ".bin", process.platform === "win32" ? "remix.cmd" : "remix");
  const built = spawnSync(remix, ["build"], {
    cwd: root,
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, NODE_ENV: "production" },
  });
  if (built.status !== 0) throw new Error(`remix build failed (exit ${built.status ?? built.signal})`);
}

async function buildServer() {
  const esbuild = await import("esbuild");
  // Packages stay in node_modules (imported at run time, as before); our own modules, including
  // the `~/` alias of app/, are compiled into the one file.
  const packagesExternal = {
    name: "packages-external",
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith("~/") ? undefined : { path: args.path, external: true }));
    },
  };
  await esbuild.build({
    entryPoints: [path.join(root, "server/index.ts")],
    outfile: path.join(root, PARTS.server.output),
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    sourcemap: "linked",
    tsconfig: path.join(root, "tsconfig.json"),
    plugins: [packagesExternal],
    logLevel: "warning",
  });
}

/** Builds the given parts (default: the stale ones), printing one progress line per part. */
export async function build(parts = staleParts(), log = (line) => console.log(line)) {
  for (const part of ["app", "server"]) {
    if (!parts.includes(part)) continue;
    const started = Date.now();
    log(part === "app" ? "Passerelle: building the app (remix build)…" : "Passerelle: compiling the server (esbuild)…");
    if (part === "app") buildApp();
    else await buildServer();
    record(part);
    log(`Passerelle: ${part === "app" ? "app built" : "server compiled"} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // `node scripts/build.mjs [app] [server] [--if-stale]`: no part named means both.
  const named = process.argv.slice(2).filter((a) => a in PARTS);
  const wanted = named.length ? named : Object.keys(PARTS);
  const stale = process.argv.includes("--if-stale") ? staleParts() : wanted;
  build(wanted.filter((p) => stale.includes(p))).catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
