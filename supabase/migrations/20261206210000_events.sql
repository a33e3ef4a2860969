-- Webinars and events: series, events as instants with an audience and a capacity,
-- registrations with a waitlist, personal calendar tokens, and the organiser role.
-- The foundation's public.events table (past events of the seed) is extended in place:
-- its date columns stay for the home page; starts_at (timestamptz) is the truth and the
-- trigger below keeps starts_on in step (the date in America/Toronto).

-- ── The organiser role ──────────────────────────────────────────────────────────
alter table public.user_roles drop constraint if exists user_roles_role_check;
alter table public.user_roles add constraint user_roles_role_check
  check (role in ('mentor', 'moderator', 'curator', 'coordinator', 'organiser', 'admin'));

-- ── Series ──────────────────────────────────────────────────────────────────────
create table public.event_series (
  id uuid primary key default gen_random_uuid(),
  title text not null unique check (char_length(title) between 3 and 200),
  summary text not null default '' check (char_length(summary) <= 2000),
  created_by uuid references public.profiles (id) on delete set null,
  created_at timestamptz not null default now()
);

-- ── Events ──────────────────────────────────────────────────────────────────────
alter table public.events
  add column series_id uuid references public.event_series (id) on delete set null,
  add column starts_at timestamptz,
  add column duration_minutes int check (duration_minutes between 5 and 1440),
  add column audience text not null default 'public' check (audience in ('public', 'verified', 'space')),
  add column space_id uuid references public.spaces (id) on delete restrict,
  add column capacity int check (capacity between 1 and 100000),
  add column language text not null default 'fr' check (language in ('fr', 'en', 'bilingual')),
  add column region_code text references public.regions (code),
  add column description jsonb,
  add column speakers text[] not null default '{}' check (cardinality(speakers) <= 20),
  add column cpd_hours numeric(4, 2) check (cpd_hours > 0 and cpd_hours <= 40),
  add column cpd_body text check (char_length(cpd_body) <= 200),
  add column cpd_category text check (char_length(cpd_category) <= 200),
  add column status text not null default 'scheduled' check (status in ('scheduled', 'cancelled')),
  add column registration_open boolean not null default true,
  -- iCalendar SEQUENCE: goes up on every change a calendar must see (time, cancellation).
  add column ics_sequence int not null default 0,
  add column created_by uuid references public.profiles (id) on delete set null,
  add column updated_at timestamptz not null default now(),
  add constraint events_space_audience check ((audience = 'space') = (space_id is not null));

