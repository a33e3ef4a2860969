import { brotliCompressSync } from "node:zlib";
import { readFileSync } from "node:fs";
const html = readFileSync("/tmp/topic.html", "utf8");
const scripts = new Set([...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="([^"]+\.js)"/g)].map((m) => m[1] ?? ""));
for (const m of html.matchAll(/import\("([^"]+\.js)"\)|from "([^"]+\.js)"|import "([^"]+\.js)"/g)) scripts.add(m[1] ?? m[2] ?? m[3] ?? "");
let total = 0;
const rows = [];
for (const src of scripts) {
  const body = readFileSync("/work/main/public" + src);
  const br = brotliCompressSync(body).length;
  total += br;
  rows.push([br, body.length, src]);
}
rows.sort((a, b) => b[0] - a[0]);
for (const r of rows) console.log(r.join("\t"));
console.log("total", total);
