-- Clinical case discussions (decision 009).
--
--  cases        one presented case: structured template (choices where possible), a
--               lifecycle draft → submitted → (in_review) → open → recommended →
--               follow_up → closed, visible to verified members (space_id null) or to
--               the members of one private space (spaces/is_space_member from forums).
--               author_id is not granted to clients: who presented is read through
--               case_presenter(), which respects the pseudonym and audits moderators.
--  case_posts   replies, the written recommendations (a distinct block) and follow-ups.
--
-- Free text never reaches these tables unchecked: the app runs findIdentifiers() on
-- every free-text field (app/modules/cases/identifiers.ts) before any insert/update.
-- Unverified members and anonymous visitors get no grant and no policy: they cannot see
-- a case, its title included.

create table public.cases (
  id uuid primary key default gen_random_uuid(),
  author_id uuid not null default auth.uid() references public.profiles (id) on delete cascade,
  space_id uuid references public.spaces (id) on delete restrict,
  status text not null default 'draft'
    check (status in ('draft', 'submitted', 'in_review', 'open', 'recommended', 'follow_up', 'closed')),
  requires_review boolean not null default false,
  title text not null check (char_length(title) between 4 and 160),
  question text not null check (char_length(question) between 10 and 2000),
  care_setting text not null check (care_setting in (
    'emergency', 'addiction_rehab', 'family_medicine_group', 'community_pharmacy', 'street_outreach',
    'detention', 'hospital_ward', 'clsc', 'other')),
  age_decade smallint check (age_decade in (10, 20, 30, 40, 50, 60, 70, 80)),
  gender text check (gender in ('woman', 'man', 'non_binary', 'other')),
  substances text[] not null default '{}' check (substances <@ array[
    'fentanyl', 'heroin', 'prescription_opioids', 'methamphetamine', 'cocaine', 'crack', 'alcohol',
    'benzodiazepines', 'cannabis', 'xylazine', 'other']::text[]),
  treatment text check (treatment in (
    'none', 'methadone', 'buprenorphine_naloxone', 'buprenorphine_extended', 'sr_morphine',
    'injectable_oat', 'other')),
  dose_range text check (dose_range in ('low', 'medium', 'high', 'very_high')),
  conditions text[] not null default '{}' check (conditions <@ array[
    'hiv', 'hcv', 'mental_health', 'chronic_pain', 'pregnancy', 'cardiac', 'liver', 'other']::text[]),
  housing text check (housing in ('stable', 'unstable', 'homeless', 'supervised', 'detention', 'other')),
  social_situation text not null default '' check (char_length(social_situation) <= 1000),
  what_tried text not null default '' check (char_length(what_tried) <= 4000),
  details jsonb,
  details_text text not null default '' check (char_length(details_text) <= 20000),
  topics text[] not null default '{}' check (cardinality(topics) <= 8),
  pseudonym text check (pseudonym is null or char_length(pseudonym) between 2 and 80),
  attested_at timestamptz,
  consent_obtained boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  submitted_at timestamptz,
  opened_at timestamptz,
  closed_at timestamptz,
  constraint cases_submitted_attested check (status = 'draft' or attested_at is not null)
);
create index cases_author_idx on public.cases (author_id, created_at desc);
create index cases_space_idx on public.cases (space_id, status, created_at desc);

create table public.case_posts (
  id bigint generated always as identity primary key,
  case_id uuid not null references public.cases (id) on delete cascade,
  author_id uuid not null default auth.uid() references public.profiles (id) on delete cascade,
  kind text not null check (kind in ('reply', 'recommendation', 'follow_up')),
  body jsonb not null,
  body_text text not null check (char_length(body_text) between 1 and 20000),
  created_at timestamptz not null default now()
);
create index case_posts_case_idx on public.case_posts (case_id, id);

-- ── Helpers (security definer, fixed search_path: no recursion through RLS) ─────

-- May the caller moderate this case (moderators of its space, global moderators for
-- cases open to all verified members, admins)?
create or replace function public.can_moderate_case(target uuid) returns boolean
language plpgsql stable security definer set search_path = ''
as $$
declare
  sp uuid;
begin
  if auth.uid() is null then return false; end if;
  select c.space_id into sp from public.cases c where c.id = target;
  if not found then return false; end if;
  if public.is_admin() then return true; end if;
  if sp is null then return public.has_role('moderator'); end if;
  return public.can_moderate_space(sp);
end
$$;

-- May the caller read this case? Its author always; verified members (of the private
-- space, when there is one) once it is open; moderators once submitted.
create or replace function public.can_read_case(target uuid) returns boolean
language plpgsql stable security definer set search_path = ''
as $$
declare
  c record;
