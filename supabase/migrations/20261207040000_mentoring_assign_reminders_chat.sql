-- Mentoring, second part (decision 021).
--
--  mentoring_requests.coordination_ok  the member's own choice, on the request: if this
--                      mentor does not answer, a coordinator may hand the request to another
--                      mentor (chosen with the member's discipline and region: profiling the
--                      member agrees to, and can turn off while the request is open).
--  status 'assigned'   a request a coordinator handed to another mentor; the new request
--                      (assigned_by = the coordinator) follows the usual answer and expiry.
--  assign_mentoring_request(rid, mentor)  the coordinator's only way to assign: checks the
--                      role, the request is still open and consented to, then the insert
--                      trigger checks the mentor (a mentor, accepting, a free place); audited.
--  mentoring_sessions.status  'scheduled' or 'cancelled'; every change of time, modality or
--                      status raises ics_sequence (the calendar updates the same UID).
--  mentoring_session_reminders  reminders sent (session, reminder, start it was for): never
--                      twice, and a moved session gets its own. System-only.
--  mentoring_pairings.conversation_id  the pair's direct chat conversation; set once, and
--                      only to the direct conversation of the two.

alter table public.mentoring_requests drop constraint if exists mentoring_requests_status_check;
alter table public.mentoring_requests add constraint mentoring_requests_status_check
  check (status in ('pending', 'accepted', 'declined', 'withdrawn', 'expired', 'assigned'));
alter table public.mentoring_requests add column coordination_ok boolean not null default false;

-- Same checks as before, plus: the consent to reassignment is the member's alone.
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
  else
    if new.coordination_ok is distinct from old.coordination_ok and auth.uid() is not null and auth.uid() <> old.mentee_id then
      raise exception 'mentoring_consent_own' using errcode = 'P0001';
    end if;
    if new.status is distinct from old.status then
      if old.status <> 'pending' then raise exception 'mentoring_request_closed' using errcode = 'P0001'; end if;
      if new.status in ('accepted', 'declined') and old.expires_at <= now() then
        raise exception 'mentoring_request_expired' using errcode = 'P0001';
      end if;
      new.responded_at := now();
    end if;
  end if;
  return new;
end
$$;

create or replace function public.assign_mentoring_request(rid uuid, new_mentor uuid) returns uuid
language plpgsql security definer set search_path = ''
as $$
declare
  r public.mentoring_requests;
  nid uuid;
begin
  if auth.uid() is null or not public.is_verified() or not public.has_role('coordinator') then
    raise exception 'mentoring_coordinator_only' using errcode = '42501';
  end if;
  select * into r from public.mentoring_requests where id = rid for update;
  if r.id is null then raise exception 'mentoring_request_not_found' using errcode = 'P0001'; end if;
  if r.status <> 'pending' then raise exception 'mentoring_request_closed' using errcode = 'P0001'; end if;
  if not r.coordination_ok then raise exception 'mentoring_no_consent' using errcode = 'P0001'; end if;
  if new_mentor = r.mentee_id then raise exception 'mentoring_not_yourself' using errcode = 'P0001'; end if;
  if new_mentor = r.mentor_id then raise exception 'mentoring_same_mentor' using errcode = 'P0001'; end if;
  update public.mentoring_requests set status = 'assigned' where id = rid;
  -- The insert trigger refuses a mentor who is not one, paused, or without a free place.
  insert into public.mentoring_requests (mentee_id, mentor_id, topics, goals, modality, language, assigned_by, coordination_ok, expires_at)
  values (r.mentee_id, new_mentor, r.topics, r.goals, r.modality, r.language, auth.uid(), r.coordination_ok, now() + interval '7 days')
  returning id into nid;
  insert into public.audit_log (actor_id, action, target_type, target_id, details)
  values (auth.uid(), 'mentoring.request_assigned', 'mentoring_request', nid::text,
    jsonb_build_object('request', r.id, 'user_id', new_mentor));
  return nid;
end
$$;
revoke all on function public.assign_mentoring_request(uuid, uuid) from public;
grant execute on function public.assign_mentoring_request(uuid, uuid) to authenticated, service_role;

-- ── Sessions: cancelling and moving ───────────────────────────────────────────
alter table public.mentoring_sessions add column status text not null default 'scheduled'
  check (status in ('scheduled', 'cancelled'));

