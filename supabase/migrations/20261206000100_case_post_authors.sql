-- Who wrote each reply, recommendation and follow-up of a case, for everyone who may
-- read the case, in one answer (it replaces case_presenter_post_ids(), which only said
-- which posts were the presenter's). A case discussion is among named colleagues: other
-- authors are named whatever their directory setting (before, a reader saw a name only
-- for the directory's opt-ins, which profile RLS let through, and an empty byline for
-- the others). Only the presenter may appear under a pseudonym: their posts come back
-- flagged, without a name, and are named by case_presenter() (pseudonym for peers, the
-- person for the presenter and for moderators, audited).
drop function if exists public.case_presenter_post_ids(uuid);

create or replace function public.case_post_authors(target uuid)
returns table (post_id bigint, by_presenter boolean, display_name text)
language sql stable security definer set search_path = ''
as $$
  select cp.id, cp.author_id = c.author_id,
         case when cp.author_id = c.author_id then null else p.display_name::text end
    from public.case_posts cp
    join public.cases c on c.id = cp.case_id
    join public.profiles p on p.id = cp.author_id
   where cp.case_id = target
     and public.can_read_case(target)
$$;
revoke all on function public.case_post_authors(uuid) from public, anon;
grant execute on function public.case_post_authors(uuid) to authenticated, service_role;
