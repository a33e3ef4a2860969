-- Speakers of an event as rows (ordered, optionally linked to a member's account) and
-- the event's slides as uploaded files (decision 027).
--
-- A speaker linked to an account hosts the live room with the organisers: she enters
-- it without registering, is a Jitsi moderator and marks questions answered. Slides
-- are rows of the one `files` table (purpose 'event_slides'), readable by whoever may
-- see the event, uploaded and removed by organisers.

-- ── Speakers ────────────────────────────────────────────────────────────────────
create table public.event_speakers (
  id bigint generated always as identity primary key,
  event_id uuid not null references public.events (id) on delete cascade,
  profile_id uuid references public.profiles (id) on delete set null,
  display_name text not null check (char_length(btrim(display_name)) between 2 and 120),
  affiliation text not null default '' check (char_length(affiliation) <= 200),
  position int not null check (position between 1 and 100),
  created_at timestamptz not null default now(),
  unique (event_id, position)
);
-- One account speaks once per event (its rights do not add up).
create unique index event_speakers_profile_idx on public.event_speakers (event_id, profile_id) where profile_id is not null;
create index event_speakers_person_idx on public.event_speakers (profile_id) where profile_id is not null;

-- Is the caller a linked speaker of this event? Security definer: the policies below
-- and the room's helpers ask it without recursing through event_speakers' own RLS.
create or replace function public.is_event_speaker(target uuid) returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (select 1 from public.event_speakers s where s.event_id = target and s.profile_id = auth.uid())
$$;
revoke all on function public.is_event_speaker(uuid) from public;
-- anon too: the events select policy asks it of every reader (false without an account).
grant execute on function public.is_event_speaker(uuid) to anon, authenticated, service_role;

-- A speaker sees the event she speaks at, whatever its audience (a guest speaker of a
-- space's event is not one of its members).
create or replace function public.can_see_event(target uuid) returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (
    select 1 from public.events e where e.id = target and (
      e.audience = 'public'
      or (e.audience = 'verified' and public.is_verified())
      or (e.audience = 'space' and public.is_space_member(e.space_id))
      or public.is_organiser()
      or public.is_event_speaker(e.id)))
$$;

drop policy events_select on public.events;
create policy events_select on public.events for select to anon, authenticated using (
  audience = 'public'
  or (audience = 'verified' and public.is_verified())
  or (audience = 'space' and public.is_space_member(space_id))
  or public.is_organiser()
  or public.is_event_speaker(id)
);

-- Hosts: organisers who may see the event, and its linked speakers.
create or replace function public.is_event_host(target uuid) returns boolean
language sql stable security definer set search_path = ''
as $$ select (public.is_organiser() and public.can_see_event(target)) or public.is_event_speaker(target) $$;
revoke all on function public.is_event_host(uuid) from public;
grant execute on function public.is_event_host(uuid) to authenticated, service_role;

-- The room: registrants and hosts.
create or replace function public.can_join_event_live(target uuid) returns boolean
language sql stable security definer set search_path = ''
as $$ select public.is_event_registrant(target) or public.is_event_host(target) $$;

-- Hosts (no longer organisers only) mark questions answered.
drop policy event_questions_update on public.event_questions;
create policy event_questions_update on public.event_questions for update to authenticated
  using (public.is_event_host(event_id))
  with check (public.is_event_host(event_id));

alter table public.event_speakers enable row level security;
create policy event_speakers_select on public.event_speakers for select to anon, authenticated
  using (public.can_see_event(event_id));
create policy event_speakers_insert on public.event_speakers for insert to authenticated
  with check (public.is_organiser() and public.can_see_event(event_id));
create policy event_speakers_update on public.event_speakers for update to authenticated
  using (public.is_organiser()) with check (public.is_organiser());
create policy event_speakers_delete on public.event_speakers for delete to authenticated
  using (public.is_organiser());
-- Which account a speaker is linked to is for members, not for anonymous readers.
grant select (id, event_id, display_name, affiliation, position, created_at) on public.event_speakers to anon;
grant select on public.event_speakers to authenticated;
grant insert (event_id, profile_id, display_name, affiliation, position),
  update (profile_id, display_name, affiliation, position), delete on public.event_speakers to authenticated;
grant all on public.event_speakers to service_role;

-- The names organisers typed before (events.speakers, one per line) become rows, in order.
insert into public.event_speakers (event_id, display_name, position)
select e.id, left(btrim(s.name), 120), s.n
  from public.events e, unnest(e.speakers) with ordinality as s(name, n)
 where char_length(btrim(s.name)) >= 2 and s.n <= 100;

-- ── Slides ──────────────────────────────────────────────────────────────────────
alter table public.files drop constraint files_purpose_check;
alter table public.files add constraint files_purpose_check check (purpose in ('tool', 'event_slides'));

create table public.event_slides (
  id bigint generated always as identity primary key,
  event_id uuid not null references public.events (id) on delete cascade,
  -- restrict: a slide never loses its file row; deleting the slide deletes the file (trigger).
  file_id uuid not null unique references public.files (id) on delete restrict,
  title text not null check (char_length(btrim(title)) between 1 and 200),
  added_by uuid references public.profiles (id) on delete set null,
  created_at timestamptz not null default now()
);
create index event_slides_event_idx on public.event_slides (event_id, created_at);

-- The file goes with its slide; the files trigger queues the blob for purge.
create or replace function public.event_slides_delete_file() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  delete from public.files where id = old.file_id;
  return old;
end
$$;
create trigger event_slides_delete_file after delete on public.event_slides
  for each row execute function public.event_slides_delete_file();

alter table public.event_slides enable row level security;
create policy event_slides_select on public.event_slides for select to anon, authenticated
  using (public.can_see_event(event_id));
create policy event_slides_insert on public.event_slides for insert to authenticated
  with check (public.is_organiser() and added_by = auth.uid() and public.can_see_event(event_id));
create policy event_slides_delete on public.event_slides for delete to authenticated
  using (public.is_organiser());
grant select on public.event_slides to anon, authenticated;
grant insert (event_id, file_id, title, added_by), delete on public.event_slides to authenticated;
grant all on public.event_slides to service_role;

-- Files: a slide's file is readable exactly when its slide is (the subquery runs under
-- the reader's RLS on event_slides); organisers also see it between upload and link.
drop policy files_select on public.files;
create policy files_select on public.files for select to anon, authenticated using (
  (purpose = 'tool' and (exists (select 1 from public.tools t where t.file_id = files.id) or public.has_role('curator')))
  or (purpose = 'event_slides'
      and (exists (select 1 from public.event_slides s where s.file_id = files.id) or public.is_organiser()))
);
drop policy files_insert on public.files;
create policy files_insert on public.files for insert to authenticated with check (
  uploaded_by = (select auth.uid())
  and ((purpose = 'tool' and public.has_role('curator')) or (purpose = 'event_slides' and public.is_organiser()))
);
drop policy files_delete on public.files;
create policy files_delete on public.files for delete to authenticated using (
  (purpose = 'tool' and public.has_role('curator')) or (purpose = 'event_slides' and public.is_organiser())
);
