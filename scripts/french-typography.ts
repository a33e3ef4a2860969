// Applies the French punctuation spacing rule (app/utils/french-typography.ts, decision
// 003) to every fr-CA locale file, in place. Safe to re-run: a file that already
// follows the rule is left unchanged. Run: npx tsx scripts/french-typography.ts
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { frenchTypography } from "../app/utils/french-typography";

const dir = new URL("../app/locales/fr-CA/", import.meta.url);

function apply(node: unknown): unknown {
  if (typeof node === "string") return frenchTypography(node);
  if (Array.isArray(node)) return node.map(apply);
  if (node && typeof node === "object") return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, apply(v)]));
  return node;
}

for (const name of readdirSync(dir)
  .filter((n) => n.endsWith(".json"))
  .sort()) {
  const file = new URL(name, dir);
  const before = readFileSync(file, "utf8");
  const after = `${JSON.stringify(apply(JSON.parse(before)), null, 2)}\n`;
  if (after !== before) writeFileSync(file, after);
  console.log(`${name}: ${after === before ? "unchanged" : "rewritten"}`);
}
