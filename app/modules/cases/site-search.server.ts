// The cases' part of the one search box (/search, app/modules/search): the cases the
// person may read (row-level security on cases and case_posts decides, in the search
// module's transaction with the person's claims), French-aware and unaccented (the
// same text search configurations as forums and tools). An unverified member or a
// private space's outsider gets nothing, not even a title. Drafts show only to their
// author, who reads them anyway. Cases are few: the text match runs under RLS row by
// row (decision 008's pitfall matters at forum volumes, not here).
import { sql } from "kysely";
import { BODY_HEADLINE, headlineSource, searchQueryRow, TITLE_HEADLINE, toExcerpt } from "~/modules/search/excerpt";
import type { Excerpt } from "~/modules/search/schemas";
import type { Tx } from "~/utils/db.server";
import type { CaseStatus } from "~/utils/db-schema";

export interface CaseSearchHit {
  source: "case";
  url: string;
  title: Excerpt;
  excerpt: Excerpt;
  status: CaseStatus;
  careSetting: string;
}

export async function searchCaseHits(tx: Tx, q: string, limit: number): Promise<{ hits: CaseSearchHit[]; total: number }> {
  const body = headlineSource(sql`f.body`, 3000);
  const { rows } = await sql<{
    id: string;
    status: CaseStatus;
    care_setting: string;
    title_hl: string;
    body_hl: string;
    body_src: string;
    body_cut: boolean;
    total: number;
  }>`
    with q as (${searchQueryRow(q)}),
    found as (
      select c.id, c.status, c.care_setting, c.title, c.created_at,
             c.question || ' ' || c.what_tried || ' ' || c.details_text as body,
             ts_rank_cd(c.search_vector, q.query) + case when public.immutable_unaccent(lower(c.title)) like q.pattern then 1 else 0 end as score,
             count(*) over ()::int as total
        from public.cases c cross join q
       where (numnode(q.query) > 0 and c.search_vector @@ q.query)
          or public.immutable_unaccent(lower(c.title)) like q.pattern
          or (numnode(q.query) > 0 and exists (
                select 1 from public.case_posts p
                 where p.case_id = c.id
                   and (to_tsvector('public.passerelle_fr'::regconfig, p.body_text) || to_tsvector('public.passerelle_en'::regconfig, p.body_text)) @@ q.query))
       order by score desc, c.created_at desc
       limit ${limit}
    )
    select f.id, f.status, f.care_setting, f.total,
           ts_headline('public.passerelle_fr', f.title, q.query, ${TITLE_HEADLINE}) as title_hl,
           ts_headline('public.passerelle_fr', b.src, q.query, ${BODY_HEADLINE}) as body_hl, b.src as body_src, b.cut as body_cut
      from found f cross join q
      cross join lateral (select ${body.text} as src, ${body.truncated} as cut) b
     order by f.score desc, f.created_at desc`.execute(tx);
  return {
    total: rows[0]?.total ?? 0,
    hits: rows.map((r) => ({
      source: "case",
      url: `/cases/${r.id}`,
      title: toExcerpt(r.title_hl),
      excerpt: toExcerpt(r.body_hl, { text: r.body_src, truncated: r.body_cut }),
      status: r.status,
      careSetting: r.care_setting,
    })),
  };
}