begin
  if auth.uid() is null then return false; end if;
  select x.author_id, x.space_id, x.status into c from public.cases x where x.id = target;
  if not found then return false; end if;
  if c.author_id = auth.uid() then return true; end if;
  if c.status = 'draft' then return false; end if;
  if public.can_moderate_case(target) then return true; end if;
  if c.status in ('submitted', 'in_review') then return false; end if;
  if not public.is_verified() then return false; end if;
  return c.space_id is null or public.is_space_member(c.space_id);
end
$$;

-- May the caller write the recommendations? The presenter, a mentor who can read the
-- case, or its moderators.
create or replace function public.can_recommend_case(target uuid) returns boolean
language plpgsql stable security definer set search_path = ''
as $$
begin
  if not public.can_read_case(target) then return false; end if;
  return exists (select 1 from public.cases c where c.id = target and c.author_id = auth.uid())
      or public.has_role('mentor')
      or public.can_moderate_case(target);
end
$$;

-- Who presented: the pseudonym for peers; the real person for the presenter and for
-- moderators/admins, in which case the look is recorded in the audit log.
create or replace function public.case_presenter(target uuid)
returns table (author_id uuid, display_name text, pseudonym text, revealed boolean)
language plpgsql volatile security definer set search_path = ''
as $$
declare
  c record;
  mine boolean;
begin
  if not public.can_read_case(target) then return; end if;
  select x.author_id, x.pseudonym, p.display_name into c
    from public.cases x join public.profiles p on p.id = x.author_id where x.id = target;
  mine := c.author_id = auth.uid();
  if c.pseudonym is null or mine then
    return query select c.author_id, c.display_name::text, c.pseudonym::text, false;
    return;
  end if;
  if public.can_moderate_case(target) then
    insert into public.audit_log (actor_id, action, target_type, target_id, details)
    values (auth.uid(), 'case.presenter_revealed', 'case', target::text, '{}'::jsonb);
    return query select c.author_id, c.display_name::text, c.pseudonym::text, true;
    return;
  end if;
  return query select null::uuid, null::text, c.pseudonym::text, false;
end
$$;

-- Records a moderator's or admin's read of a case they could not read as a plain
-- member (or any read by a moderator acting as such). Returns whether a row was written.
create or replace function public.case_log_moderator_read(target uuid) returns boolean
language plpgsql volatile security definer set search_path = ''
as $$
begin
  if auth.uid() is null or not public.can_moderate_case(target) then return false; end if;
  if exists (select 1 from public.cases c where c.id = target and c.author_id = auth.uid()) then return false; end if;
  insert into public.audit_log (actor_id, action, target_type, target_id, details)
  values (auth.uid(), 'case.read_as_moderator', 'case', target::text,
          jsonb_build_object('admin', public.is_admin()));
  return true;
end
$$;

-- ── Lifecycle rules ──────────────────────────────────────────────────────────
create or replace function public.cases_before_write() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  is_author boolean := new.author_id = auth.uid();
  is_mod boolean := public.can_moderate_case(new.id) or public.is_admin();
begin
  if tg_op = 'INSERT' then
    if new.status <> 'draft' then raise exception 'a case starts as a draft' using errcode = '42501'; end if;
    if new.space_id is not null and auth.uid() is not null and not public.is_space_member(new.space_id) and not public.is_admin() then
      raise exception 'not a member of this space' using errcode = '42501';
    end if;
    return new;
  end if;
  if new.author_id <> old.author_id or new.space_id is distinct from old.space_id and old.status <> 'draft' then
    raise exception 'the presenter and space of a case are fixed' using errcode = '42501';
  end if;
  -- Template content changes only while the case is a draft, by its author.
  if (new.title, new.question, new.care_setting, new.age_decade, new.gender, new.substances, new.treatment,
      new.dose_range, new.conditions, new.housing, new.social_situation, new.what_tried, new.details_text,
      new.topics, new.pseudonym) is distinct from
     (old.title, old.question, old.care_setting, old.age_decade, old.gender, old.substances, old.treatment,
      old.dose_range, old.conditions, old.housing, old.social_situation, old.what_tried, old.details_text,
      old.topics, old.pseudonym)
     and not (old.status = 'draft' and is_author) and auth.uid() is not null then
    raise exception 'only the presenter edits a draft' using errcode = '42501';
  end if;
  if new.status <> old.status then
    if old.status = 'draft' and new.status = 'submitted' and is_author then
      new.submitted_at := now();
      if not new.requires_review then
        new.status := 'open';
        new.opened_at := now();
      end if;
    elsif old.status in ('submitted', 'in_review') and new.status in ('in_review', 'open') and is_mod then
      if new.status = 'open' then new.opened_at := now(); end if;
    elsif old.status in ('open', 'recommended') and new.status in ('recommended', 'follow_up') then
      null; -- set by case_posts_after_insert (runs as definer; checked there)
    elsif old.status <> 'draft' and new.status = 'closed' and (is_author or is_mod) then
      new.closed_at := now();
    elsif auth.uid() is not null then
      raise exception 'case status % → % not allowed', old.status, new.status using errcode = '42501';
    end if;
  end if;
  new.updated_at := now();
  return new;
