-- After an event: the recording link, resources (tools of the library) and a short
-- satisfaction survey (1–5 and an optional comment, once per registrant, only once the
-- event has ended). Organisers write the follow-up; whoever may see the event reads it.
-- Survey answers: each person reads her own, organisers read all (aggregated on the page).

create table public.event_followups (
  event_id uuid primary key references public.events (id) on delete cascade,
  -- https only: the link is shown to every reader of the event.
  recording_url text check (recording_url ~ '^https://[^\s]+$' and char_length(recording_url) <= 2000),
  updated_by uuid references public.profiles (id) on delete set null,
  updated_at timestamptz not null default now()
);

create table public.event_resources (
  id bigint generated always as identity primary key,
  event_id uuid not null references public.events (id) on delete cascade,
  tool_id uuid not null references public.tools (id) on delete cascade,
  added_by uuid references public.profiles (id) on delete set null,
  created_at timestamptz not null default now(),
  unique (event_id, tool_id)
);

create table public.event_feedback (
  event_id uuid not null references public.events (id) on delete cascade,
  user_id uuid not null references public.profiles (id) on delete cascade,
  rating int not null check (rating between 1 and 5),
  comment text check (char_length(comment) <= 2000),
  created_at timestamptz not null default now(),
  primary key (event_id, user_id)
);

-- Ended: the event's end has passed. Security definer so the policy does not depend
-- on the caller's view of events (a registrant always sees hers anyway).
create or replace function public.event_has_ended(target uuid) returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (select 1 from public.events e where e.id = target and e.status = 'scheduled'
    and e.starts_at + make_interval(mins => e.duration_minutes) <= now())
$$;
revoke all on function public.event_has_ended(uuid) from public;
grant execute on function public.event_has_ended(uuid) to anon, authenticated, service_role;

alter table public.event_followups enable row level security;
alter table public.event_resources enable row level security;
alter table public.event_feedback enable row level security;

create policy event_followups_select on public.event_followups for select to anon, authenticated
  using (public.can_see_event(event_id));
create policy event_followups_insert on public.event_followups for insert to authenticated
  with check (public.is_organiser() and updated_by = auth.uid());
create policy event_followups_update on public.event_followups for update to authenticated
  using (public.is_organiser()) with check (public.is_organiser() and updated_by = auth.uid());
grant select on public.event_followups to anon, authenticated;
grant insert (event_id, recording_url, updated_by), update (recording_url, updated_by, updated_at) on public.event_followups to authenticated;

create policy event_resources_select on public.event_resources for select to anon, authenticated
  using (public.can_see_event(event_id));
create policy event_resources_insert on public.event_resources for insert to authenticated
  with check (public.is_organiser() and added_by = auth.uid());
create policy event_resources_delete on public.event_resources for delete to authenticated
  using (public.is_organiser());
grant select, delete on public.event_resources to anon, authenticated;
revoke delete on public.event_resources from anon;
grant insert (event_id, tool_id, added_by) on public.event_resources to authenticated;

-- Once per person (primary key), only a registrant, only after the end; never edited.
create policy event_feedback_select on public.event_feedback for select to authenticated
  using (user_id = auth.uid() or public.is_organiser());
create policy event_feedback_insert on public.event_feedback for insert to authenticated
  with check (user_id = auth.uid() and public.is_event_registrant(event_id) and public.event_has_ended(event_id));
grant select on public.event_feedback to authenticated;
grant insert (event_id, user_id, rating, comment) on public.event_feedback to authenticated;

grant all on public.event_followups, public.event_resources, public.event_feedback to service_role;
