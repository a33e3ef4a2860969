// The realtime, security and e2e suites start the real server, which serves the
// production build in build/. A build older than the app's sources would test code
// that is no longer there: refuse it, naming the newer file and the command to run.
// The compiled server (build/server.js, what `npm start` runs) is held to the same rule
// against server/ and app/. (npm test builds before these suites; this guards a suite
// run by hand.)
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
/** Each output and what it is built from (scripts/build.mjs has the same lists). */
const OUTPUTS = [
  { output: "build/index.js", sources: ["app", "styles", "remix.config.js"] },
  { output: "build/server.js", sources: ["server", "app"] },
];

function newest(entry: string): { file: string; mtimeMs: number } {
  const stats = statSync(entry, { throwIfNoEntry: false });
  if (!stats) return { file: entry, mtimeMs: 0 };
  if (!stats.isDirectory()) return { file: entry, mtimeMs: stats.mtimeMs };
  let best = { file: entry, mtimeMs: 0 };
  // Tests are in neither build.
  for (const name of readdirSync(entry).filter((n) => !n.startsWith(".") && !/\.test\.tsx?$/.test(n))) {
    const candidate = newest(path.join(entry, name));
    if (candidate.mtimeMs > best.mtimeMs) best = candidate;
  }
  return best;
}

let checked = false;

export function assertFreshBuild(): void {
  if (checked) return;
  const command = "npm run build";
  for (const { output, sources } of OUTPUTS) {
    const build = statSync(path.join(ROOT, output), { throwIfNoEntry: false });
    if (!build) throw new Error(`No production build at ${output}: run \`${command}\` first`);
    const source = sources.map((s) => newest(path.join(ROOT, s))).reduce((a, b) => (b.mtimeMs > a.mtimeMs ? b : a));
    if (source.mtimeMs > build.mtimeMs) {
      throw new Error(
        `The production build ${output} is older than ${path.relative(ROOT, source.file)}: run \`${command}\` before this suite (it would test stale code)`,
      );
    }
  }
  checked = true;
}