create or replace function public.mentoring_sessions_check() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  mentor uuid;
  moved boolean := tg_op = 'INSERT' or new.starts_at is distinct from old.starts_at or new.ends_at is distinct from old.ends_at;
begin
  if tg_op = 'UPDATE' then
    if old.status = 'cancelled' and (moved or new.status <> 'cancelled' or new.modality is distinct from old.modality) then
      raise exception 'mentoring_session_cancelled' using errcode = 'P0001';
    end if;
    if (moved or new.status is distinct from old.status) and old.starts_at <= now() then
      raise exception 'mentoring_session_started' using errcode = 'P0001';
    end if;
    -- What a calendar must see raises the sequence; nobody sets it by hand.
    new.ics_sequence := old.ics_sequence
      + case when moved or new.status is distinct from old.status or new.modality is distinct from old.modality then 1 else 0 end;
  end if;
  if moved and new.starts_at < now() then
    raise exception 'mentoring_session_past' using errcode = 'P0001';
  end if;
  if new.status = 'scheduled' and (moved or tg_op = 'INSERT') then
    select p.mentor_id into mentor from public.mentoring_pairings p where p.id = new.pairing_id;
    if exists (select 1 from public.mentoring_sessions s join public.mentoring_pairings p on p.id = s.pairing_id
        where s.id <> new.id and s.status = 'scheduled' and (s.pairing_id = new.pairing_id or p.mentor_id = mentor)
          and tstzrange(s.starts_at, s.ends_at) && tstzrange(new.starts_at, new.ends_at)) then
      raise exception 'mentoring_session_overlap' using errcode = 'P0001';
    end if;
  end if;
  return new;
end
$$;
drop trigger if exists mentoring_sessions_check on public.mentoring_sessions;
create trigger mentoring_sessions_check before insert or update on public.mentoring_sessions
  for each row execute function public.mentoring_sessions_check();

create table public.mentoring_session_reminders (
  session_id uuid not null references public.mentoring_sessions (id) on delete cascade,
  reminder text not null check (reminder in ('1d', '1h')),
  starts_at timestamptz not null,
  sent_at timestamptz not null default now(),
  primary key (session_id, reminder, starts_at)
);
-- Written and read by the reminder job only (system path): no policy, no grant to people.
alter table public.mentoring_session_reminders enable row level security;
grant select, insert, update, delete on public.mentoring_session_reminders to service_role;

-- ── The pair's conversation ───────────────────────────────────────────────────
alter table public.mentoring_pairings add column conversation_id uuid references public.conversations (id) on delete set null;

create or replace function public.mentoring_pairings_check() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  if old.status = 'ended' then raise exception 'mentoring_pairing_ended' using errcode = 'P0001'; end if;
  if (new.mentor_id, new.mentee_id, new.request_id, new.started_at) is distinct from (old.mentor_id, old.mentee_id, old.request_id, old.started_at) then
    raise exception 'mentoring_pairing_fixed' using errcode = 'P0001';
  end if;
  if new.conversation_id is distinct from old.conversation_id then
    -- Set once, and only to the direct conversation of these two people.
    if old.conversation_id is not null or not exists (select 1 from public.conversations c
        where c.id = new.conversation_id and c.kind = 'direct'
          and c.direct_key = least(lower(old.mentor_id::text) collate "C", lower(old.mentee_id::text) collate "C")
            || ':' || greatest(lower(old.mentor_id::text) collate "C", lower(old.mentee_id::text) collate "C")) then
      raise exception 'mentoring_pairing_fixed' using errcode = 'P0001';
    end if;
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

-- ── The coordinator's view: as before, with what assigning needs ──────────────
create or replace function public.mentoring_overview()
returns jsonb
language plpgsql stable security definer set search_path = ''
as $$
begin
  if not public.has_role('coordinator') then raise exception 'forbidden' using errcode = '42501'; end if;
  return jsonb_build_object(
    'openRequests', (select coalesce(jsonb_agg(jsonb_build_object('id', r.id, 'createdAt', r.created_at, 'expiresAt', r.expires_at,
        'mentee', me.display_name, 'mentor', mo.display_name, 'coordinationOk', r.coordination_ok,
        'assigned', r.assigned_by is not null) order by r.created_at), '[]'::jsonb)
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
