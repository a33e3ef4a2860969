-- Forum search: the same function as in …200_forums.sql (same arguments, result and
-- read rule), with the full-text candidates found in two steps so that a word with a
-- few thousand matches is not searched by walking a million posts newest first
-- (measured at 100k topics / 1M replies: 250-470 ms for "naloxone refuge"). Everything else is unchanged.
create or replace function public.forum_search_posts(
  q text, category_slug text default null, region text default null, tag text default null,
  authors uuid[] default null, from_date date default null, to_date date default null,
  max_rows int default 20, skip int default 0)
returns table (post_id bigint, score real)
language plpgsql stable security definer set search_path = ''
as $$
#variable_conflict use_column
declare
  readable uuid[] := public.readable_space_ids();
  tsq tsquery;
  plain text := public.immutable_unaccent(lower(coalesce(q, '')));
  wanted int := least(greatest(max_rows, 1), 101) + greatest(skip, 0);
  ids bigint[];
  scores real[];
begin
  if char_length(coalesce(q, '')) not between 2 and 200 then return; end if;
  tsq := websearch_to_tsquery('public.passerelle_fr', q) || websearch_to_tsquery('public.passerelle_en', q);
  if numnode(tsq) > 0 then
    -- Two steps, because one ordered query cannot be planned well for both kinds of
    -- words: the planner guesses the match count from statistics (often 2x off once the
    -- French and English queries are OR-ed), and a wrong guess toward "common" makes it
    -- walk the posts newest first, filtering hundreds of thousands of rows (0.5 s at
    -- 1M posts for a word with a few thousand matches). So first take up to 5 000
    -- matching posts in any order, by post-level rules only (a bitmap on the GIN index;
    -- stops early for common words), then apply the topic-level rules to those;
    -- when that is all of them, rank the newest 500 of those; when there are more (a
    -- common word), newest-first with a filter is the right plan and finds 500 quickly.
    execute $sql$
    select coalesce(array_agg(p.id), '{}') from (
      select p.id
        from public.forum_posts p
       where p.search_vector @@ $1
         and p.status = 'published' and p.deleted_at is null and p.space_id = any ($2)
         and ($3::date is null or p.created_at >= $3) and ($4::date is null or p.created_at < $4 + 1)
         and ($5::uuid[] is null or p.author_id = any ($5))
       limit 5001
    ) p $sql$
    into ids
    using tsq, readable, from_date, to_date, authors;
    if array_length(ids, 1) is null or array_length(ids, 1) <= 5000 then
      -- The topic-level rules and filters on the candidates only (index lookups, newest first).
      select coalesce(array_agg(m.id), '{}'), coalesce(array_agg(m.score), '{}') into ids, scores from (
        select p.id, ts_rank_cd(p.search_vector, tsq, 1) as score
          from public.forum_posts p
          join public.forum_topics t on t.id = p.topic_id
          join public.forum_categories cat on cat.id = t.category_id
         where p.id = any (ids)
           and t.status = 'published' and t.deleted_at is null
           and (category_slug is null or cat.slug = category_slug)
           and (region is null or t.region_code = region)
           and (tag is null or t.tags @> array[tag])
         order by p.id desc
         limit 500
      ) m;
    else
      execute $sql$
      select coalesce(array_agg(m.id), '{}'), coalesce(array_agg(m.score), '{}') from (
        select p.id, ts_rank_cd(p.search_vector, $1, 1) as score
          from public.forum_posts p
          join public.forum_topics t on t.id = p.topic_id
          join public.forum_categories cat on cat.id = t.category_id
         where p.search_vector @@ $1
           and p.status = 'published' and p.deleted_at is null and p.space_id = any ($2)
           and t.status = 'published' and t.deleted_at is null
           and ($3::date is null or p.created_at >= $3) and ($4::date is null or p.created_at < $4 + 1)
           and ($5::uuid[] is null or p.author_id = any ($5))
           and ($6::text is null or cat.slug = $6)
           and ($7::text is null or t.region_code = $7)
           and ($8::text is null or t.tags @> array[$8])
         order by p.id desc
         limit 500
      ) m $sql$
      into ids, scores
      using tsq, readable, from_date, to_date, authors, category_slug, region, tag;
    end if;
  else
    ids := '{}';
    scores := '{}';
  end if;
  if coalesce(array_length(ids, 1), 0) < wanted and char_length(plain) >= 4 then
    perform set_config('pg_trgm.word_similarity_threshold', '0.4', true);
    select ids || coalesce(array_agg(f.id), '{}'), scores || coalesce(array_agg(f.score), '{}') into ids, scores from (
      select p.id, (extensions.word_similarity(plain, t.title_search) * 0.1)::real as score
        from public.forum_topics t
        join public.forum_posts p on p.topic_id = t.id and p.post_number = 1
        join public.forum_categories cat on cat.id = t.category_id
       where t.title_search operator(extensions.%>) plain
         and p.status = 'published' and p.deleted_at is null and p.space_id = any (readable)
         and t.status = 'published' and t.deleted_at is null
         and (from_date is null or p.created_at >= from_date) and (to_date is null or p.created_at < to_date + 1)
         and (authors is null or p.author_id = any (authors))
         and (category_slug is null or cat.slug = category_slug)
         and (region is null or t.region_code = region)
         and (tag is null or t.tags @> array[tag])
       limit 100
    ) f;
  end if;
  return query
    select c.id, max(c.score)::real
      from unnest(ids, scores) as c(id, score)
     group by c.id
     order by max(c.score) desc, c.id desc
     limit least(greatest(max_rows, 1), 101) offset greatest(skip, 0);
end

$$;