-- Instants first; the legacy date columns follow. Rows written with only a date (the
-- seed's past events) get noon in Toronto, or their start time when given.
create or replace function public.events_before_write() returns trigger
language plpgsql set search_path = ''
as $$
begin
  if new.starts_at is null then
    new.starts_at := ((new.starts_on + coalesce(new.start_time, time '12:00'))::timestamp) at time zone 'America/Toronto';
  end if;
  if new.duration_minutes is null then
    new.duration_minutes := case
      when new.start_time is not null and new.end_time is not null and new.end_time > new.start_time
        then (extract(epoch from (new.end_time - new.start_time)) / 60)::int
      else 60 end;
  end if;
  new.starts_on := (new.starts_at at time zone 'America/Toronto')::date;
  new.start_time := (new.starts_at at time zone 'America/Toronto')::time;
  new.end_time := ((new.starts_at + make_interval(mins => new.duration_minutes)) at time zone 'America/Toronto')::time;
  if tg_op = 'UPDATE' then
    new.updated_at := now();
    if new.starts_at is distinct from old.starts_at or new.duration_minutes is distinct from old.duration_minutes
       or new.status is distinct from old.status or new.title is distinct from old.title then
      new.ics_sequence := old.ics_sequence + 1;
    end if;
    if new.capacity is not null and new.capacity is distinct from old.capacity and new.capacity < (
      select count(*) from public.event_registrations r where r.event_id = new.id and r.status = 'registered') then
      raise exception 'capacity_below_registrations' using errcode = 'P0001';
    end if;
  end if;
  return new;
end
$$;
create trigger events_before_write before insert or update on public.events
  for each row execute function public.events_before_write();

alter table public.events alter column starts_at set not null;
alter table public.events alter column duration_minutes set not null;
create index events_starts_at_idx on public.events (starts_at);
create index events_series_idx on public.events (series_id);

-- ── Registrations ───────────────────────────────────────────────────────────────
create table public.event_registrations (
  id bigint generated always as identity primary key,
  event_id uuid not null references public.events (id) on delete cascade,
  user_id uuid not null references public.profiles (id) on delete cascade,
  status text not null check (status in ('registered', 'waitlisted', 'cancelled')),
  -- Order on the waitlist (smallest first); null unless waitlisted.
  waitlist_position int check ((status = 'waitlisted') = (waitlist_position is not null)),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (event_id, user_id)
);
create index event_registrations_user_idx on public.event_registrations (user_id, status);
create index event_registrations_waitlist_idx on public.event_registrations (event_id, waitlist_position) where status = 'waitlisted';

-- ── Personal calendar feed tokens: only a hash is stored ───────────────────────
create table public.calendar_tokens (
  id bigint generated always as identity primary key,
  user_id uuid not null references public.profiles (id) on delete cascade,
  token_hash text not null unique check (token_hash ~ '^[0-9a-f]{64}$'),
  created_at timestamptz not null default now(),
  revoked_at timestamptz
);
create unique index calendar_tokens_live_idx on public.calendar_tokens (user_id) where revoked_at is null;

-- ── Policy helpers ──────────────────────────────────────────────────────────────
create or replace function public.is_organiser() returns boolean
language sql stable security definer set search_path = ''
as $$ select public.has_role('organiser') $$;

create or replace function public.can_see_event(target uuid) returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (
    select 1 from public.events e where e.id = target and (
      e.audience = 'public'
      or (e.audience = 'verified' and public.is_verified())
      or (e.audience = 'space' and public.is_space_member(e.space_id))
      or public.is_organiser()))
$$;

create or replace function public.is_event_registrant(target uuid) returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (select 1 from public.event_registrations r
    where r.event_id = target and r.user_id = auth.uid() and r.status = 'registered')
$$;

-- Moves waitlisted people into freed places, in waitlist order. Caller holds the event
-- row lock. Returns who was promoted (the module tells them).
create or replace function public.event_promote_waitlist(target uuid) returns setof uuid
language plpgsql security definer set search_path = ''
as $$
declare
  cap int;
  taken int;
  promoted uuid;
begin
  select e.capacity into cap from public.events e where e.id = target;
  loop
    select count(*) into taken from public.event_registrations r where r.event_id = target and r.status = 'registered';
    exit when cap is not null and taken >= cap;
    update public.event_registrations r set status = 'registered', waitlist_position = null, updated_at = now()
      where r.id = (select w.id from public.event_registrations w where w.event_id = target and w.status = 'waitlisted'
                    order by w.waitlist_position limit 1)
      returning r.user_id into promoted;
    exit when promoted is null;
    return next promoted;
    promoted := null;
  end loop;
end
$$;

-- Registration: the event row is locked (for update) so simultaneous registrations for
-- the last places queue behind each other; each one counts what the previous committed.
create or replace function public.event_register(target uuid) returns text
language plpgsql security definer set search_path = ''
as $$
declare
  me uuid := auth.uid();
  ev public.events;
  taken int;
  existing text;
  next_status text;
begin
  if me is null then raise exception 'event_sign_in_required' using errcode = 'P0001'; end if;
  select * into ev from public.events e where e.id = target for update;
  if not found or not public.can_see_event(target) then raise exception 'event_not_found' using errcode = 'P0001'; end if;
  if ev.status = 'cancelled' then raise exception 'event_cancelled' using errcode = 'P0001'; end if;
  if ev.starts_at + make_interval(mins => ev.duration_minutes) <= now() then raise exception 'event_past' using errcode = 'P0001'; end if;
  if not ev.registration_open then raise exception 'event_closed' using errcode = 'P0001'; end if;
  select r.status into existing from public.event_registrations r where r.event_id = target and r.user_id = me;
  if existing in ('registered', 'waitlisted') then raise exception 'event_already_registered' using errcode = 'P0001'; end if;
  select count(*) into taken from public.event_registrations r where r.event_id = target and r.status = 'registered';
  next_status := case when ev.capacity is null or taken < ev.capacity then 'registered' else 'waitlisted' end;
  insert into public.event_registrations as r (event_id, user_id, status, waitlist_position)
    values (target, me, next_status, case when next_status = 'waitlisted' then (
      select coalesce(max(w.waitlist_position), 0) + 1 from public.event_registrations w where w.event_id = target) end)
    on conflict (event_id, user_id) do update set status = excluded.status,
      waitlist_position = excluded.waitlist_position, updated_at = now();
  return next_status;
end
$$;

-- Unregistering (oneself, or anyone for an organiser) frees a place: the waitlist moves up.
create or replace function public.event_unregister(target uuid, who uuid) returns setof uuid
language plpgsql security definer set search_path = ''
as $$
declare
  me uuid := auth.uid();
begin
  if me is null then raise exception 'event_sign_in_required' using errcode = 'P0001'; end if;
  if who <> me and not public.is_organiser() then raise exception 'event_not_found' using errcode = 'P0001'; end if;
  perform 1 from public.events e where e.id = target for update;
  if not found then raise exception 'event_not_found' using errcode = 'P0001'; end if;
  update public.event_registrations r set status = 'cancelled', waitlist_position = null, updated_at = now()
    where r.event_id = target and r.user_id = who and r.status in ('registered', 'waitlisted');
  if not found then raise exception 'event_not_registered' using errcode = 'P0001'; end if;
  return query select * from public.event_promote_waitlist(target);
end
$$;

-- A larger capacity lets the waitlist in (organisers only).
create or replace function public.event_fill_from_waitlist(target uuid) returns setof uuid
language plpgsql security definer set search_path = ''
as $$
begin
  if not public.is_organiser() then raise exception 'event_forbidden' using errcode = 'P0001'; end if;
  perform 1 from public.events e where e.id = target for update;
  return query select * from public.event_promote_waitlist(target);
end
$$;

revoke all on function public.is_organiser(), public.can_see_event(uuid), public.is_event_registrant(uuid),
  public.event_promote_waitlist(uuid), public.event_register(uuid), public.event_unregister(uuid, uuid),
  public.event_fill_from_waitlist(uuid) from public;
grant execute on function public.is_organiser(), public.can_see_event(uuid), public.is_event_registrant(uuid)
  to anon, authenticated, service_role;
grant execute on function public.event_register(uuid), public.event_unregister(uuid, uuid),
  public.event_fill_from_waitlist(uuid) to authenticated, service_role;
grant execute on function public.event_promote_waitlist(uuid) to service_role;

-- ── Row-level security ──────────────────────────────────────────────────────────
alter table public.event_series enable row level security;
alter table public.event_registrations enable row level security;
alter table public.calendar_tokens enable row level security;

drop policy events_read on public.events;
create policy events_select on public.events for select to anon, authenticated using (
  audience = 'public'
  or (audience = 'verified' and public.is_verified())
  or (audience = 'space' and public.is_space_member(space_id))
  or public.is_organiser());
create policy events_insert on public.events for insert to authenticated
  with check (public.is_organiser() and created_by = auth.uid());
create policy events_update on public.events for update to authenticated
  using (public.is_organiser()) with check (public.is_organiser());
grant insert (title, kind, series_id, starts_at, duration_minutes, audience, space_id, capacity, language, region_code,
  description, speakers, cpd_hours, cpd_body, cpd_category, registration_open, topics, created_by) on public.events to authenticated;
grant update (title, kind, series_id, starts_at, duration_minutes, audience, space_id, capacity, language, region_code,
  description, speakers, cpd_hours, cpd_body, cpd_category, registration_open, topics, status) on public.events to authenticated;

create policy event_series_select on public.event_series for select to anon, authenticated using (true);
create policy event_series_insert on public.event_series for insert to authenticated
  with check (public.is_organiser() and created_by = auth.uid());
create policy event_series_update on public.event_series for update to authenticated
  using (public.is_organiser()) with check (public.is_organiser());
grant select on public.event_series to anon, authenticated;
grant insert (title, summary, created_by), update (title, summary) on public.event_series to authenticated;

-- Writes go through event_register / event_unregister (the event row lock).
create policy event_registrations_select on public.event_registrations for select to authenticated
  using (user_id = auth.uid() or public.is_organiser());
grant select on public.event_registrations to authenticated;

create policy calendar_tokens_select on public.calendar_tokens for select to authenticated using (user_id = auth.uid());
create policy calendar_tokens_insert on public.calendar_tokens for insert to authenticated with check (user_id = auth.uid());
create policy calendar_tokens_update on public.calendar_tokens for update to authenticated
  using (user_id = auth.uid()) with check (user_id = auth.uid());
grant select, insert (user_id, token_hash) on public.calendar_tokens to authenticated;
grant update (revoked_at) on public.calendar_tokens to authenticated;

grant all on public.event_series, public.event_registrations, public.calendar_tokens to service_role;
grant usage, select on all sequences in schema public to service_role;

-- Mail attachments (the confirmation's ICS) use outbox.attachments (20261206200200).

-- How many places are taken and how long the waitlist is: counts only, never who
-- (a member cannot read other people's registrations).
create or replace function public.event_places(target uuid) returns table (registered int, waitlisted int)
language sql stable security definer set search_path = ''
as $$
  select count(*) filter (where r.status = 'registered')::int, count(*) filter (where r.status = 'waitlisted')::int
  from public.event_registrations r
  where r.event_id = target and public.can_see_event(target)
$$;
revoke all on function public.event_places(uuid) from public;
grant execute on function public.event_places(uuid) to anon, authenticated, service_role;

-- Reminders stamped in the same transaction as their mail: a retried job never sends twice.
create table public.event_reminders_sent (
  event_id uuid not null references public.events (id) on delete cascade,
  user_id uuid not null references public.profiles (id) on delete cascade,
  reminder text not null check (reminder in ('7d', '1d', '1h')),
  starts_at timestamptz not null,
  sent_at timestamptz not null default now(),
  primary key (event_id, user_id, reminder, starts_at)
);
alter table public.event_reminders_sent enable row level security;
grant all on public.event_reminders_sent to service_role;
