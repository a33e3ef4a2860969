import pg from "pg";
import { sql } from "kysely";
import { startTestApp } from "./tests/e2e/helpers";
import { getTopicPage, listCategoryTopics } from "./app/modules/forums/forums.server";
import { search } from "./app/modules/search/search.server";
import { searchSchema } from "./app/modules/search/schemas";
const base = "postgres://postgres@127.0.0.1:5432/";
const name = "passerelle_prof";
const admin = new pg.Client({ connectionString: base + "test" });
await admin.connect();
const exists = (await admin.query("select 1 from pg_database where datname = $1", [name])).rowCount;
if (!exists) await admin.query(`create database ${name}`);
await admin.end();
const app = await startTestApp({ DATABASE_URL: base + name, SEED_DEMO: "true" });
if (!exists) {
  const { generatePostgres } = await import("./tests/bench/forums");
  await generatePostgres(base + name, Number(process.env.T ?? 5000), Number(process.env.R ?? 50000));
}
const db = app.server.services.db;
const member = await db.asSystem("x", (tx) => tx.selectFrom("auth.users").select(["id", "email"]).where("email", "=", "membre@passerelle.test").executeTakeFirstOrThrow());
const claims = { sub: member.id, role: "authenticated" as const, aud: "authenticated" as const, email: member.email ?? "", exp: Date.now() / 1000 + 3600 };
const topicIds = (await db.asSystem("x", async (tx) => (await sql<{ id: number }>`select id from forum_topics where space_id in (select id from spaces where visibility='verified') order by random() limit 50`.execute(tx)).rows)).map((r) => r.id);
const time = async (label: string, fn: () => Promise<unknown>, n = 30) => {
  const xs: number[] = [];
  for (let i = 0; i < n; i++) { const t = performance.now(); await fn(); xs.push(performance.now() - t); }
  xs.sort((a, b) => a - b);
  console.log(label, "p50", xs[Math.floor(n / 2)]?.toFixed(1), "p95", xs[Math.floor(n * 0.95)]?.toFixed(1));
};
let i = 0;
await time("getTopicPage", () => getTopicPage(db, claims, topicIds[i++ % topicIds.length] ?? 1));
const cat = await db.asSystem("x", (tx) => tx.selectFrom("forum_categories").select("id").where("slug", "=", "tao").executeTakeFirstOrThrow());
await time("listCategoryTopics", () => listCategoryTopics(db, claims, cat.id, null));
await time("search", () => search(db, claims, searchSchema.parse({ q: "induction buprenorphine domicile" })), 10);
await time("search2", () => search(db, claims, searchSchema.parse({ q: "naloxone refuge" })), 10);
await time("withUser noop", () => db.withUser(claims, async () => 1));
await time("fetch topic page", async () => { const r = await fetch(`${app.url}/forums/t/${topicIds[0]}`); await r.text(); });
if (process.env.EXPLAIN) {
  const q = process.env.EXPLAIN;
  const rows = await db.withUser(claims, async (tx) => (await sql.raw(`explain (analyze, buffers) ${q}`).execute(tx)).rows);
  for (const r of rows as Array<Record<string, string>>) console.log(Object.values(r)[0]);
}
await app.close();
