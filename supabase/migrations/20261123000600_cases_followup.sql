-- Clinical cases, second part (decision 009).
--
--  case_identifier_overrides  a finding of the identifier guard that the author marked as
--               not identifying, with a reason: exactly one (field, kind, matched text) of
--               one case or post. Readable by its author and the case's moderators.
--  case_experts designated experts who may write recommendations (besides mentors), for
--               every verified case (space_id null) or for one private space's cases.
--  cases.review_note / reviewed_at  a moderator's or coordinator's note when sending a
--               submitted case back to its presenter (case_send_back()).
--  cases.search_vector  French/English full text (unaccented) for /search; read through
--               RLS like any other column of a case.
--  tool_citations rows for cases: a case (its details and its posts) citing a tool.

-- ── Overrides ────────────────────────────────────────────────────────────────
create table public.case_identifier_overrides (
  id bigint generated always as identity primary key,
  case_id uuid not null references public.cases (id) on delete cascade,
  -- null for the case's own fields; the post otherwise (set when the post is written).
  post_id bigint references public.case_posts (id) on delete cascade,
  field text not null check (field ~ '^[a-zA-Z]{1,40}$'),
  kind text not null check (kind in ('nam', 'record_number', 'phone', 'email', 'postal_code', 'date_of_birth', 'date',
    'address', 'age_over_89', 'name')),
  match text not null check (char_length(match) between 1 and 200),
  reason text not null check (char_length(reason) between 5 and 300),
  author_id uuid not null default auth.uid() references public.profiles (id) on delete cascade,
  created_at timestamptz not null default now()
);
create index case_identifier_overrides_case_idx on public.case_identifier_overrides (case_id, id);
create index case_identifier_overrides_recent_idx on public.case_identifier_overrides (created_at desc);

-- Who may write an override: the presenter for the case's own fields (while it is theirs
-- to edit), the post's author for a post. The guard itself runs in the app.
create or replace function public.case_overrides_before_insert() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  if auth.uid() is null then return new; end if;
  if new.post_id is null then
    if not exists (select 1 from public.cases c where c.id = new.case_id and c.author_id = auth.uid() and c.status = 'draft') then
      raise exception 'not allowed to override on this case' using errcode = '42501';
    end if;
  elsif not exists (select 1 from public.case_posts p where p.id = new.post_id and p.case_id = new.case_id and p.author_id = auth.uid()) then
    raise exception 'not allowed to override on this post' using errcode = '42501';
  end if;
  return new;
end
$$;
create trigger case_overrides_before_insert before insert on public.case_identifier_overrides
  for each row execute function public.case_overrides_before_insert();

alter table public.case_identifier_overrides enable row level security;
create policy case_overrides_select on public.case_identifier_overrides for select to authenticated
  using (author_id = (select auth.uid()) or public.can_moderate_case(case_id));
create policy case_overrides_insert on public.case_identifier_overrides for insert to authenticated
  with check (author_id = (select auth.uid()) and (select public.is_verified()));
grant select, insert (case_id, post_id, field, kind, match, reason, author_id) on public.case_identifier_overrides to authenticated;
grant all on public.case_identifier_overrides to service_role;

-- Overrides are part of the case's moderation record.
create or replace function public.audit_case_override() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  insert into public.audit_log (actor_id, action, target_type, target_id, details)
  values (new.author_id, 'case.identifier_override', 'case', new.case_id::text,
          jsonb_build_object('override_id', new.id, 'field', new.field, 'kind', new.kind, 'post_id', new.post_id));
  return new;
end
$$;
create trigger case_overrides_audit after insert on public.case_identifier_overrides
  for each row execute function public.audit_case_override();

-- ── Designated experts ───────────────────────────────────────────────────────
create table public.case_experts (
  id bigint generated always as identity primary key,
  user_id uuid not null references public.profiles (id) on delete cascade,
  space_id uuid references public.spaces (id) on delete cascade,
  designated_by uuid not null default auth.uid() references public.profiles (id) on delete cascade,
  created_at timestamptz not null default now()
);
create unique index case_experts_unique_idx on public.case_experts (user_id, coalesce(space_id, '00000000-0000-0000-0000-000000000000'::uuid));

