// Forum benchmark: a realistic forum generated in the database, then the
// real server (HTTP, server-side rendering, RLS) measured on loopback:
//   forum.topic_page.p50_ms / p95_ms / rps, forum.category_page.p95_ms,
//   forum.search.p50_ms / p95_ms, forum.topic_page.js_brotli_bytes, and on PostgreSQL a case
//   discussion of 50 posts (cases.case_page.cpu_ms_per_request, cases.case_page.render_ms),
// each with the database it ran on and the forum's size. PostgreSQL: 100 000 topics
// and 1 000 000 replies by default (BENCH_FORUM_TOPICS / BENCH_FORUM_REPLIES);
// PGlite: 2 000 topics and 20 000 replies. Reads are by a verified member (RLS on).
import { brotliCompressSync } from "node:zlib";
import { sql } from "kysely";
import pg from "pg";
import { renderRichTextSafe } from "../../app/components/rich-text/render.server";
import { rebuildStalePostHtml } from "../../app/modules/forums/post-html.server";
import { createPostgresDatabase, type Database } from "../../app/utils/db.server";
import { startTestApp } from "../e2e/helpers";
import { startCompiled, type ServerProcess } from "./server-process";

type Unit = "ms" | "rps" | "per_s" | "bytes" | "ratio" | "count";
export type Emit = (bench: string, value: number, unit: Unit, extra?: Record<string, unknown>) => void;

const percentile = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};

/** Words of clinical discussions (French with some English), to build bodies that search meaningfully. */
const WORDS = `induction buprénorphine naloxone méthadone dose manquée pharmacie prescripteur suivi téléphonique domicile
  sevrage opioïdes fentanyl surdose trousse formation refuge itinérance hébergement équipe infirmière médecin travailleuse
  sociale pair aidant réduction méfaits approvisionnement sécuritaire hydromorphone morphine libération lente injectable
  entretien motivationnel santé mentale troubles concomitants anxiété dépression douleur chronique hépatite dépistage
  traitement agonistes région éloignée Côte-Nord Gaspésie Nunavik Abitibi Montréal corridor urgence trajectoire accès
  délai rendez-vous téléconsultation protocole ordonnance collective consentement confidentialité famille proches jeunes
  autochtones stigmatisation approche traumatismes alcool programme gestion polyconsommation stimulants cocaïne crystal
  thérapies groupe élèves école mentorat soutien clinique guide proposition évaluation intervention accompagnement
  logement stabilité rétention abandon reprise rechute rétablissement urine analyses interaction QT électrocardiogramme
  patient personne usager clinique question expérience conseil avez-vous comment pourquoi merci semaine jour matin soir
  harm reduction safer supply overdose prevention outreach shelter housing first treatment retention withdrawal`
  .split(/\s+/)
  .filter(Boolean);

/** Everyday words: a few thousand made-up French-looking words (no real corpus ships with the repository). */
const FILLER = (() => {
  const onsets = ["b", "c", "d", "f", "g", "l", "m", "n", "p", "r", "s", "t", "v", "ch", "tr", "pl", "gr", "br"];
  const vowels = ["a", "e", "i", "o", "u", "é", "ou", "ai", "an", "on"];
  const codas = ["", "", "r", "s", "l", "n", "t", "nt", "x"];
  const out: string[] = [];
  for (const a of onsets)
    for (const b of vowels)
      for (const c of onsets.slice(0, 9))
        for (const d of vowels.slice(0, 4)) {
          out.push(`${a}${b}${c}${d}${codas[(a.length + b.length + c.length + d.length) % codas.length]}`);
        }
  return out;
})();

const QUERIES = [
  "induction buprenorphine domicile",
  "naloxone refuge",
  "methadone dose manquee",
  "therapie groupe eleves",
  "sevrage opioides protocole",
  "approvisionnement securitaire hydromorphone",
  "douleur chronique morphine",
  "hepatite depistage",
  "safer supply shelter",
  "pair aidant equipe",
  "ordonnance collective infirmiere",
  "corridor urgence trajectoire",
  "entretien motivationnel",
  "Gaspésie téléconsultation",
  "fentanyl surdose trousse",
];

