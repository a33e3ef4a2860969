-- Names on the replies, recommendations and follow-ups of a case, for everyone who may
-- read the case. A case discussion is among named colleagues: only the presenter may
-- appear under a pseudonym, so the presenter's own posts are left out here and named by
-- case_presenter() (which keeps the pseudonym for peers and audits moderators). Without
-- this, a reader saw a name only for the authors whose profile RLS let them read (the
-- directory's opt-ins), and an empty byline for the others.
create or replace function public.case_post_authors(target uuid)
returns table (post_id bigint, display_name text)
language sql stable security definer set search_path = ''
as $$
  select cp.id, p.display_name::text
    from public.case_posts cp
    join public.cases c on c.id = cp.case_id
    join public.profiles p on p.id = cp.author_id
   where cp.case_id = target
     and cp.author_id <> c.author_id
     and public.can_read_case(target)
$$;
revoke all on function public.case_post_authors(uuid) from public, anon;
grant execute on function public.case_post_authors(uuid) to authenticated, service_role;
