// The tools library's part of the one search box (/search, app/modules/search):
// published, current items the person may read, French-aware (the same tsvector and
// trigram title as /tools), with highlighted excerpts as text runs (never HTML).
// Runs inside the search module's transaction, with the person's claims.
import { sql } from "kysely";
import { toExcerpt } from "~/modules/search/search.server";
import type { Excerpt } from "~/modules/search/schemas";
import type { Tx } from "~/utils/db.server";

export interface ToolSearchHit {
  source: "tool";
  url: string;
  title: Excerpt;
  excerpt: Excerpt;
  kind: string;
  publisher: string | null;
  publishedOn: string | null;
  language: string;
}

const START = "\u0002";
const STOP = "\u0003";
const likeEscape = (value: string) => value.replace(/[\\%_]/g, (c) => `\\${c}`);

export async function searchLibraryHits(tx: Tx, q: string, limit: number): Promise<{ hits: ToolSearchHit[]; total: number }> {
  const { rows } = await sql<{
    id: string; kind: string; publisher: string | null; published_on: string | null; language: string;
    title_hl: string; summary_hl: string; total: number;
  }>`
    with q as (
      select websearch_to_tsquery('public.passerelle_fr'::regconfig, ${q})
          || websearch_to_tsquery('public.passerelle_en'::regconfig, ${q}) as query,
             '%' || public.immutable_unaccent(lower(${likeEscape(q)})) || '%' as pattern
    ),
    found as (
      select t.*, ts_rank_cd(t.search_vector, q.query) + case when t.title_search like q.pattern then 1 else 0 end as score,
             count(*) over ()::int as total
        from public.tools t cross join q
       where t.status = 'published' and t.superseded_by is null
         and ((numnode(q.query) > 0 and t.search_vector @@ q.query) or t.title_search like q.pattern)
       order by score desc, t.published_on desc nulls last
       limit ${limit}
    )
    select f.id, f.kind, f.publisher, f.published_on, f.language, f.total,
           ts_headline('public.passerelle_fr', f.title, q.query, ${`StartSel=${START}, StopSel=${STOP}, HighlightAll=true`}) as title_hl,
           ts_headline('public.passerelle_fr', case when f.summary_fr <> '' then f.summary_fr else left(f.file_text, 2000) end, q.query,
                       ${`StartSel=${START}, StopSel=${STOP}, MaxWords=35, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "`}) as summary_hl
      from found f cross join q
     order by f.score desc, f.published_on desc nulls last`.execute(tx);
  return {
    total: rows[0]?.total ?? 0,
    hits: rows.map((r) => ({
      source: "tool", url: `/tools/${r.id}`, title: toExcerpt(r.title_hl), excerpt: toExcerpt(r.summary_hl),
      kind: r.kind, publisher: r.publisher, publishedOn: r.published_on, language: r.language,
    })),
  };
}