/** Bulk-generates topics and replies with set-based SQL (triggers off, search index built afterwards). */
export async function generatePostgres(adminConnection: string, topics: number, replies: number) {
  const client = new pg.Client({ connectionString: adminConnection });
  await client.connect();
  try {
    await client.query("set session_replication_role = replica; set maintenance_work_mem = '512MB'; set work_mem = '64MB'");
    await client.query("drop index if exists forum_posts_search_idx; drop index if exists forum_topics_title_trgm_idx");
    // Authors: 300 verified members in regions across Quebec.
    await client.query(`
      with u as (insert into auth.users (email, encrypted_password, email_confirmed_at)
                 select 'bench' || g || '@example.org', 'x', now() from generate_series(1, 300) g returning id, email)
      insert into public.profiles (id, display_name, discipline, region_code, verification_status, verified_at, created_at, directory_opt_in)
      select id, 'Membre ' || split_part(email, '@', 1), (array['medecin','infirmiere','pharmacien','travail_social','pair_aidant'])[1 + (random() * 4)::int],
             lpad((1 + (random() * 17)::int)::text, 2, '0'), 'verified', now() - interval '400 days', now() - interval '400 days', true from u`);
    // The word lists are constants of the statements (a table column would be de-TOASTed at every subscript).
    const w = `(array[${WORDS.map((x) => `'${x.replaceAll("'", "''")}'`).join(",")}]::text[])`;
    const f = `(array[${FILLER.map((x) => `'${x}'`).join(",")}]::text[])`;
    await client.query(
      `create temporary table bench_authors as select array_agg(id) as a from public.profiles where display_name like 'Membre bench%'`,
    );
    await client.query(`create temporary table bench_categories as
      select array_agg(c.id order by c.position) as ids, array_agg(c.space_id order by c.position) as spaces
        from public.forum_categories c join public.spaces s on s.id = c.space_id where s.visibility <> 'members'`);
    // One word in five is a clinical term (each in a few percent of posts); the rest follows a power law
    // over a few thousand everyday words, as in real writing.
    const text = (n: number) => `(select string_agg(case when random() < 0.2 then ${w}[1 + floor(random() * ${WORDS.length})::int]
      else ${f}[1 + floor(power(random(), 2.5) * ${FILLER.length})::int] end, ' ') from generate_series(1, ${n} + (g % 7)) x)`;
    await client.query(`
      insert into public.forum_topics (category_id, space_id, author_id, title, tags, status, created_at, last_posted_at, highest_post_number)
      select c.ids[i], c.spaces[i], a.a[1 + (g % array_length(a.a, 1))], initcap(${text(6)}) || ' ?', '{}', 'published',
             now() - (g % 1000) * interval '1 day' - random() * interval '1 day', now(), 0
        from generate_series(1, ${topics}) g, bench_categories c, bench_authors a,
             lateral (select 1 + (g % array_length(c.ids, 1)) as i) pick`);
    await client.query(
      `create temporary table bench_first as select min(id) as id from public.forum_topics where author_id = any ((select a from bench_authors)::uuid[])`,
    );
    // Opening posts, then replies spread over the topics (some long discussions, most short).
    await client.query(`
      insert into public.forum_posts (topic_id, space_id, post_number, author_id, body, body_text, search_title, status, created_at)
      select t.id, t.space_id, 1, t.author_id, jsonb_build_object('type', 'doc', 'content', jsonb_build_array(jsonb_build_object('type', 'paragraph',
               'content', jsonb_build_array(jsonb_build_object('type', 'text', 'text', body))))), body, t.title, 'published', t.created_at
        from public.forum_topics t, lateral (select ${text(40).replace("(g % 7)", "(t.id % 7)")} as body) b
       where t.id >= (select id from bench_first)`);
    await client.query(`
      insert into public.forum_posts (topic_id, space_id, post_number, author_id, body, body_text, status, created_at)
      select t.id, t.space_id, 1 + row_number() over (partition by t.id order by g), a.a[1 + (g % array_length(a.a, 1))],
             jsonb_build_object('type', 'doc', 'content', jsonb_build_array(jsonb_build_object('type', 'paragraph',
               'content', jsonb_build_array(jsonb_build_object('type', 'text', 'text', body))))), body, 'published', t.created_at + g * interval '1 minute'
        from generate_series(1, ${replies}) g, bench_authors a, bench_first f,
             -- One reply in ten goes to fifty long discussions; the rest spread over every topic.
             lateral (select id, space_id, created_at from public.forum_topics
                       where id = f.id + case when g % 10 = 0 then g % 50 else (g::bigint * 7919) % ${topics} end) t,
             lateral (select ${text(30)} as body) b`);
    await client.query(`
      update public.forum_topics t set reply_count = s.n - 1, highest_post_number = s.maxn, last_posted_at = s.last_at, last_post_id = s.last_id
        from (select topic_id, count(*)::int as n, max(post_number) as maxn, max(created_at) as last_at, max(id) as last_id
                from public.forum_posts group by topic_id) s where s.topic_id = t.id`);
    await client.query(`
      update public.forum_categories c set topic_count = s.topics, post_count = s.posts, last_posted_at = s.last_at
        from (select category_id, count(*)::int as topics, sum(reply_count + 1)::int as posts, max(last_posted_at) as last_at
                from public.forum_topics group by category_id) s where s.category_id = c.id`);
    await client.query("set session_replication_role = origin");
    await client.query("create index forum_posts_search_idx on public.forum_posts using gin (search_vector)");
    await client.query("create index forum_topics_title_trgm_idx on public.forum_topics using gin (title_search extensions.gin_trgm_ops)");
    for (const statement of ["vacuum analyze public.forum_posts", "vacuum analyze public.forum_topics", "analyze"])
      await client.query(statement);
  } finally {
    await client.end();
  }
}

