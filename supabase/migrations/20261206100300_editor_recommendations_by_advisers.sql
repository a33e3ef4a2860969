-- The written recommendations of a case are the advisers' answer to the presenter's
-- question: mentors, designated experts (for every case or for this space's) and the
-- case's moderators write them. The presenter no longer does (unless she is one of
-- those herself): she answers in replies and reports back with follow-ups, and her case
-- page no longer offers her a recommendations form she should not use.
-- Same body as 20261123000600 minus the presenter clause; same grants (a replaced
-- function keeps its privileges).
create or replace function public.can_recommend_case(target uuid) returns boolean
language plpgsql stable security definer set search_path = ''
as $$
declare
  sp uuid;
begin
  if not public.can_read_case(target) then return false; end if;
  select c.space_id into sp from public.cases c where c.id = target;
  return public.has_role('mentor')
      or exists (select 1 from public.case_experts e where e.user_id = auth.uid() and (e.space_id is null or e.space_id = sp))
      or public.can_moderate_case(target);
end
$$;