end
$$;
create trigger cases_before_write before insert or update on public.cases
  for each row execute function public.cases_before_write();

create or replace function public.case_posts_before_insert() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  st text;
  author uuid;
begin
  select c.status, c.author_id into st, author from public.cases c where c.id = new.case_id;
  if st not in ('open', 'recommended', 'follow_up') then
    raise exception 'this case is not open for discussion' using errcode = '42501';
  end if;
  if new.kind = 'recommendation' and auth.uid() is not null and not public.can_recommend_case(new.case_id) then
    raise exception 'not allowed to write recommendations' using errcode = '42501';
  end if;
  if new.kind = 'follow_up' and auth.uid() is not null and author <> auth.uid() then
    raise exception 'only the presenter posts follow-ups' using errcode = '42501';
  end if;
  return new;
end
$$;
create trigger case_posts_before_insert before insert on public.case_posts
  for each row execute function public.case_posts_before_insert();

create or replace function public.case_posts_after_insert() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  if new.kind = 'recommendation' then
    update public.cases set status = 'recommended' where id = new.case_id and status = 'open';
  elsif new.kind = 'follow_up' then
    update public.cases set status = 'follow_up' where id = new.case_id and status in ('open', 'recommended');
  end if;
  return new;
end
$$;
create trigger case_posts_after_insert after insert on public.case_posts
  for each row execute function public.case_posts_after_insert();

-- ── Row-level security and grants ────────────────────────────────────────────
alter table public.cases enable row level security;
alter table public.case_posts enable row level security;

-- The author term is spelled out: RETURNING on insert checks this policy against a
-- row the helper's snapshot cannot see yet.
create policy cases_select on public.cases for select to authenticated
  using (author_id = (select auth.uid()) or public.can_read_case(id));
create policy cases_insert on public.cases for insert to authenticated
  with check (author_id = (select auth.uid()) and (select public.is_verified()) and status = 'draft');
create policy cases_update on public.cases for update to authenticated
  using (author_id = (select auth.uid()) or public.can_moderate_case(id))
  with check (author_id = (select auth.uid()) or public.can_moderate_case(id));
create policy cases_delete on public.cases for delete to authenticated
  using (author_id = (select auth.uid()) and status = 'draft');

create policy case_posts_select on public.case_posts for select to authenticated
  using (public.can_read_case(case_id));
create policy case_posts_insert on public.case_posts for insert to authenticated
  with check (author_id = (select auth.uid()) and (select public.is_verified()) and public.can_read_case(case_id));

-- No grant at all to anon. author_id of a case is not readable by clients.
grant select (id, space_id, status, requires_review, title, question, care_setting, age_decade, gender, substances,
  treatment, dose_range, conditions, housing, social_situation, what_tried, details, details_text, topics, pseudonym,
  attested_at, consent_obtained, created_at, updated_at, submitted_at, opened_at, closed_at)
  on public.cases to authenticated;
grant insert (author_id, space_id, requires_review, title, question, care_setting, age_decade, gender, substances,
  treatment, dose_range, conditions, housing, social_situation, what_tried, details, details_text, topics, pseudonym)
  on public.cases to authenticated;
grant update (status, title, question, care_setting, age_decade, gender, substances, treatment, dose_range,
  conditions, housing, social_situation, what_tried, details, details_text, topics, pseudonym, attested_at,
  consent_obtained) on public.cases to authenticated;
grant delete on public.cases to authenticated;
grant select, insert (case_id, author_id, kind, body, body_text) on public.case_posts to authenticated;
grant all on public.cases, public.case_posts to service_role;

revoke all on function public.can_moderate_case(uuid), public.can_read_case(uuid), public.can_recommend_case(uuid),
  public.case_presenter(uuid), public.case_log_moderator_read(uuid) from public, anon;
grant execute on function public.can_moderate_case(uuid), public.can_read_case(uuid), public.can_recommend_case(uuid),
  public.case_presenter(uuid), public.case_log_moderator_read(uuid) to authenticated, service_role;
revoke all on function public.cases_before_write(), public.case_posts_before_insert(), public.case_posts_after_insert()
  from public, anon, authenticated;
