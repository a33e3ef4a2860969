// Search: one entry point (/search) over the sources a person may read. Forums are
// the first source; tools and cases add theirs here later (each returns SearchHit).
// Every query runs with the person's claims (RLS applies); French-aware full text
// (unaccent + French and English stemming, generated tsvector + GIN) and a trigram
// index on titles for near misses. Excerpts come from ts_headline with control
// characters as markers, split into text runs here: nothing is ever injected as HTML.
import { sql } from "kysely";
import type { Claims, Database, Tx } from "~/utils/db.server";
import { searchCaseHits, type CaseSearchHit } from "~/modules/cases/site-search.server";
import { searchLibraryHits, type ToolSearchHit } from "~/modules/tools/site-search.server";
import { BODY_HEADLINE, headlineSource, TITLE_HEADLINE, toExcerpt } from "./excerpt";
import { SEARCH_LIMITS, searchSchema, TOOL_HITS_BESIDE_FORUMS, type Excerpt, type SearchQuery } from "./schemas";

/**
 * The query of /search?…: only `q` can be refused (over the limit: its field message);
 * the filters fall back to "any". A refused query comes back emptied, with the errors.
 */
export function parseSearchQuery(
  params: URLSearchParams,
): { ok: true; query: SearchQuery } | { ok: false; query: SearchQuery; errors: Partial<Record<string, string[]>> } {
  const raw = Object.fromEntries(params);
  const parsed = searchSchema.safeParse(raw);
  if (parsed.success) return { ok: true, query: parsed.data };
  const errors = parsed.error.flatten().fieldErrors;
  // The page shows the form again: refused fields are cleared, the others kept.
  const kept = Object.fromEntries(Object.entries(raw).filter(([key]) => !(key in errors)));
  return { ok: false, query: searchSchema.parse(kept), errors };
}

// ── Overload ────────────────────────────────────────────────────────────────
// Under load, searches (the most expensive reads) ran side by side until the
// database, slowed by all of them, cancelled some at the statement timeout: an
// unhandled error, so a 500. Now a process runs a few searches at once and queues a
// bounded number; past that, or when a search is cancelled at its own (shorter)
// timeout, the caller gets SearchBusyError and the page answers 503 with
// Retry-After. Topic pages keep their share of the pool meanwhile. The counters are
// per process (a development rebuild starts them afresh, which is harmless).

/** Searches running at once per process, and waiting for a turn before refusing. */
export const SEARCH_CONCURRENCY = { active: 4, waiting: 16 } as const;
/** A search statement is cancelled after this long (the default for a request is 8 s). */
export const SEARCH_STATEMENT_TIMEOUT_MS = 3_000;

export class SearchBusyError extends Error {
  constructor(readonly reason: "queue_full" | "timeout") {
    super(`search busy (${reason})`);
    this.name = "SearchBusyError";
  }
}

let active = 0;
const waiting: Array<() => void> = [];

async function withSearchSlot<T>(fn: () => Promise<T>): Promise<T> {
  if (active < SEARCH_CONCURRENCY.active) active += 1;
  else if (waiting.length >= SEARCH_CONCURRENCY.waiting) throw new SearchBusyError("queue_full");
  else await new Promise<void>((resolve) => waiting.push(resolve));
  try {
    return await fn();
  } finally {
    // Hand the slot to the next in line, or free it.
    const next = waiting.shift();
    if (next) next();
    else active -= 1;
  }
}

/** PostgreSQL cancelled the statement (statement timeout) or could not get a lock in time. */
export function isDatabaseOverload(error: unknown): boolean {
  const code = error && typeof error === "object" && "code" in error ? error.code : undefined;
  return code === "57014" || code === "55P03";
}

export interface SearchHit {
  source: "forum";
  kind: "topic" | "reply";
  url: string;
  title: Excerpt;
  excerpt: Excerpt;
  postNumber: number;
  category: { slug: string; name_fr: string; name_en: string };
  author: string | null;
  createdAt: string;
}

// The excerpt helpers (markers, headline options, toExcerpt) are search/excerpt.ts, the
// one file cases and tools import for their site-search hits (no import cycle back here).
export { BODY_HEADLINE, headlineSource, TITLE_HEADLINE, toExcerpt } from "./excerpt";

interface Row {
  id: number;
  topic_id: number;
  post_number: number;
  created_at: Date;
  author_id: string | null;
  title_hl: string;
  body_hl: string;
  body_src: string;
  body_cut: boolean;
  slug: string;
  name_fr: string;
  name_en: string;
}