alter table public.case_experts enable row level security;
-- The person, admins, and the moderators of the space (global moderators for the
-- verified-wide designation) see and manage designations.
create policy case_experts_select on public.case_experts for select to authenticated
  using (user_id = (select auth.uid()) or (select public.is_admin())
         or (space_id is null and (select public.has_role('moderator')))
         or (space_id is not null and public.can_moderate_space(space_id)));
create policy case_experts_insert on public.case_experts for insert to authenticated
  with check (designated_by = (select auth.uid()) and ((select public.is_admin())
         or (space_id is not null and public.can_moderate_space(space_id))));
create policy case_experts_delete on public.case_experts for delete to authenticated
  using ((select public.is_admin()) or (space_id is not null and public.can_moderate_space(space_id)));
grant select, insert (user_id, space_id, designated_by), delete on public.case_experts to authenticated;
grant all on public.case_experts to service_role;

-- The presenter, a mentor, a designated expert (for every case or for this space's) or
-- the case's moderators write recommendations.
create or replace function public.can_recommend_case(target uuid) returns boolean
language plpgsql stable security definer set search_path = ''
as $$
declare
  sp uuid;
begin
  if not public.can_read_case(target) then return false; end if;
  select c.space_id into sp from public.cases c where c.id = target;
  return exists (select 1 from public.cases c where c.id = target and c.author_id = auth.uid())
      or public.has_role('mentor')
      or exists (select 1 from public.case_experts e where e.user_id = auth.uid() and (e.space_id is null or e.space_id = sp))
      or public.can_moderate_case(target);
end
$$;

-- ── Review: send back with a note ────────────────────────────────────────────
alter table public.cases add column review_note text check (review_note is null or char_length(review_note) between 5 and 1000);
alter table public.cases add column reviewed_at timestamptz;
grant select (review_note, reviewed_at) on public.cases to authenticated;

-- Same rules as before, plus: a case's moderators may send a submitted case back to
-- draft (case_send_back()), which clears the attestation so it is given again.
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
  if (new.title, new.question, new.care_setting, new.age_decade, new.gender, new.substances, new.treatment,
      new.dose_range, new.conditions, new.housing, new.social_situation, new.what_tried, new.details_text,
      new.topics, new.pseudonym) is distinct from
     (old.title, old.question, old.care_setting, old.age_decade, old.gender, old.substances, old.treatment,
      old.dose_range, old.conditions, old.housing, old.social_situation, old.what_tried, old.details_text,
      old.topics, old.pseudonym)
     and not (old.status = 'draft' and is_author) and auth.uid() is not null then
    raise exception 'only the presenter edits a draft' using errcode = '42501';
  end if;
  if new.review_note is distinct from old.review_note and auth.uid() is not null and not is_mod then
    raise exception 'only the case''s moderators write review notes' using errcode = '42501';
  end if;
  if new.status <> old.status then
    if old.status = 'draft' and new.status = 'submitted' and is_author then
      new.submitted_at := now();
      if not new.requires_review then
        new.status := 'open';
        new.opened_at := now();
      end if;
    elsif old.status in ('submitted', 'in_review') and new.status in ('in_review', 'open') and is_mod then
      if new.status = 'open' then new.opened_at := now(); new.reviewed_at := now(); end if;
    elsif old.status in ('submitted', 'in_review') and new.status = 'draft' and is_mod then
      new.attested_at := null;
      new.consent_obtained := false;
      new.reviewed_at := now();
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

-- The note is written by the function (clients have no update grant on it), in the
-- same transaction as the audit row.
create or replace function public.case_send_back(target uuid, note text) returns boolean
language plpgsql volatile security definer set search_path = ''
as $$
begin
  if auth.uid() is null or not public.can_moderate_case(target) then return false; end if;
  update public.cases set status = 'draft', review_note = note
   where id = target and status in ('submitted', 'in_review');
  if not found then return false; end if;
  insert into public.audit_log (actor_id, action, target_type, target_id, details)
  values (auth.uid(), 'case.sent_back', 'case', target::text, '{}'::jsonb);
  return true;
end
$$;
revoke all on function public.case_send_back(uuid, text) from public, anon;
grant execute on function public.case_send_back(uuid, text) to authenticated, service_role;
revoke all on function public.case_overrides_before_insert(), public.audit_case_override() from public, anon, authenticated;

-- ── Search ───────────────────────────────────────────────────────────────────
-- array_to_string is only stable (it can format any element type); for text[] it is
-- immutable, which a generated column needs.
create or replace function public.case_topics_text(topics text[]) returns text
language sql immutable parallel safe set search_path = ''
as $$ select coalesce(array_to_string(topics, ' '), '') $$;
grant execute on function public.case_topics_text(text[]) to authenticated, service_role;
alter table public.cases add column search_vector tsvector generated always as (
  setweight(to_tsvector('public.passerelle_fr'::regconfig, title), 'A') ||
  setweight(to_tsvector('public.passerelle_en'::regconfig, title), 'A') ||
  setweight(to_tsvector('public.passerelle_fr'::regconfig,
    question || ' ' || social_situation || ' ' || what_tried || ' ' || details_text || ' ' || public.case_topics_text(topics)), 'B') ||
  setweight(to_tsvector('public.passerelle_en'::regconfig,
    question || ' ' || social_situation || ' ' || what_tried || ' ' || details_text || ' ' || public.case_topics_text(topics)), 'B')
) stored;
create index cases_search_idx on public.cases using gin (search_vector);
grant select (search_vector) on public.cases to authenticated;

-- ── Tool citations from cases ────────────────────────────────────────────────
-- One row per (tool, case): the case's details and every post of it count. A row is
-- readable only by people who may read the case.
-- CASE, not AND: the cast must never be tried on a forum post's numeric source_id
-- (AND does not fix an evaluation order).
create policy tool_citations_select_case on public.tool_citations for select to authenticated
  using (case when source_kind = 'case' and source_id ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
              then public.can_read_case(source_id::uuid) else false end);

create or replace function public.case_tool_citations_refresh(target uuid) returns void
language plpgsql security definer set search_path = ''
as $$
begin
  delete from public.tool_citations where source_kind = 'case' and source_id = target::text;
  insert into public.tool_citations (tool_id, source_kind, source_id)
  select distinct t.id, 'case', target::text
    from (
      select unnest(public.tool_ids_cited(c.details, c.details_text)) as id from public.cases c where c.id = target
      union
      select unnest(public.tool_ids_cited(p.body, p.body_text)) from public.case_posts p where p.case_id = target
    ) cited
    join public.tools t on t.id = cited.id
  on conflict do nothing;
end
$$;
create or replace function public.case_tool_citations_trigger() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  if tg_op = 'DELETE' then
    delete from public.tool_citations where source_kind = 'case' and source_id = old.id::text;
    return old;
  end if;
  if tg_table_name = 'cases' then
    if tg_op = 'UPDATE' and new.details is not distinct from old.details and new.details_text is not distinct from old.details_text then
      return new;
    end if;
    perform public.case_tool_citations_refresh(new.id);
  else
    perform public.case_tool_citations_refresh(new.case_id);
  end if;
  return new;
end
$$;
create trigger cases_tool_citations after insert or update or delete on public.cases
  for each row execute function public.case_tool_citations_trigger();
create trigger case_posts_tool_citations after insert on public.case_posts
  for each row execute function public.case_tool_citations_trigger();
revoke all on function public.case_tool_citations_refresh(uuid), public.case_tool_citations_trigger() from public, anon, authenticated;

-- ── Pseudonyms on posts ──────────────────────────────────────────────────────
-- The presenter's posts (follow-ups, and replies or recommendations they write) must
-- show the pseudonym to peers, yet cases.author_id is not readable by clients: this
-- answers, for the posts of a case the caller may read, which ones are the presenter's.
create or replace function public.case_presenter_post_ids(target uuid) returns setof bigint
language plpgsql stable security definer set search_path = ''
as $$
begin
  if not public.can_read_case(target) then return; end if;
  return query select p.id from public.case_posts p join public.cases c on c.id = p.case_id
    where p.case_id = target and p.author_id = c.author_id;
end
$$;
revoke all on function public.case_presenter_post_ids(uuid) from public, anon;
grant execute on function public.case_presenter_post_ids(uuid) to authenticated, service_role;
