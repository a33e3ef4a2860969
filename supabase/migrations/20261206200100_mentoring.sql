-- Mentorship and supervision (decision 013).
--
--  mentor_profiles     one per mentor (granted the role by an admin): topics, disciplines
--                      mentored, regions served, languages, capacity, availability,
--                      modalities, bio; `accepting` (not taking new mentees when off) and
--                      `matching_opt_in` (never proposed by the matching unless on).
--  mentoring_requests  a member asks one mentor (or a coordinator assigns); the mentor
--                      accepts or declines; unanswered, it expires at expires_at (a job).
--  mentoring_pairings  opened by accepting: the agreement (both confirm), status, dates.
--  mentoring_goals / mentoring_sessions / mentoring_notes / mentoring_assessments
--                      the pair's workspace. Private notes are readable by their author,
--                      the pairing's mentor, only. Assessments: each reads their own;
--                      coordinators get aggregates through mentoring_overview().
--
-- State changes that cross people (accepting opens a pairing) go through security
-- definer functions that check the caller; everything else is plain RLS.

create table public.mentor_profiles (
  user_id uuid primary key references public.profiles (id) on delete cascade,
  topics text[] not null default '{}' check (cardinality(topics) <= 12),
  disciplines text[] not null default '{}' check (cardinality(disciplines) <= 14),
  regions text[] not null default '{}' check (cardinality(regions) <= 18),
  languages text[] not null default '{fr}' check (cardinality(languages) between 1 and 8),
  capacity int not null default 2 check (capacity between 1 and 10),
  modalities text[] not null default '{video}' check (cardinality(modalities) between 1 and 3
    and modalities <@ array['video', 'phone', 'chat']),
  availability text not null default '' check (char_length(availability) <= 500),
  bio text not null default '' check (char_length(bio) <= 1500),
  accepting boolean not null default true,
  matching_opt_in boolean not null default false,
  updated_at timestamptz not null default now()
);

create table public.mentoring_requests (
  id uuid primary key default gen_random_uuid(),
  mentee_id uuid not null references public.profiles (id) on delete cascade,
  mentor_id uuid not null references public.profiles (id) on delete cascade,
  topics text[] not null default '{}' check (cardinality(topics) between 1 and 8),
  goals text not null check (char_length(goals) between 10 and 2000),
  modality text not null default 'video' check (modality in ('video', 'phone', 'chat')),
  language text not null default 'fr' check (language in ('fr', 'en', 'es', 'other')),
  status text not null default 'pending' check (status in ('pending', 'accepted', 'declined', 'withdrawn', 'expired')),
  assigned_by uuid references public.profiles (id) on delete set null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null default now() + interval '7 days',
  responded_at timestamptz,
  check (mentee_id <> mentor_id)
);
-- One open request per mentee and mentor.
create unique index mentoring_requests_open_idx on public.mentoring_requests (mentee_id, mentor_id) where status = 'pending';
create index mentoring_requests_mentor_idx on public.mentoring_requests (mentor_id, status);

create table public.mentoring_pairings (
  id uuid primary key default gen_random_uuid(),
  request_id uuid unique references public.mentoring_requests (id) on delete set null,
  mentor_id uuid not null references public.profiles (id) on delete cascade,
  mentee_id uuid not null references public.profiles (id) on delete cascade,
  status text not null default 'active' check (status in ('active', 'ended')),
  started_at timestamptz not null default now(),
  ended_at timestamptz,
  agreement_goals text not null default '' check (char_length(agreement_goals) <= 2000),
  agreement_frequency text not null default '' check (char_length(agreement_frequency) <= 200),
  agreement_duration text not null default '' check (char_length(agreement_duration) <= 200),
  agreement_confidentiality text not null default '' check (char_length(agreement_confidentiality) <= 1000),
  mentor_confirmed_at timestamptz,
  mentee_confirmed_at timestamptz,
  check (mentor_id <> mentee_id),
  check (ended_at is null or ended_at >= started_at)
);
create index mentoring_pairings_mentor_idx on public.mentoring_pairings (mentor_id, status);
create index mentoring_pairings_mentee_idx on public.mentoring_pairings (mentee_id, status);