async function searchForums(tx: Tx, query: SearchQuery, limit: number): Promise<{ hits: SearchHit[]; more: boolean }> {
  // Candidates through the indexed, read-rule-checking function (see the migration);
  // the details are then read through RLS like any other read.
  const authors = query.author ? sql`public.forum_authors_named(${query.author})` : sql`null::uuid[]`;
  const body = headlineSource(sql`p.body_text`, 5000);
  const { rows } = await sql<Row>`
    with best as (
      select post_id, score from public.forum_search_posts(
        ${query.q}, ${query.category ?? null}, ${query.region ?? null}, ${query.tag ?? null}, ${authors},
        ${query.from ?? null}::date, ${query.to ?? null}::date, ${limit + 1}, ${query.offset})
    ),
    q as (select websearch_to_tsquery('public.passerelle_fr', ${query.q}) || websearch_to_tsquery('public.passerelle_en', ${query.q}) as query)
    select p.id, p.topic_id, p.post_number, p.created_at, p.author_id, c.slug, c.name_fr, c.name_en,
           ts_headline('public.passerelle_fr', t.title, q.query, ${TITLE_HEADLINE}) as title_hl,
           ts_headline('public.passerelle_fr', b.src, q.query, ${BODY_HEADLINE}) as body_hl, b.src as body_src, b.cut as body_cut
      from best
      join public.forum_posts p on p.id = best.post_id
      join public.forum_topics t on t.id = p.topic_id
      join public.forum_categories c on c.id = t.category_id
      cross join q
      cross join lateral (select ${body.text} as src, ${body.truncated} as cut) b
     order by best.score desc, p.id desc`.execute(tx);
  const page = rows.slice(0, limit);
  const authorIds = [...new Set(page.map((r) => r.author_id).filter((id): id is string => Boolean(id)))];
  const names = new Map<string, string>();
  if (authorIds.length > 0) {
    const { rows: cards } = await sql<{
      id: string;
      display_name: string;
    }>`select id, display_name from public.forum_profile_cards(${authorIds}::uuid[])`.execute(tx);
    for (const c of cards) names.set(c.id, c.display_name);
  }
  return {
    more: rows.length > limit,
    hits: page.map((r) => ({
      source: "forum",
      kind: r.post_number === 1 ? "topic" : "reply",
      url: `/forums/p/${r.id}`,
      title: toExcerpt(r.title_hl),
      excerpt: toExcerpt(r.body_hl, { text: r.body_src, truncated: r.body_cut }),
      postNumber: r.post_number,
      category: { slug: r.slug, name_fr: r.name_fr, name_en: r.name_en },
      author: r.author_id ? (names.get(r.author_id) ?? null) : null,
      createdAt: new Date(r.created_at).toISOString(),
    })),
  };
}

export async function search(db: Database, claims: Claims, query: SearchQuery) {
  const noTools = { hits: [] as ToolSearchHit[], total: 0 };
  const noCases = { hits: [] as CaseSearchHit[], total: 0 };
  if (query.q.length < SEARCH_LIMITS.queryMin) return { hits: [], more: false, searched: false, tools: noTools, cases: noCases };
  return withSearchSlot(() =>
    db.withUser(
      claims,
      async (tx) => {
        await sql`select set_config('statement_timeout', ${String(SEARCH_STATEMENT_TIMEOUT_MS)}, true)`.execute(tx);
        const forums = query.source === "tool" ? { hits: [], more: false } : await searchForums(tx, query, SEARCH_LIMITS.pageSize);
        // Tools are listed beside the forum hits, on the first page only; forum-only filters leave them out.
        const forumFilters = Boolean(query.category || query.region || query.tag || query.author || query.from || query.to);
        const tools =
          query.source === "forum" || query.offset > 0 || (forumFilters && query.source !== "tool")
            ? noTools
            : await searchLibraryHits(tx, query.q, query.source === "tool" ? SEARCH_LIMITS.pageSize : TOOL_HITS_BESIDE_FORUMS);
        // Cases the person may read (RLS), beside the forum hits like tools; anonymous
        // visitors have no grant on cases at all, so they are not even asked.
        const cases =
          query.source !== "all" || query.offset > 0 || forumFilters || !claims
            ? noCases
            : await searchCaseHits(tx, query.q, TOOL_HITS_BESIDE_FORUMS);
        return { ...forums, tools, cases, searched: true };
      },
      { readOnly: true },
    ),
  ).catch((error: unknown) => {
    throw isDatabaseOverload(error) ? new SearchBusyError("timeout") : error;
  });
}

/** Filter choices: the categories and regions the person may read. */
export async function searchFilters(db: Database, claims: Claims) {
  return db.withUser(
    claims,
    async (tx) => {
      const categories = await tx.selectFrom("forum_categories").select(["slug", "name_fr", "name_en"]).orderBy("name_fr").execute();
      return { categories };
    },
    { readOnly: true },
  );
}
