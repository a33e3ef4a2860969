// The tools library's part of the one search box (/search, app/modules/search):
// published, current items the person may read, French-aware (the same tsvector and
// trigram title as /tools), with highlighted excerpts as text runs (never HTML).
// Runs inside the search module's transaction, with the person's claims.
import { sql } from "kysely";
import { BODY_HEADLINE, headlineSource, searchQueryRow, TITLE_HEADLINE, toExcerpt } from "~/modules/search/excerpt";
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

export async function searchLibraryHits(tx: Tx, q: string, limit: number): Promise<{ hits: ToolSearchHit[]; total: number }> {
  const summary = headlineSource(sql`case when f.summary_fr <> '' then f.summary_fr else f.file_text end`, 2000);
  const { rows } = await sql<{
    id: string;
    kind: string;
    publisher: string | null;
    published_on: string | null;
    language: string;
    title_hl: string;
    summary_hl: string;
    summary_src: string;
    summary_cut: boolean;
    total: number;
  }>`
    with q as (${searchQueryRow(q)}),
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
           ts_headline('public.passerelle_fr', f.title, q.query, ${TITLE_HEADLINE}) as title_hl,
           ts_headline('public.passerelle_fr', s.src, q.query, ${BODY_HEADLINE}) as summary_hl, s.src as summary_src, s.cut as summary_cut
      from found f cross join q
      cross join lateral (select ${summary.text} as src, ${summary.truncated} as cut) s
     order by f.score desc, f.published_on desc nulls last`.execute(tx);
  return {
    total: rows[0]?.total ?? 0,
    hits: rows.map((r) => ({
      source: "tool",
      url: `/tools/${r.id}`,
      title: toExcerpt(r.title_hl),
      excerpt: toExcerpt(r.summary_hl, { text: r.summary_src, truncated: r.summary_cut }),
      kind: r.kind,
      publisher: r.publisher,
      publishedOn: r.published_on,
      language: r.language,
    })),
  };
}
