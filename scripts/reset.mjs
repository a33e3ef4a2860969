// `npm run reset`: back to a fresh demo. Deletes the embedded data directory (DATA_DIR,
// `.data` by default): the PGlite database, uploaded files and the generated app
// secret. The next `npm start` migrates and seeds the demo content again. Refuses
// while a server still holds the directory (its lockfile names a live process).
import { existsSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const dataDir = path.resolve(root, process.env.DATA_DIR || ".data");

if (!existsSync(dataDir)) {
  console.log(`Nothing to reset: ${dataDir} does not exist.`);
  process.exit(0);
}
const lock = path.join(dataDir, "passerelle.lock");
if (existsSync(lock)) {
  const pid = Number.parseInt(readFileSync(lock, "utf8"), 10);
  let alive = false;
  try {
    if (Number.isInteger(pid)) {
      process.kill(pid, 0);
      alive = true;
    }
  } catch (error) {
    alive = error.code === "EPERM";
  }
  if (alive) {
    console.error(`${dataDir} is in use by process ${pid}: stop the server (Ctrl+C) first, then run npm run reset again.`);
    process.exit(1);
  }
}
rmSync(dataDir, { recursive: true, force: true });
console.log(`Deleted ${dataDir}. The next npm start recreates it with the demo content.`);
