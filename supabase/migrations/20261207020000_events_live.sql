-- The live room of an event: questions and answers, upvotes, attendance intervals
-- reported by the room page, and organisers' attendance adjustments (audited).
-- Who is in the room: the event's registrants and its organisers (decision 019).

create or replace function public.can_join_event_live(target uuid) returns boolean
language sql stable security definer set search_path = ''
as $$ select public.is_event_registrant(target) or (public.is_organiser() and public.can_see_event(target)) $$;
revoke all on function public.can_join_event_live(uuid) from public;
grant execute on function public.can_join_event_live(uuid) to authenticated, service_role;

-- ── Questions ───────────────────────────────────────────────────────────────────
create table public.event_questions (
  id bigint generated always as identity primary key,
  event_id uuid not null references public.events (id) on delete cascade,
  author_id uuid not null references public.profiles (id) on delete cascade,
  body text not null check (char_length(body) between 3 and 500),
  answered_at timestamptz,
  answered_by uuid references public.profiles (id) on delete set null,
  created_at timestamptz not null default now()
);
create index event_questions_event_idx on public.event_questions (event_id, created_at);

create table public.event_question_votes (
  question_id bigint not null references public.event_questions (id) on delete cascade,
  user_id uuid not null references public.profiles (id) on delete cascade,
  created_at timestamptz not null default now(),
  primary key (question_id, user_id)
);

-- The event of a question, for the votes' policies (no recursion through RLS).
create or replace function public.event_of_question(target bigint) returns uuid
language sql stable security definer set search_path = ''
as $$ select q.event_id from public.event_questions q where q.id = target $$;
revoke all on function public.event_of_question(bigint) from public;
grant execute on function public.event_of_question(bigint) to authenticated, service_role;

alter table public.event_questions enable row level security;
alter table public.event_question_votes enable row level security;

create policy event_questions_select on public.event_questions for select to authenticated
  using (public.can_join_event_live(event_id));
create policy event_questions_insert on public.event_questions for insert to authenticated
  with check (author_id = auth.uid() and public.can_join_event_live(event_id) and answered_at is null and answered_by is null);
-- Only organisers mark a question answered (or not); nobody edits a question's text.
create policy event_questions_update on public.event_questions for update to authenticated
  using (public.is_organiser() and public.can_join_event_live(event_id))
  with check (public.is_organiser());
grant select, insert (event_id, author_id, body), update (answered_at, answered_by) on public.event_questions to authenticated;

create policy event_question_votes_select on public.event_question_votes for select to authenticated
  using (public.can_join_event_live(public.event_of_question(question_id)));
create policy event_question_votes_insert on public.event_question_votes for insert to authenticated
  with check (user_id = auth.uid() and public.can_join_event_live(public.event_of_question(question_id)));
create policy event_question_votes_delete on public.event_question_votes for delete to authenticated
  using (user_id = auth.uid());
grant select, insert (question_id, user_id), delete on public.event_question_votes to authenticated;

-- ── Attendance ──────────────────────────────────────────────────────────────────
-- One row per stay in the room. Written only by event_presence() with the server's
-- clock, so a page cannot claim minutes it did not spend.
create table public.event_attendance (
  id bigint generated always as identity primary key,
  event_id uuid not null references public.events (id) on delete cascade,
  user_id uuid not null references public.profiles (id) on delete cascade,
  joined_at timestamptz not null default now(),
  left_at timestamptz,
  check (left_at is null or left_at >= joined_at)
);
create index event_attendance_event_idx on public.event_attendance (event_id, user_id);

-- An organiser's correction: the minutes to count, and why. The latest one counts.
create table public.event_attendance_adjustments (
  id bigint generated always as identity primary key,
  event_id uuid not null references public.events (id) on delete cascade,
  user_id uuid not null references public.profiles (id) on delete cascade,
  minutes int not null check (minutes between 0 and 1440),
  reason text not null check (char_length(btrim(reason)) between 3 and 500),
  adjusted_by uuid references public.profiles (id) on delete set null,
  created_at timestamptz not null default now()
);
create index event_attendance_adjustments_idx on public.event_attendance_adjustments (event_id, user_id, created_at desc);

alter table public.event_attendance enable row level security;
alter table public.event_attendance_adjustments enable row level security;

create policy event_attendance_select on public.event_attendance for select to authenticated
  using (user_id = auth.uid() or (public.is_organiser() and public.can_see_event(event_id)));
grant select on public.event_attendance to authenticated;

create policy event_attendance_adjustments_select on public.event_attendance_adjustments for select to authenticated
  using (user_id = auth.uid() or (public.is_organiser() and public.can_see_event(event_id)));
create policy event_attendance_adjustments_insert on public.event_attendance_adjustments for insert to authenticated
  with check (public.is_organiser() and adjusted_by = auth.uid() and public.can_see_event(event_id));
grant select, insert (event_id, user_id, minutes, reason, adjusted_by) on public.event_attendance_adjustments to authenticated;

grant all on public.event_questions, public.event_question_votes, public.event_attendance,
  public.event_attendance_adjustments to service_role;
grant usage, select on all sequences in schema public to service_role;

-- Every adjustment lands in the one audit log, with its reason.
create or replace function public.audit_event_attendance_adjustment() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  insert into public.audit_log (actor_id, action, target_type, target_id, details)
  values (auth.uid(), 'event.attendance_adjusted', 'event', new.event_id::text,
    jsonb_build_object('user_id', new.user_id, 'minutes', new.minutes, 'reason', new.reason));
  return new;
end
$$;
create trigger event_attendance_adjustments_audit after insert on public.event_attendance_adjustments
  for each row execute function public.audit_event_attendance_adjustment();

-- The room page reports the person's own conference joined / left. Only a person who
-- may be in the room, only while it is open (15 minutes before the start until the
-- end); joining again closes a stay left open (a closed tab), leaving closes it.
create or replace function public.event_presence(target uuid, kind text) returns void
language plpgsql security definer set search_path = ''
as $$
declare
  me uuid := auth.uid();
  ev record;
  at timestamptz := now();
begin
  if me is null or not public.can_join_event_live(target) then
    raise exception 'event_not_found' using errcode = 'P0001';
  end if;
  select e.starts_at, e.duration_minutes, e.status into ev from public.events e where e.id = target;
  if ev.status <> 'scheduled' or at < ev.starts_at - interval '15 minutes'
     or at > ev.starts_at + make_interval(mins => ev.duration_minutes) then
    raise exception 'event_live_closed' using errcode = 'P0001';
  end if;
  update public.event_attendance set left_at = at
    where event_id = target and user_id = me and left_at is null;
  if kind = 'joined' then
    insert into public.event_attendance (event_id, user_id, joined_at) values (target, me, at);
  elsif kind <> 'left' then
    raise exception 'event_invalid' using errcode = 'P0001';
  end if;
end
$$;
revoke all on function public.event_presence(uuid, text) from public;
grant execute on function public.event_presence(uuid, text) to authenticated;