/** PGlite: the same shape through the system path (triggers on), smaller. */
async function generatePGlite(db: Database, topics: number, replies: number) {
  await db.asSystem("bench: generate a forum", async (tx) => {
    const categories = (
      await sql<{
        id: string;
      }>`select c.id from forum_categories c join spaces s on s.id = c.space_id where s.visibility <> 'members'`.execute(tx)
    ).rows;
    const authors = (await sql<{ id: string }>`select id from profiles where verification_status = 'verified'`.execute(tx)).rows.map(
      (r) => r.id,
    );
    const pick = <T>(xs: T[], i: number) => xs[i % xs.length] as T;
    let state = 42;
    const random = () => (state = (state * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
    const words = (n: number, _seed: number) =>
      Array.from({ length: n }, () =>
        random() < 0.2 ? pick(WORDS, Math.floor(random() * WORDS.length)) : pick(FILLER, Math.floor(random() ** 2.5 * FILLER.length)),
      ).join(" ");
    const doc = (text: string) => JSON.stringify({ type: "doc", content: [{ type: "paragraph", content: [{ type: "text", text }] }] });
    for (let i = 0; i < topics; i++) {
      const title = `${words(6, i)} ?`;
      const created = new Date(Date.now() - (i % 1000) * 86_400_000);
      const topic = await tx
        .insertInto("forum_topics")
        .values({
          category_id: pick(categories, i).id,
          author_id: pick(authors, i),
          title,
          status: "published",
          created_at: created,
          last_posted_at: created,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      const body = words(40, i);
      await tx
        .insertInto("forum_posts")
        .values({
          topic_id: topic.id,
          author_id: pick(authors, i),
          body: doc(body),
          body_text: body,
          status: "published",
          created_at: created,
        })
        .execute();
      const n = Math.round(replies / topics) + (i % 3) - 1;
      for (let r = 0; r < n; r++) {
        const text = words(30, i * 100 + r);
        await tx
          .insertInto("forum_posts")
          .values({
            topic_id: topic.id,
            author_id: pick(authors, i + r + 1),
            body: doc(text),
            body_text: text,
            status: "published",
            created_at: new Date(created.getTime() + (r + 1) * 60_000),
          })
          .execute();
      }
    }
  });
}

async function signIn(url: string, email: string): Promise<string> {
  const response = await fetch(`${url}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: url },
    body: new URLSearchParams({ email, password: "passerelle-demo", redirectTo: "" }),
  });
  const cookies = response.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  if (!cookies) throw new Error(`bench: could not sign in as ${email} (${response.status})`);
  return cookies;
}

async function timed(url: string, cookie: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(url, { headers: { Cookie: cookie } });
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return performance.now() - started;
}

/** `total` pages (cycling through `paths`), `concurrency` readers at once. */
async function readPages(url: string, cookie: string, paths: string[], total: number, concurrency: number) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const path = paths[next % paths.length];
        next += 1;
        await timed(`${url}${path}`, cookie);
      }
    }),
  );
}

/** `total` topic pages (cycling through `topics`), `concurrency` readers at once. */
const readTopics = (url: string, cookie: string, topics: number[], total: number, concurrency: number) =>
  readPages(
    url,
    cookie,
    topics.map((id) => `/forums/t/${id}`),
    total,
    concurrency,
  );

/**
 * The server's own CPU time per page, 10 readers at once: warmed up at the same concurrency until
 * the JIT has settled (with 40 sequential requests, optimisation work still fell into the measured
 * phase and one run varied by ±2 ms on a 2-core machine), then measured from /proc.
 */
async function cpuPerPage(app: Target & { process: ServerProcess }, cookie: string, paths: string[]) {
  const warmup = Number(process.env.BENCH_FORUM_CPU_WARMUP ?? 600);
  await readPages(app.url, cookie, paths, warmup, 10);
  const n = Number(process.env.BENCH_FORUM_CPU_REQUESTS ?? 600);
  const cpuBefore = app.process.cpuMs();
  const t0 = performance.now();
  await readPages(app.url, cookie, paths, n, 10);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = app.process.cpuMs() - cpuBefore;
  return { cpuMs: cpu / n, rps: n / seconds, share: cpu / 1000 / seconds, n, warmup, concurrency: 10 };
}

/** Where the forum bench reads: a server's URL, a database handle, and (in its own process) the server to watch. */
interface Target {
  url: string;
  db: Database;
  process?: ServerProcess;
}

async function measure(app: Target, emit: Emit, label: "pglite" | "postgres", size: { topics: number; replies: number }) {
  const cookie = await signIn(app.url, "membre@passerelle.test");
  const db = app.db;
  const ids = await db.asSystem("bench: sample topics and categories", async (tx) => {
    const max = (await sql<{ n: number }>`select max(id)::int as n from forum_topics`.execute(tx)).rows[0]?.n ?? 1;
    const readable = (
      await sql<{ id: number }>`
      select t.id from forum_topics t join spaces s on s.id = t.space_id
       where s.visibility <> 'members' and t.id in (select (1 + floor(random() * ${max}))::int from generate_series(1, 400)) limit 200`.execute(
        tx,
      )
    ).rows.map((r) => r.id);
    const slugs = (
      await sql<{
        slug: string;
      }>`select c.slug from forum_categories c join spaces s on s.id = c.space_id where s.visibility <> 'members'`.execute(tx)
    ).rows.map((r) => r.slug);
    return { topics: readable, slugs };
  });
  const extra = { db: label, topics: size.topics, replies: size.replies };
  // Warm up the server, the build and the database caches.
  for (const id of ids.topics.slice(0, 20)) await timed(`${app.url}/forums/t/${id}`, cookie);

  const topicTimes: number[] = [];
  for (const id of ids.topics) topicTimes.push(await timed(`${app.url}/forums/t/${id}`, cookie));
  emit("forum.topic_page.p50_ms", percentile(topicTimes, 50), "ms", { ...extra, n: topicTimes.length });
  emit("forum.topic_page.p95_ms", percentile(topicTimes, 95), "ms", { ...extra, n: topicTimes.length });

  const concurrency = 8;
  const total = Math.max(200, ids.topics.length * 2);
  const started = performance.now();
  await readTopics(app.url, cookie, ids.topics, total, concurrency);
  emit("forum.topic_page.rps_random_topics", total / ((performance.now() - started) / 1000), "rps", { ...extra, n: total, concurrency });

  // The server's own CPU time per topic page of 50 posts, 10 readers at once, signed in.
  if (app.process) {
    const long = await db.asSystem("bench: topics of 50 posts and more", async (tx) =>
      (
        await sql<{ id: number }>`
      select t.id from forum_topics t join spaces s on s.id = t.space_id
       where s.visibility <> 'members' and t.reply_count >= 49 order by t.id limit 20`.execute(tx)
      ).rows.map((r) => r.id),
    );
    if (long.length) {
      const { cpuMs, rps, share, ...run } = await cpuPerPage(
        { ...app, process: app.process },
        cookie,
        long.map((id) => `/forums/t/${id}`),
      );
      const shape = { ...extra, ...run, posts: 50, signed_in: true };
      emit("forum.topic_page.cpu_ms_per_request", cpuMs, "ms", shape);
      emit("forum.topic_page.rps", rps, "rps", shape);
      emit("forum.topic_page.server_cpu_share", share, "ratio", shape);
    }
  }

  const categoryTimes: number[] = [];
  for (let i = 0; i < 120; i++) categoryTimes.push(await timed(`${app.url}/forums/c/${ids.slugs[i % ids.slugs.length]}`, cookie));
  emit("forum.category_page.p95_ms", percentile(categoryTimes, 95), "ms", { ...extra, n: categoryTimes.length });

  const searchTimes: number[] = [];
  for (const q of QUERIES) await timed(`${app.url}/search?q=${encodeURIComponent(q)}`, cookie);
  for (let i = 0; i < 150; i++)
    searchTimes.push(await timed(`${app.url}/search?q=${encodeURIComponent(QUERIES[i % QUERIES.length] ?? "")}`, cookie));
  emit("forum.search.p50_ms", percentile(searchTimes, 50), "ms", { ...extra, n: searchTimes.length });
  emit("forum.search.p95_ms", percentile(searchTimes, 95), "ms", { ...extra, n: searchTimes.length });
  // How many posts the benchmark's queries match (the figure that drives the cost of ranking).
  const matches = await db.asSystem("bench: count the matches of the queries", async (tx) => {
    const counts: number[] = [];
    for (const q of QUERIES) {
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from forum_posts
        where search_vector @@ (websearch_to_tsquery('public.passerelle_fr', ${q}) || websearch_to_tsquery('public.passerelle_en', ${q}))`.execute(
        tx,
      );
      counts.push(rows[0]?.n ?? 0);
    }
    return counts;
  });
  emit("forum.search.matched_posts.p50", percentile(matches, 50), "count", {
    ...extra,
    queries: QUERIES.length,
    max: Math.max(...matches),
  });

  // First-load JavaScript of a topic page: the entry, the route chunks it preloads, brotli-compressed.
  const html = await (await fetch(`${app.url}/forums/t/${ids.topics[0]}`, { headers: { Cookie: cookie } })).text();
  const scripts = new Set(
    [...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="([^"]+\.js)"/g)].map((m) => m[1] ?? ""),
  );
  const inline = [...html.matchAll(/import\("([^"]+\.js)"\)|from "([^"]+\.js)"|import "([^"]+\.js)"/g)].map(
    (m) => m[1] ?? m[2] ?? m[3] ?? "",
  );
  for (const src of inline) if (src) scripts.add(src);
  let bytes = 0;
  for (const src of scripts) {
    const response = await fetch(new URL(src, app.url));
    if (!response.ok) throw new Error(`bench: ${src} answered ${response.status} (was the build replaced while the bench ran?)`);
    const body = Buffer.from(await response.arrayBuffer());
    bytes += brotliCompressSync(body).length;
  }
  emit("forum.topic_page.js_brotli_bytes", bytes, "bytes", { db: label, files: scripts.size });
}

const CASE_POSTS = 50;

/**
 * A clinical case discussion of 50 posts, read by a verified member: the server's CPU per page
 * (cases.case_page.cpu_ms_per_request), and beside it what rendering its posts' rich text costs
 * (cases.case_page.render_ms, timed in this process over the same documents). Case posts are
 * rendered at every request, unlike forum posts; the two lines say whether storing their HTML
 * would pay (docs/decisions/037-stored-html-where-it-pays.md).
 */
async function measureCasePage(app: Target & { process: ServerProcess }, emit: Emit) {
  const cookie = await signIn(app.url, "membre@passerelle.test");
  const target = await app.db.asSystem("bench: a case discussion of 50 posts", async (tx) => {
    const first = (
      await sql<{ case_id: string; author_id: string; n: number }>`
      select cp.case_id, min(cp.author_id::text)::uuid as author_id, count(*)::int as n
        from public.case_posts cp join public.cases c on c.id = cp.case_id
       where c.status <> 'draft' group by cp.case_id order by count(*) desc limit 1`.execute(tx)
    ).rows[0];
    if (!first) return null;
    // Forum bodies stand in for replies (same schema, the generator's lengths).
    await sql`
      insert into public.case_posts (case_id, author_id, kind, body, body_text)
      select ${first.case_id}::uuid, ${first.author_id}::uuid, 'reply', p.body, p.body_text
        from public.forum_posts p where char_length(p.body_text) between 1 and 20000
       order by p.id limit ${Math.max(0, CASE_POSTS - first.n)}`.execute(tx);
    const bodies = (
      await sql<{ body: unknown; body_text: string }>`
      select body, body_text from public.case_posts where case_id = ${first.case_id}::uuid`.execute(tx)
    ).rows;
    return { caseId: first.case_id, bodies };
  });
  if (!target) return;
  const { cpuMs, n, concurrency } = await cpuPerPage(app, cookie, [`/cases/${target.caseId}`]);
  emit("cases.case_page.cpu_ms_per_request", cpuMs, "ms", { db: "postgres", n, concurrency, posts: target.bodies.length, signed_in: true });
  // The same documents rendered here, warmed up first; the median of 200 pages.
  const renderPage = () => {
    const started = performance.now();
    for (const b of target.bodies) renderRichTextSafe(b.body, b.body_text);
    return performance.now() - started;
  };
  for (let i = 0; i < 200; i++) renderPage();
  emit("cases.case_page.render_ms", percentile(Array.from({ length: 200 }, renderPage), 50), "ms", {
    posts: target.bodies.length,
    where: "bench process",
  });
}

export async function runForumBench(emit: Emit) {
  const small = {
    topics: Number(process.env.BENCH_FORUM_PGLITE_TOPICS ?? 2_000),
    replies: Number(process.env.BENCH_FORUM_PGLITE_REPLIES ?? 20_000),
  };
  // BENCH_FORUM_PGLITE=0: PostgreSQL only. BENCH_FORUM_SKIP_STORED_HTML=1: leave generated posts
  // without stored HTML (every page renders from JSON, as before the stored column), for comparison.
  const skipStored = process.env.BENCH_FORUM_SKIP_STORED_HTML === "1";
  if (process.env.BENCH_FORUM_PGLITE !== "0") await runPGliteForum(emit, small, skipStored);
  await runPostgresForum(emit, skipStored);
}

async function runPGliteForum(emit: Emit, small: { topics: number; replies: number }, skipStored: boolean) {
  const app = await startTestApp();
  try {
    const started = performance.now();
    await generatePGlite(app.server.services.db, small.topics, small.replies);
    emit("forum.generate.seconds", (performance.now() - started) / 1000, "count", { db: "pglite", ...small });
    // Posts written by SQL have no stored HTML yet: rendered as a restart would.
    const rendering = performance.now();
    if (!skipStored) await rebuildStalePostHtml(app.server.services.db);
    emit("forum.render_stored_html.seconds", (performance.now() - rendering) / 1000, "count", {
      db: "pglite",
      ...small,
      skipped: skipStored,
    });
    await measure({ url: app.url, db: app.server.services.db }, emit, "pglite", small);
  } finally {
    await app.close();
  }
}

async function runPostgresForum(emit: Emit, skipStored: boolean) {
  const pgUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  if (!pgUrl) return;
  const size = { topics: Number(process.env.BENCH_FORUM_TOPICS ?? 100_000), replies: Number(process.env.BENCH_FORUM_REPLIES ?? 1_000_000) };
  const name = `passerelle_bench_forum_${process.pid}`;
  const admin = new pg.Client({ connectionString: pgUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(pgUrl);
  url.pathname = `/${name}`;
  let server: ServerProcess | null = null;
  let db: Database | null = null;
  try {
    // The compiled server in its own process (as `npm start` runs it) migrates and seeds the
    // demo content; the forum is then generated next to it.
    server = await startCompiled({ DATABASE_URL: url.toString(), SEED_DEMO: "true", DATA_DIR: `/tmp/passerelle-bench-${process.pid}` });
    db = createPostgresDatabase(url.toString(), { max: 2 });
    const started = performance.now();
    await generatePostgres(url.toString(), size.topics, size.replies);
    emit("forum.generate.seconds", (performance.now() - started) / 1000, "count", { db: "postgres", ...size });
    const rendering = performance.now();
    if (!skipStored) await rebuildStalePostHtml(db);
    emit("forum.render_stored_html.seconds", (performance.now() - rendering) / 1000, "count", {
      db: "postgres",
      ...size,
      skipped: skipStored,
    });
    await measure({ url: server.url, db, process: server }, emit, "postgres", size);
    emit("server.rss_mb_after_load", server.rssMb(), "count", { db: "postgres", ...size, after: "forum bench" });
    await measureCasePage({ url: server.url, db, process: server }, emit);
  } finally {
    await server?.stop();
    await db?.close();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}
