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
import { SEARCH_LIMITS, TOOL_HITS_BESIDE_FORUMS, type Excerpt, type SearchQuery } from "./schemas";

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

const START = "\u0002";
const STOP = "\u0003";

/** Text runs of a ts_headline result; markers never appear in stored text (the validator refuses control characters). */
export function toExcerpt(headline: string): Excerpt {
  const runs: Excerpt = [];
  for (const part of headline.split(/(\u0002[^\u0003]*\u0003)/)) {
    if (!part) continue;
    const marked = part.startsWith(START) && part.endsWith(STOP);
    const text = marked ? part.slice(1, -1) : part.replace(/[\u0002\u0003]/g, "");
    if (text) runs.push({ text, mark: marked });
  }
  return runs;
}

interface Row {
  id: number; topic_id: number; post_number: number; created_at: Date; author_id: string | null;
  title_hl: string; body_hl: string; slug: string; name_fr: string; name_en: string;
}

async function searchForums(tx: Tx, query: SearchQuery, limit: number): Promise<{ hits: SearchHit[]; more: boolean }> {
  // Candidates through the indexed, read-rule-checking function (see the migration);
  // the details are then read through RLS like any other read.
  const authors = query.author ? sql`public.forum_authors_named(${query.author})` : sql`null::uuid[]`;
  const { rows } = await sql<Row>`
    with best as (
      select post_id, score from public.forum_search_posts(
        ${query.q}, ${query.category ?? null}, ${query.region ?? null}, ${query.tag ?? null}, ${authors},
        ${query.from ?? null}::date, ${query.to ?? null}::date, ${limit + 1}, ${query.offset})
    ),
    q as (select websearch_to_tsquery('public.passerelle_fr', ${query.q}) || websearch_to_tsquery('public.passerelle_en', ${query.q}) as query)
    select p.id, p.topic_id, p.post_number, p.created_at, p.author_id, c.slug, c.name_fr, c.name_en,
           ts_headline('public.passerelle_fr', t.title, q.query, ${`StartSel=${START}, StopSel=${STOP}, HighlightAll=true`}) as title_hl,
           ts_headline('public.passerelle_fr', left(p.body_text, 5000), q.query,
                       ${`StartSel=${START}, StopSel=${STOP}, MaxWords=35, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "`}) as body_hl
      from best
      join public.forum_posts p on p.id = best.post_id
      join public.forum_topics t on t.id = p.topic_id
      join public.forum_categories c on c.id = t.category_id
      cross join q
     order by best.score desc, p.id desc`.execute(tx);
  const page = rows.slice(0, limit);
  const authorIds = [...new Set(page.map((r) => r.author_id).filter((id): id is string => Boolean(id)))];
  const names = new Map<string, string>();
  if (authorIds.length > 0) {
    const { rows: cards } = await sql<{ id: string; display_name: string }>`select id, display_name from public.forum_profile_cards(${authorIds}::uuid[])`.execute(tx);
    for (const c of cards) names.set(c.id, c.display_name);
  }
  return {
    more: rows.length > limit,
    hits: page.map((r) => ({
      source: "forum", kind: r.post_number === 1 ? "topic" : "reply",
      url: `/forums/p/${r.id}`, title: toExcerpt(r.title_hl), excerpt: toExcerpt(r.body_hl), postNumber: r.post_number,
      category: { slug: r.slug, name_fr: r.name_fr, name_en: r.name_en },
      author: r.author_id ? names.get(r.author_id) ?? null : null, createdAt: new Date(r.created_at).toISOString(),
    })),
  };
}

export async function search(db: Database, claims: Claims, query: SearchQuery) {
  const noTools = { hits: [] as ToolSearchHit[], total: 0 };
  const noCases = { hits: [] as CaseSearchHit[], total: 0 };
  if (query.q.length < SEARCH_LIMITS.queryMin) return { hits: [], more: false, searched: false, tools: noTools, cases: noCases };
  return db.withUser(claims, async (tx) => {
    const forums = query.source === "tool" ? { hits: [], more: false } : await searchForums(tx, query, SEARCH_LIMITS.pageSize);
    // Tools are listed beside the forum hits, on the first page only; forum-only filters leave them out.
    const forumFilters = Boolean(query.category || query.region || query.tag || query.author || query.from || query.to);
    const tools = query.source === "forum" || query.offset > 0 || (forumFilters && query.source !== "tool") ? noTools
      : await searchLibraryHits(tx, query.q, query.source === "tool" ? SEARCH_LIMITS.pageSize : TOOL_HITS_BESIDE_FORUMS);
    // Cases the person may read (RLS), beside the forum hits like tools; anonymous
    // visitors have no grant on cases at all, so they are not even asked.
    const cases = query.source !== "all" || query.offset > 0 || forumFilters || !claims ? noCases
      : await searchCaseHits(tx, query.q, TOOL_HITS_BESIDE_FORUMS);
    return { ...forums, tools, cases, searched: true };
  }, { readOnly: true });
}

/** Filter choices: the categories and regions the person may read. */
export async function searchFilters(db: Database, claims: Claims) {
  return db.withUser(claims, async (tx) => {
    const categories = await tx.selectFrom("forum_categories").select(["slug", "name_fr", "name_en"]).orderBy("name_fr").execute();
    return { categories };
  }, { readOnly: true });
}