create table public.mentoring_goals (
  id uuid primary key default gen_random_uuid(),
  pairing_id uuid not null references public.mentoring_pairings (id) on delete cascade,
  title text not null check (char_length(title) between 3 and 300),
  progress int not null default 0 check (progress between 0 and 100),
  comment text not null default '' check (char_length(comment) <= 2000),
  created_by uuid not null default auth.uid() references public.profiles (id) on delete cascade,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index mentoring_goals_pairing_idx on public.mentoring_goals (pairing_id);

create table public.mentoring_sessions (
  id uuid primary key default gen_random_uuid(),
  pairing_id uuid not null references public.mentoring_pairings (id) on delete cascade,
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  modality text not null default 'video' check (modality in ('video', 'phone', 'chat')),
  log text not null default '' check (char_length(log) <= 4000),
  ics_sequence int not null default 0,
  created_by uuid not null default auth.uid() references public.profiles (id) on delete cascade,
  created_at timestamptz not null default now(),
  check (ends_at > starts_at and ends_at <= starts_at + interval '8 hours')
);
create index mentoring_sessions_pairing_idx on public.mentoring_sessions (pairing_id, starts_at);

create table public.mentoring_notes (
  id uuid primary key default gen_random_uuid(),
  pairing_id uuid not null references public.mentoring_pairings (id) on delete cascade,
  author_id uuid not null default auth.uid() references public.profiles (id) on delete cascade,
  visibility text not null check (visibility in ('shared', 'private')),
  body text not null check (char_length(body) between 1 and 4000),
  created_at timestamptz not null default now()
);
create index mentoring_notes_pairing_idx on public.mentoring_notes (pairing_id, created_at);

create table public.mentoring_assessments (
  pairing_id uuid not null references public.mentoring_pairings (id) on delete cascade,
  author_id uuid not null default auth.uid() references public.profiles (id) on delete cascade,
  rating int not null check (rating between 1 and 5),
  comment text not null default '' check (char_length(comment) <= 2000),
  created_at timestamptz not null default now(),
  primary key (pairing_id, author_id)
);

-- ── Helpers (stable, security definer, fixed search_path) ─────────────────────
create or replace function public.is_pairing_member(pid uuid) returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (select 1 from public.mentoring_pairings p
    where p.id = pid and auth.uid() in (p.mentor_id, p.mentee_id))
$$;
create or replace function public.is_pairing_mentor(pid uuid) returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (select 1 from public.mentoring_pairings p where p.id = pid and p.mentor_id = auth.uid())
$$;
create or replace function public.is_active_pairing_member(pid uuid) returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (select 1 from public.mentoring_pairings p
    where p.id = pid and p.status = 'active' and auth.uid() in (p.mentor_id, p.mentee_id))
$$;
/** Active pairings of a mentor (capacity checks). */
create or replace function public.mentor_load(mentor uuid) returns int
language sql stable security definer set search_path = ''
as $$
  select count(*)::int from public.mentoring_pairings p where p.mentor_id = mentor and p.status = 'active'
$$;
revoke all on function public.is_pairing_member(uuid), public.is_pairing_mentor(uuid),
  public.is_active_pairing_member(uuid), public.mentor_load(uuid) from public;
grant execute on function public.is_pairing_member(uuid), public.is_pairing_mentor(uuid),
  public.is_active_pairing_member(uuid), public.mentor_load(uuid) to authenticated, service_role;

-- ── Integrity in the database: what no code path may get round ────────────────
create or replace function public.mentor_profiles_check() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  if new.capacity < public.mentor_load(new.user_id) then
    raise exception 'mentoring_capacity_below_load' using errcode = 'P0001';
  end if;
  new.updated_at := now();
  return new;
end
$$;
create trigger mentor_profiles_check before insert or update on public.mentor_profiles
  for each row execute function public.mentor_profiles_check();

create or replace function public.mentoring_requests_check() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  mp public.mentor_profiles;
begin
  if tg_op = 'INSERT' then
    select * into mp from public.mentor_profiles where user_id = new.mentor_id;
    if mp.user_id is null or not exists (select 1 from public.user_roles r where r.user_id = new.mentor_id and r.role in ('mentor', 'admin')) then
      raise exception 'mentoring_not_a_mentor' using errcode = 'P0001';
    end if;
    if not mp.accepting then raise exception 'mentoring_mentor_paused' using errcode = 'P0001'; end if;
    if public.mentor_load(new.mentor_id) >= mp.capacity then raise exception 'mentoring_mentor_full' using errcode = 'P0001'; end if;
    if exists (select 1 from public.mentoring_requests r where r.mentee_id = new.mentee_id and r.mentor_id = new.mentor_id and r.status = 'pending') then
      raise exception 'mentoring_request_open' using errcode = 'P0001';
    end if;
    new.status := 'pending';
    new.created_at := now();
    new.responded_at := null;
  elsif new.status is distinct from old.status then
    if old.status <> 'pending' then raise exception 'mentoring_request_closed' using errcode = 'P0001'; end if;
    if new.status in ('accepted', 'declined') and old.expires_at <= now() then
      raise exception 'mentoring_request_expired' using errcode = 'P0001';
    end if;
    new.responded_at := now();
  end if;
  return new;
end
$$;
create trigger mentoring_requests_check before insert or update on public.mentoring_requests
  for each row execute function public.mentoring_requests_check();

-- Sessions: not in the past, not overlapping another session of the pair or of the mentor.
create or replace function public.mentoring_sessions_check() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  mentor uuid;
begin
  if tg_op = 'INSERT' and new.starts_at < now() then
    raise exception 'mentoring_session_past' using errcode = 'P0001';
  end if;
  select p.mentor_id into mentor from public.mentoring_pairings p where p.id = new.pairing_id;
  if exists (select 1 from public.mentoring_sessions s join public.mentoring_pairings p on p.id = s.pairing_id
      where s.id <> new.id and (s.pairing_id = new.pairing_id or p.mentor_id = mentor)
        and tstzrange(s.starts_at, s.ends_at) && tstzrange(new.starts_at, new.ends_at)) then
    raise exception 'mentoring_session_overlap' using errcode = 'P0001';
  end if;
  return new;
end
$$;
create trigger mentoring_sessions_check before insert or update of starts_at, ends_at on public.mentoring_sessions
  for each row execute function public.mentoring_sessions_check();

-- Private notes belong to the pairing's mentor.
create or replace function public.mentoring_notes_check() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  if new.visibility = 'private' and not exists (select 1 from public.mentoring_pairings p where p.id = new.pairing_id and p.mentor_id = new.author_id) then
    raise exception 'mentoring_private_note_mentor_only' using errcode = 'P0001';
  end if;
  return new;
end
$$;
create trigger mentoring_notes_check before insert or update on public.mentoring_notes
  for each row execute function public.mentoring_notes_check();

-- Pairings: the agreement is confirmed by each for themselves; an agreement changed
-- after confirmation needs both confirmations again; ending is final.
create or replace function public.mentoring_pairings_check() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  if old.status = 'ended' then raise exception 'mentoring_pairing_ended' using errcode = 'P0001'; end if;
  if (new.mentor_id, new.mentee_id, new.request_id, new.started_at) is distinct from (old.mentor_id, old.mentee_id, old.request_id, old.started_at) then
    raise exception 'mentoring_pairing_fixed' using errcode = 'P0001';
  end if;
  if (new.agreement_goals, new.agreement_frequency, new.agreement_duration, new.agreement_confidentiality)
      is distinct from (old.agreement_goals, old.agreement_frequency, old.agreement_duration, old.agreement_confidentiality) then
    new.mentor_confirmed_at := null;
    new.mentee_confirmed_at := null;
  end if;
  if auth.uid() is not null then
    if new.mentor_confirmed_at is distinct from old.mentor_confirmed_at and new.mentor_confirmed_at is not null and auth.uid() <> old.mentor_id then
      raise exception 'mentoring_confirm_own' using errcode = 'P0001';
    end if;
    if new.mentee_confirmed_at is distinct from old.mentee_confirmed_at and new.mentee_confirmed_at is not null and auth.uid() <> old.mentee_id then
      raise exception 'mentoring_confirm_own' using errcode = 'P0001';
    end if;
  end if;
  if new.status = 'ended' then new.ended_at := coalesce(new.ended_at, now()); end if;
  return new;
end
$$;
create trigger mentoring_pairings_check before update on public.mentoring_pairings
  for each row execute function public.mentoring_pairings_check();

-- Accepting opens the pairing in the same transaction (the mentor cannot insert
-- pairings directly). Declining needs no function: an update the policy allows.
create or replace function public.accept_mentoring_request(rid uuid) returns uuid
language plpgsql security definer set search_path = ''
as $$
declare
  r public.mentoring_requests;
  mp public.mentor_profiles;
  pid uuid;
begin
  select * into r from public.mentoring_requests where id = rid for update;
  if r.id is null or r.mentor_id is distinct from auth.uid() then
    raise exception 'mentoring_request_not_found' using errcode = 'P0001';
  end if;
  if r.status <> 'pending' then raise exception 'mentoring_request_closed' using errcode = 'P0001'; end if;
  if r.expires_at <= now() then raise exception 'mentoring_request_expired' using errcode = 'P0001'; end if;
  select * into mp from public.mentor_profiles where user_id = r.mentor_id for update;
  if public.mentor_load(r.mentor_id) >= coalesce(mp.capacity, 0) then
    raise exception 'mentoring_mentor_full' using errcode = 'P0001';
  end if;
  update public.mentoring_requests set status = 'accepted' where id = rid;
  insert into public.mentoring_pairings (request_id, mentor_id, mentee_id, agreement_goals)
  values (r.id, r.mentor_id, r.mentee_id, r.goals) returning id into pid;
  insert into public.audit_log (actor_id, action, target_type, target_id, details)
  values (auth.uid(), 'mentoring.request_accepted', 'mentoring_pairing', pid::text, jsonb_build_object('request', r.id));
  return pid;
end
$$;
revoke all on function public.accept_mentoring_request(uuid) from public;
grant execute on function public.accept_mentoring_request(uuid) to authenticated, service_role;

-- ── Row-level security ────────────────────────────────────────────────────────
alter table public.mentor_profiles enable row level security;
alter table public.mentoring_requests enable row level security;
alter table public.mentoring_pairings enable row level security;
alter table public.mentoring_goals enable row level security;
alter table public.mentoring_sessions enable row level security;
alter table public.mentoring_notes enable row level security;
alter table public.mentoring_assessments enable row level security;

-- Verified members browse mentor profiles; each mentor writes their own.
create policy mentor_profiles_select on public.mentor_profiles for select to authenticated
  using (public.is_verified() or user_id = auth.uid());
create policy mentor_profiles_insert on public.mentor_profiles for insert to authenticated
  with check (user_id = auth.uid() and public.has_role('mentor'));
create policy mentor_profiles_update on public.mentor_profiles for update to authenticated
  using (user_id = auth.uid() and public.has_role('mentor')) with check (user_id = auth.uid());

-- Requests: the two parties and coordinators see them.
create policy mentoring_requests_select on public.mentoring_requests for select to authenticated
  using (auth.uid() in (mentee_id, mentor_id) or public.has_role('coordinator'));
-- A verified member asks for themselves; a coordinator assigns on someone's behalf.
create policy mentoring_requests_insert on public.mentoring_requests for insert to authenticated
  with check (public.is_verified() and (
    (mentee_id = auth.uid() and assigned_by is null)
    or (public.has_role('coordinator') and assigned_by = auth.uid())));
-- The mentor answers (declines; accepting goes through the function); the mentee withdraws.
create policy mentoring_requests_update_mentor on public.mentoring_requests for update to authenticated
  using (mentor_id = auth.uid()) with check (mentor_id = auth.uid() and status in ('pending', 'declined'));
create policy mentoring_requests_update_mentee on public.mentoring_requests for update to authenticated
  using (mentee_id = auth.uid()) with check (mentee_id = auth.uid() and status in ('pending', 'withdrawn'));

-- The workspace is the pair's: a coordinator reads aggregates through mentoring_overview().
create policy mentoring_pairings_select on public.mentoring_pairings for select to authenticated
  using (auth.uid() in (mentor_id, mentee_id));
create policy mentoring_pairings_update on public.mentoring_pairings for update to authenticated
  using (auth.uid() in (mentor_id, mentee_id)) with check (auth.uid() in (mentor_id, mentee_id));

create policy mentoring_goals_select on public.mentoring_goals for select to authenticated
  using (public.is_pairing_member(pairing_id));
create policy mentoring_goals_write on public.mentoring_goals for insert to authenticated
  with check (public.is_active_pairing_member(pairing_id) and created_by = auth.uid());
create policy mentoring_goals_update on public.mentoring_goals for update to authenticated
  using (public.is_active_pairing_member(pairing_id)) with check (public.is_active_pairing_member(pairing_id));

create policy mentoring_sessions_select on public.mentoring_sessions for select to authenticated
  using (public.is_pairing_member(pairing_id));
create policy mentoring_sessions_insert on public.mentoring_sessions for insert to authenticated
  with check (public.is_active_pairing_member(pairing_id) and created_by = auth.uid());
create policy mentoring_sessions_update on public.mentoring_sessions for update to authenticated
  using (public.is_active_pairing_member(pairing_id)) with check (public.is_active_pairing_member(pairing_id));

-- Shared notes: both; private notes: their author (the mentor) only.
create policy mentoring_notes_select on public.mentoring_notes for select to authenticated
  using (public.is_pairing_member(pairing_id) and (visibility = 'shared' or author_id = auth.uid()));
create policy mentoring_notes_insert on public.mentoring_notes for insert to authenticated
  with check (public.is_active_pairing_member(pairing_id) and author_id = auth.uid());

-- Assessments: each writes and reads their own, once the pairing has ended.
create policy mentoring_assessments_select on public.mentoring_assessments for select to authenticated
  using (author_id = auth.uid());
create policy mentoring_assessments_insert on public.mentoring_assessments for insert to authenticated
  with check (author_id = auth.uid() and public.is_pairing_member(pairing_id)
    and exists (select 1 from public.mentoring_pairings p where p.id = pairing_id and p.status = 'ended'));

grant select, insert, update on public.mentor_profiles, public.mentoring_requests, public.mentoring_pairings,
  public.mentoring_goals, public.mentoring_sessions to authenticated;
grant select, insert on public.mentoring_notes, public.mentoring_assessments to authenticated;
grant select, insert, update, delete on public.mentor_profiles, public.mentoring_requests, public.mentoring_pairings,
  public.mentoring_goals, public.mentoring_sessions, public.mentoring_notes, public.mentoring_assessments to service_role;

-- ── The coordinator's view: figures and pairs' existence and dates, nothing inside ──
create or replace function public.mentoring_overview()
returns jsonb
language plpgsql stable security definer set search_path = ''
as $$
begin
  if not public.has_role('coordinator') then raise exception 'forbidden' using errcode = '42501'; end if;
  return jsonb_build_object(
    'openRequests', (select coalesce(jsonb_agg(jsonb_build_object('id', r.id, 'createdAt', r.created_at, 'expiresAt', r.expires_at,
        'mentee', me.display_name, 'mentor', mo.display_name) order by r.created_at), '[]'::jsonb)
      from public.mentoring_requests r join public.profiles me on me.id = r.mentee_id join public.profiles mo on mo.id = r.mentor_id
      where r.status = 'pending'),
    'medianHoursToMatch', (select percentile_cont(0.5) within group (order by extract(epoch from (r.responded_at - r.created_at)) / 3600)
      from public.mentoring_requests r where r.status = 'accepted'),
    'pairs', (select coalesce(jsonb_agg(jsonb_build_object('id', p.id, 'status', p.status, 'startedAt', p.started_at, 'endedAt', p.ended_at,
        'mentor', mo.display_name, 'mentee', me.display_name) order by p.started_at desc), '[]'::jsonb)
      from public.mentoring_pairings p join public.profiles me on me.id = p.mentee_id join public.profiles mo on mo.id = p.mentor_id),
    'mentorsAtCapacity', (select count(*) from public.mentor_profiles m where public.mentor_load(m.user_id) >= m.capacity),
    'assessments', (select jsonb_build_object('count', count(*), 'averageRating', round(avg(rating), 2)) from public.mentoring_assessments),
    'coverage', (select coalesce(jsonb_agg(jsonb_build_object('region', g.code, 'mentors', (
        select count(*) from public.mentor_profiles m
        where g.code = any (m.regions) and m.accepting and public.mentor_load(m.user_id) < m.capacity),
      'requests', (select count(*) from public.mentoring_requests r join public.profiles me on me.id = r.mentee_id
        where r.status = 'pending' and me.region_code = g.code)) order by g.code), '[]'::jsonb)
      from public.regions g)
  );
end
$$;
revoke all on function public.mentoring_overview() from public;
grant execute on function public.mentoring_overview() to authenticated, service_role;

-- Names and practice of the people mentoring shows a person: mentors with a profile (to
-- verified members, whatever their directory setting: being a mentor is being listed),
-- and the other party of one's own requests and pairings. Nothing else of a profile.
create or replace function public.mentoring_people(ids uuid[])
returns table (id uuid, display_name text, discipline text, region_code text, languages text[])
language sql stable security definer set search_path = ''
as $$
  select p.id, p.display_name, p.discipline, p.region_code, p.languages
  from public.profiles p
  where p.id = any (ids) and auth.uid() is not null and (
    p.id = auth.uid()
    or (public.is_verified() and exists (select 1 from public.mentor_profiles m where m.user_id = p.id))
    or exists (select 1 from public.mentoring_requests r where (r.mentee_id = auth.uid() and r.mentor_id = p.id) or (r.mentor_id = auth.uid() and r.mentee_id = p.id))
    or exists (select 1 from public.mentoring_pairings r where (r.mentee_id = auth.uid() and r.mentor_id = p.id) or (r.mentor_id = auth.uid() and r.mentee_id = p.id))
    or public.has_role('coordinator'))
$$;
revoke all on function public.mentoring_people(uuid[]) from public;
grant execute on function public.mentoring_people(uuid[]) to authenticated, service_role;

comment on table public.mentoring_pairings is 'Mentoring pairs: the workspace is private to the two (decision 013).';
