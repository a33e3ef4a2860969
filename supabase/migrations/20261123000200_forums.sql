-- Forums, and the one idea of membership every capability reuses (docs/architecture.md, "One idea of membership").
--
--  spaces / space_members   where people meet and who may see it: visibility public (anyone,
--                           anonymous included), verified (verified members), members (only
--                           the space's members). Cases, chat, mentorship and webinars point
--                           at a space instead of inventing their own access rules.
--  forum_categories         belong to a space; moderators create, rename, order, archive.
--  forum_topics/_posts      post #1 is the topic's opening post. Bodies are tiptap JSON
--                           validated by the app against one schema (app/components/rich-text)
--                           plus body_text (plain) for search, excerpts and mail.
--  reactions, bookmarks, drafts, reads (unread markers), watches, flags, sanctions, revisions.
--
-- Limits below are the CHECK constraints the app's named constants match
-- (app/components/rich-text/limits.ts, app/modules/forums/limits.ts).

create extension if not exists unaccent with schema extensions;
create extension if not exists pg_trgm with schema extensions;

-- ── Search configurations: accents ignored, French and English stemming ──────────
-- "therapie eleve" finds "Thérapies… élèves": unaccent first, then the stemmer.
do $$
begin
  if not exists (select 1 from pg_ts_config where cfgname = 'passerelle_fr' and cfgnamespace = 'public'::regnamespace) then
    create text search configuration public.passerelle_fr (copy = pg_catalog.french);
    alter text search configuration public.passerelle_fr
      alter mapping for hword, hword_part, word with extensions.unaccent, french_stem;
  end if;
  if not exists (select 1 from pg_ts_config where cfgname = 'passerelle_en' and cfgnamespace = 'public'::regnamespace) then
    create text search configuration public.passerelle_en (copy = pg_catalog.english);
    alter text search configuration public.passerelle_en
      alter mapping for hword, hword_part, word with extensions.unaccent, english_stem;
  end if;
end
$$;

-- unaccent() is only stable (its dictionary could change); titles need an immutable
-- form for the generated trigram column.
create or replace function public.immutable_unaccent(value text) returns text
language sql immutable strict parallel safe set search_path = ''
as $$ select extensions.unaccent('extensions.unaccent'::regdictionary, value) $$;

-- ── Spaces and membership ────────────────────────────────────────────────────
create table public.spaces (
  id uuid primary key default gen_random_uuid(),
  slug text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  -- What sort of place: community (province-wide themes), region, discipline, group
  -- (private). Other capabilities add their own kinds (case_group, channel, …).
  kind text not null check (kind ~ '^[a-z][a-z_]{1,31}$'),
  visibility text not null check (visibility in ('public', 'verified', 'members')),
  name_fr text not null check (char_length(name_fr) between 2 and 120),
  name_en text not null check (char_length(name_en) between 2 and 120),
  description_fr text not null default '' check (char_length(description_fr) <= 500),
  description_en text not null default '' check (char_length(description_en) <= 500),
  region_code text references public.regions (code),
  discipline_code text references public.disciplines (code),
  position int not null default 0,
  created_by uuid references public.profiles (id) on delete set null,
  created_at timestamptz not null default now(),
  archived_at timestamptz
);

create table public.space_members (
  space_id uuid not null references public.spaces (id) on delete cascade,
  user_id uuid not null references public.profiles (id) on delete cascade,
  role text not null default 'member' check (role in ('member', 'moderator')),
  added_by uuid references public.profiles (id) on delete set null,
  created_at timestamptz not null default now(),
  primary key (space_id, user_id)
);
create index space_members_user_idx on public.space_members (user_id);

-- Policy helpers: stable, security definer, fixed search_path (no recursion through
-- the tables they protect). Use them as `(select public.readable_space_ids())` in
-- policies so they run once per statement, not once per row.
-- PL/pgSQL rather than SQL: their plans are cached for the session, and the caller's
-- roles are looked up once per call, not once per space (these run in every policy).
create or replace function public.is_space_member(target uuid) returns boolean
language plpgsql stable security definer set search_path = ''
as $$
begin
  return exists (select 1 from public.space_members m where m.space_id = target and m.user_id = auth.uid());
end
$$;

create or replace function public.readable_space_ids() returns uuid[]
language plpgsql stable security definer set search_path = ''
as $$
declare
  me uuid := auth.uid();
  ids uuid[];
begin
  if me is null then
    select coalesce(array_agg(s.id), '{}') into ids from public.spaces s where s.visibility = 'public';
    return ids;
  end if;
  if exists (select 1 from public.user_roles r where r.user_id = me and r.role = 'admin') then
    select coalesce(array_agg(s.id), '{}') into ids from public.spaces s;
    return ids;
  end if;
  select coalesce(array_agg(s.id), '{}') into ids from public.spaces s
   where s.visibility = 'public'
      or (s.visibility = 'verified' and exists (select 1 from public.profiles p where p.id = me and p.verification_status = 'verified'))
      or s.id in (select m.space_id from public.space_members m where m.user_id = me);
  return ids;
end
$$;

create or replace function public.can_read_space(target uuid) returns boolean
language plpgsql stable security definer set search_path = ''
as $$
begin
  return target = any (public.readable_space_ids());
end
$$;

-- Global moderators moderate every space except private ones (a private space's own
-- moderators and admins handle those); admins moderate everything.
create or replace function public.moderated_space_ids() returns uuid[]
language plpgsql stable security definer set search_path = ''
as $$
declare
  me uuid := auth.uid();
  ids uuid[];
begin
  if me is null then return '{}'; end if;
  if exists (select 1 from public.user_roles r where r.user_id = me and r.role = 'admin') then
    select coalesce(array_agg(s.id), '{}') into ids from public.spaces s;
    return ids;
  end if;
  select coalesce(array_agg(s.id), '{}') into ids from public.spaces s
   where (s.visibility <> 'members' and exists (select 1 from public.user_roles r where r.user_id = me and r.role = 'moderator'))
      or s.id in (select m.space_id from public.space_members m where m.user_id = me and m.role = 'moderator');
  return ids;
end
$$;

create or replace function public.can_moderate_space(target uuid) returns boolean
language plpgsql stable security definer set search_path = ''
as $$
begin
  return target = any (public.moderated_space_ids());
end
$$;

-- For the system path (notifications): may this person read this space?
create or replace function public.can_user_read_space(person uuid, target uuid) returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (
    select 1 from public.spaces s
    left join public.profiles p on p.id = person
    where s.id = target
      and (s.visibility = 'public'
           or exists (select 1 from public.user_roles r where r.user_id = person and r.role = 'admin')
           or (s.visibility = 'verified' and p.verification_status = 'verified')
           or exists (select 1 from public.space_members m where m.space_id = s.id and m.user_id = person))
  )
$$;

alter table public.spaces enable row level security;
alter table public.space_members enable row level security;

create policy spaces_select on public.spaces for select to anon, authenticated
  using (id = any ((select public.readable_space_ids())::uuid[]) or (select public.is_admin()));
create policy spaces_insert on public.spaces for insert to authenticated
  with check ((select public.is_admin()) and created_by = (select auth.uid()));
create policy spaces_update on public.spaces for update to authenticated
  using ((select public.is_admin())) with check ((select public.is_admin()));

create policy space_members_select on public.space_members for select to authenticated
  using (user_id = (select auth.uid()) or public.is_space_member(space_id) or public.can_moderate_space(space_id));
create policy space_members_insert on public.space_members for insert to authenticated
  with check (public.can_moderate_space(space_id) and added_by = (select auth.uid()));
create policy space_members_update on public.space_members for update to authenticated
  using ((select public.is_admin())) with check ((select public.is_admin()));
create policy space_members_delete on public.space_members for delete to authenticated
  using (public.can_moderate_space(space_id) or user_id = (select auth.uid()));

grant select on public.spaces to anon, authenticated;
grant insert (slug, kind, visibility, name_fr, name_en, description_fr, description_en, region_code,
  discipline_code, position, created_by) on public.spaces to authenticated;
grant update (name_fr, name_en, description_fr, description_en, visibility, position, archived_at)
  on public.spaces to authenticated;
grant select, delete on public.space_members to authenticated;
grant insert (space_id, user_id, role, added_by) on public.space_members to authenticated;
grant update (role) on public.space_members to authenticated;
grant all on public.spaces, public.space_members to service_role;

revoke all on function public.is_space_member(uuid), public.can_read_space(uuid), public.readable_space_ids(),
  public.can_moderate_space(uuid), public.moderated_space_ids() from public;
grant execute on function public.is_space_member(uuid), public.can_read_space(uuid), public.readable_space_ids(),
  public.can_moderate_space(uuid), public.moderated_space_ids() to anon, authenticated, service_role;
revoke all on function public.can_user_read_space(uuid, uuid) from public, anon, authenticated;
grant execute on function public.can_user_read_space(uuid, uuid) to service_role;
grant execute on function public.immutable_unaccent(text) to anon, authenticated, service_role;

-- Space changes are audited where they happen.
create or replace function public.audit_spaces() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  if tg_table_name = 'spaces' then
    insert into public.audit_log (actor_id, action, target_type, target_id, details)
    values (auth.uid(), case when tg_op = 'INSERT' then 'space.created' else 'space.updated' end, 'space', new.id::text,
            jsonb_build_object('slug', new.slug, 'visibility', new.visibility, 'archived', new.archived_at is not null));
    return new;
  end if;
  if tg_op = 'DELETE' then
    insert into public.audit_log (actor_id, action, target_type, target_id, details)
    values (auth.uid(), 'space.member_removed', 'space', old.space_id::text, jsonb_build_object('user_id', old.user_id));
    return old;
  end if;
  insert into public.audit_log (actor_id, action, target_type, target_id, details)
  values (auth.uid(), case when tg_op = 'INSERT' then 'space.member_added' else 'space.member_updated' end, 'space',
          new.space_id::text, jsonb_build_object('user_id', new.user_id, 'role', new.role));
  return new;
end
$$;
create trigger spaces_audit after insert or update on public.spaces
  for each row execute function public.audit_spaces();
create trigger space_members_audit after insert or update or delete on public.space_members
  for each row execute function public.audit_spaces();

-- ── Categories ───────────────────────────────────────────────────────────────
create table public.forum_categories (
  id uuid primary key default gen_random_uuid(),
  space_id uuid not null references public.spaces (id) on delete restrict,
  slug text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  name_fr text not null check (char_length(name_fr) between 2 and 120),
  name_en text not null check (char_length(name_en) between 2 and 120),
  description_fr text not null default '' check (char_length(description_fr) <= 500),
  description_en text not null default '' check (char_length(description_en) <= 500),
  position int not null default 0 check (position between 0 and 10000),
  -- The reference topic a theme category covers (the default tag of its topics).
  topic_code text references public.topics (code),
  created_by uuid references public.profiles (id) on delete set null,
  created_at timestamptz not null default now(),
  archived_at timestamptz,
  -- Counters of published, undeleted content, kept by triggers.
  topic_count int not null default 0,
  post_count int not null default 0,
  last_posted_at timestamptz
);
create index forum_categories_space_idx on public.forum_categories (space_id, position);

alter table public.forum_categories enable row level security;
create policy forum_categories_select on public.forum_categories for select to anon, authenticated
  using (space_id = any ((select public.readable_space_ids())::uuid[]));
create policy forum_categories_insert on public.forum_categories for insert to authenticated
  with check (public.can_moderate_space(space_id) and created_by = (select auth.uid()));
create policy forum_categories_update on public.forum_categories for update to authenticated
  using (public.can_moderate_space(space_id)) with check (public.can_moderate_space(space_id));
grant select on public.forum_categories to anon, authenticated;
grant insert (space_id, slug, name_fr, name_en, description_fr, description_en, position, topic_code, created_by)
  on public.forum_categories to authenticated;
grant update (name_fr, name_en, description_fr, description_en, position, archived_at) on public.forum_categories to authenticated;
grant all on public.forum_categories to service_role;

create or replace function public.audit_forum_categories() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  if tg_op = 'UPDATE' and (new.name_fr, new.name_en, new.description_fr, new.description_en, new.position, new.archived_at)
       is not distinct from (old.name_fr, old.name_en, old.description_fr, old.description_en, old.position, old.archived_at) then
    return new; -- counters only
  end if;
  insert into public.audit_log (actor_id, action, target_type, target_id, details)
  values (auth.uid(),
          case when tg_op = 'INSERT' then 'forum.category.created'
               when new.archived_at is not null and old.archived_at is null then 'forum.category.archived'
               when new.archived_at is null and old.archived_at is not null then 'forum.category.restored'
               else 'forum.category.updated' end,
          'forum_category', new.id::text,
          jsonb_build_object('slug', new.slug, 'name_fr', new.name_fr, 'position', new.position));
  return new;
end
$$;
create trigger forum_categories_audit after insert or update on public.forum_categories
  for each row execute function public.audit_forum_categories();

-- ── Sanctions (warn / silence for a time) ────────────────────────────────────
create table public.forum_sanctions (
  id bigint generated always as identity primary key,
  user_id uuid not null references public.profiles (id) on delete cascade,
  kind text not null check (kind in ('warning', 'silence')),
  reason text not null check (char_length(reason) between 3 and 1000),
  ends_at timestamptz,
  created_by uuid references public.profiles (id) on delete set null,
  created_at timestamptz not null default now(),
  lifted_at timestamptz,
  lifted_by uuid references public.profiles (id) on delete set null,
  check (kind = 'warning' or ends_at is not null)
);
create index forum_sanctions_user_idx on public.forum_sanctions (user_id, created_at desc);

create or replace function public.forum_is_silenced(person uuid default null) returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (
    select 1 from public.forum_sanctions s
    where s.user_id = coalesce(person, auth.uid()) and s.kind = 'silence'
      and s.lifted_at is null and s.ends_at > now()
  )
$$;

alter table public.forum_sanctions enable row level security;
create policy forum_sanctions_select on public.forum_sanctions for select to authenticated
  using (user_id = (select auth.uid()) or (select public.has_role('moderator')));
grant select on public.forum_sanctions to authenticated;
grant all on public.forum_sanctions to service_role;

-- ── Topics and posts ─────────────────────────────────────────────────────────
create table public.forum_topics (
  id bigint generated always as identity primary key,
  category_id uuid not null references public.forum_categories (id),
  -- Copied from the category by a trigger: policies check it without a join.
  space_id uuid not null references public.spaces (id),
  author_id uuid references public.profiles (id) on delete set null,
  title text not null check (char_length(title) between 5 and 200 and title !~ '[\x00-\x1f]'),
  title_search text generated always as (public.immutable_unaccent(lower(title))) stored,
  tags text[] not null default '{}' check (cardinality(tags) <= 5),
  region_code text references public.regions (code),
  -- Mirrors the opening post: pending (held for review), published, hidden (by a moderator).
  status text not null default 'published' check (status in ('pending', 'published', 'hidden')),
  pinned_at timestamptz,
  locked_at timestamptz,
  deleted_at timestamptz,
  accepted_post_id bigint,
  reply_count int not null default 0,
  highest_post_number int not null default 0,
  last_posted_at timestamptz not null default now(),
  last_post_id bigint,
  last_poster_id uuid references public.profiles (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index forum_topics_category_activity_idx on public.forum_topics (category_id, last_posted_at desc, id desc);
create index forum_topics_activity_idx on public.forum_topics (last_posted_at desc, id desc);
create index forum_topics_pinned_idx on public.forum_topics (category_id, pinned_at desc) where pinned_at is not null;
create index forum_topics_author_idx on public.forum_topics (author_id);
create index forum_topics_tags_idx on public.forum_topics using gin (tags);
create index forum_topics_title_trgm_idx on public.forum_topics using gin (title_search extensions.gin_trgm_ops);

create table public.forum_posts (
  id bigint generated always as identity primary key,
  topic_id bigint not null references public.forum_topics (id) on delete cascade,
  space_id uuid not null references public.spaces (id),
  post_number int not null,
  author_id uuid references public.profiles (id) on delete set null,
  reply_to_post_id bigint references public.forum_posts (id) on delete set null,
  body jsonb not null check (jsonb_typeof(body) = 'object' and octet_length(body::text) <= 131072),
  body_text text not null check (char_length(body_text) between 1 and 20000),
  -- The topic title, on the opening post only: one index covers titles and bodies.
  search_title text,
  search_vector tsvector generated always as (
    setweight(to_tsvector('public.passerelle_fr'::regconfig, coalesce(search_title, '')), 'A') ||
    setweight(to_tsvector('public.passerelle_en'::regconfig, coalesce(search_title, '')), 'A') ||
    setweight(to_tsvector('public.passerelle_fr'::regconfig, body_text), 'B') ||
    setweight(to_tsvector('public.passerelle_en'::regconfig, body_text), 'B')
  ) stored,
  status text not null default 'published' check (status in ('pending', 'published', 'hidden')),
  hidden_reason text check (char_length(hidden_reason) <= 500),
  deleted_at timestamptz,
  deleted_by uuid references public.profiles (id) on delete set null,
  edited_at timestamptz,
  edit_count int not null default 0,
  created_at timestamptz not null default now(),
  unique (topic_id, post_number)
);
create index forum_posts_search_idx on public.forum_posts using gin (search_vector);
create index forum_posts_author_idx on public.forum_posts (author_id, created_at desc);
create index forum_posts_pending_idx on public.forum_posts (created_at) where status = 'pending';
create index forum_posts_reply_to_idx on public.forum_posts (reply_to_post_id) where reply_to_post_id is not null;

alter table public.forum_topics add constraint forum_topics_accepted_fk
  foreign key (accepted_post_id) references public.forum_posts (id) on delete set null;

-- Rate limits (also in app/modules/forums/limits.ts for the messages): new members
-- (unverified, or verified for less than a week) post more slowly.
create or replace function public.forum_is_new_member(person uuid default null) returns boolean
language sql stable security definer set search_path = ''
as $$
  select coalesce((
    select p.verification_status <> 'verified' or coalesce(p.verified_at, p.created_at) > now() - interval '7 days'
    from public.profiles p where p.id = coalesce(person, auth.uid())
  ), true)
$$;

create or replace function public.forum_can_create_topic(target_category uuid) returns boolean
language sql stable security definer set search_path = ''
as $$
  select auth.uid() is not null and not public.forum_is_silenced() and exists (
    select 1 from public.forum_categories c join public.spaces s on s.id = c.space_id
    where c.id = target_category and c.archived_at is null and s.archived_at is null
      and public.can_read_space(s.id)
  )
$$;

create or replace function public.forum_can_reply(target_topic bigint) returns boolean
language sql stable security definer set search_path = ''
as $$
  select auth.uid() is not null and not public.forum_is_silenced() and exists (
    select 1 from public.forum_topics t
    join public.forum_categories c on c.id = t.category_id
    join public.spaces s on s.id = t.space_id
    where t.id = target_topic and c.archived_at is null and s.archived_at is null and t.deleted_at is null
      and public.can_read_space(t.space_id)
      and (t.status = 'published' or t.author_id = auth.uid() or public.can_moderate_space(t.space_id))
      and (t.locked_at is null or public.can_moderate_space(t.space_id))
  )
$$;

-- Topic: space, status, counters are the database's to set.
create or replace function public.forum_topics_before_insert() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  cat record;
begin
  select c.space_id, s.region_code into cat
    from public.forum_categories c join public.spaces s on s.id = c.space_id where c.id = new.category_id;
  if not found then raise exception 'forum_not_found' using errcode = 'P0001'; end if;
  new.space_id := cat.space_id;
  new.region_code := coalesce(cat.region_code, new.region_code);
  if exists (select unnest(new.tags) except select code from public.topics) then
    raise exception 'forum_unknown_tag' using errcode = 'P0001';
  end if;
  if coalesce(auth.role(), '') in ('authenticated', 'anon') then
    if public.forum_is_silenced() then raise exception 'forum_silenced' using errcode = 'P0001'; end if;
    new.status := case when public.is_verified() or public.can_moderate_space(new.space_id) then 'published' else 'pending' end;
    new.pinned_at := null; new.locked_at := null; new.deleted_at := null; new.accepted_post_id := null;
    new.reply_count := 0; new.highest_post_number := 0; new.last_posted_at := now(); new.created_at := now();
    new.last_post_id := null; new.last_poster_id := new.author_id;
  end if;
  return new;
end
$$;
create trigger forum_topics_before_insert before insert on public.forum_topics
  for each row execute function public.forum_topics_before_insert();

-- Post: number, space, status, rate limits.
create or replace function public.forum_posts_before_insert() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  topic record;
  recent int;
  allowed int;
begin
  update public.forum_topics set highest_post_number = highest_post_number + 1
   where id = new.topic_id
   returning highest_post_number, space_id, title, status into topic;
  if not found then raise exception 'forum_not_found' using errcode = 'P0001'; end if;
  new.post_number := topic.highest_post_number;
  new.space_id := topic.space_id;
  new.search_title := case when topic.highest_post_number = 1 then topic.title end;
  if new.reply_to_post_id is not null and not exists (
       select 1 from public.forum_posts p where p.id = new.reply_to_post_id and p.topic_id = new.topic_id) then
    raise exception 'forum_reply_to_other_topic' using errcode = 'P0001';
  end if;
  if coalesce(auth.role(), '') in ('authenticated', 'anon') then
    if public.forum_is_silenced() then raise exception 'forum_silenced' using errcode = 'P0001'; end if;
    allowed := case when public.forum_is_new_member() then 3 else 12 end;
    select count(*) into recent from public.forum_posts p
     where p.author_id = auth.uid() and p.created_at > now() - interval '5 minutes';
    if recent >= allowed and not public.can_moderate_space(new.space_id) then
      raise exception 'forum_rate_limited' using errcode = 'P0001';
    end if;
    new.status := case
      when new.post_number = 1 then topic.status
      when public.is_verified() or public.can_moderate_space(new.space_id) then 'published'
      else 'pending' end;
    new.deleted_at := null; new.deleted_by := null; new.edited_at := null; new.edit_count := 0;
    new.hidden_reason := null; new.created_at := now();
  end if;
  return new;
end
$$;
create trigger forum_posts_before_insert before insert on public.forum_posts
  for each row execute function public.forum_posts_before_insert();

-- Counters of one topic and its category, recomputed from the posts (index on
-- (topic_id, post_number)); used after anything but a plain new reply.
create or replace function public.forum_refresh_topic(target bigint) returns void
language plpgsql security definer set search_path = ''
as $$
declare
  t record;
  last record;
  replies int;
begin
  select id, category_id into t from public.forum_topics where id = target;
  if not found then return; end if;
  select count(*) filter (where post_number > 1) into replies from public.forum_posts
   where topic_id = target and status = 'published' and deleted_at is null;
  select id, created_at, author_id into last from public.forum_posts
   where topic_id = target and status = 'published' and deleted_at is null
   order by post_number desc limit 1;
  update public.forum_topics
     set reply_count = replies,
         last_post_id = last.id,
         last_poster_id = coalesce(last.author_id, last_poster_id),
         last_posted_at = coalesce(last.created_at, created_at)
   where id = target;
  perform public.forum_refresh_category(t.category_id);
end
$$;

create or replace function public.forum_refresh_category(target uuid) returns void
language sql security definer set search_path = ''
as $$
  update public.forum_categories c
     set topic_count = s.topics, post_count = s.topics + s.replies, last_posted_at = s.last_at
    from (select count(*)::int as topics, coalesce(sum(reply_count), 0)::int as replies, max(last_posted_at) as last_at
            from public.forum_topics
           where category_id = target and status = 'published' and deleted_at is null) s
   where c.id = target
$$;

create or replace function public.forum_posts_after_insert() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  if new.status <> 'published' then return new; end if;
  -- The fast path of a new published post: counters move by one.
  update public.forum_topics
     set reply_count = reply_count + case when new.post_number > 1 then 1 else 0 end,
         last_posted_at = new.created_at, last_post_id = new.id, last_poster_id = new.author_id
   where id = new.topic_id and status = 'published' and deleted_at is null;
  if found then
    update public.forum_categories c
       set post_count = post_count + 1,
           topic_count = topic_count + case when new.post_number = 1 then 1 else 0 end,
           last_posted_at = new.created_at
      from public.forum_topics t where t.id = new.topic_id and c.id = t.category_id;
  end if;
  return new;
end
$$;
create trigger forum_posts_after_insert after insert on public.forum_posts
  for each row execute function public.forum_posts_after_insert();

-- Edits keep a revision; only moderators touch hidden, deleted or locked content,
-- and an author can delete but not undelete.
create or replace function public.forum_posts_before_update() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  topic record;
  moderator boolean;
begin
  if coalesce(auth.role(), '') not in ('authenticated', 'anon') then return new; end if;
  select title, locked_at, deleted_at into topic from public.forum_topics where id = old.topic_id;
  moderator := public.can_moderate_space(old.space_id);
  if not moderator then
    if topic.locked_at is not null then raise exception 'forum_topic_locked' using errcode = 'P0001'; end if;
    if old.deleted_at is not null or old.status = 'hidden' then
      raise exception 'forum_post_unavailable' using errcode = 'P0001';
    end if;
  end if;
  if new.deleted_at is distinct from old.deleted_at then
    if new.deleted_at is null and not moderator then raise exception 'forum_forbidden' using errcode = 'P0001'; end if;
    new.deleted_at := case when new.deleted_at is null then null else now() end;
    new.deleted_by := case when new.deleted_at is null then null else auth.uid() end;
  end if;
  if new.body is distinct from old.body or new.body_text is distinct from old.body_text then
    insert into public.forum_post_revisions (post_id, editor_id, title, body, body_text)
    values (old.id, auth.uid(), case when old.post_number = 1 then topic.title end, old.body, old.body_text);
    new.edited_at := now();
    new.edit_count := old.edit_count + 1;
  end if;
  -- A moderator editing or deleting someone else's post leaves a trace (the
  -- moderation functions write their own, richer entry).
  if old.author_id is distinct from auth.uid()
     and coalesce(current_setting('passerelle.forum_moderation', true), '') <> 'on'
     and (new.body is distinct from old.body or new.deleted_at is distinct from old.deleted_at) then
    insert into public.audit_log (actor_id, action, target_type, target_id, details)
    values (auth.uid(),
            case when new.deleted_at is not null and old.deleted_at is null then 'forum.post.deleted'
                 when new.deleted_at is null and old.deleted_at is not null then 'forum.post.undeleted'
                 else 'forum.post.edited' end,
            'forum_post', old.id::text, jsonb_build_object('topic_id', old.topic_id, 'author_id', old.author_id));
  end if;
  return new;
end
$$;
create trigger forum_posts_before_update before update on public.forum_posts
  for each row execute function public.forum_posts_before_update();

create or replace function public.forum_posts_after_update() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  if new.status is distinct from old.status or new.deleted_at is distinct from old.deleted_at then
    if new.post_number = 1 then
      update public.forum_topics set status = new.status, deleted_at = new.deleted_at where id = new.topic_id;
    end if;
    perform public.forum_refresh_topic(new.topic_id);
  end if;
  return new;
end
$$;
create trigger forum_posts_after_update after update on public.forum_posts
  for each row execute function public.forum_posts_after_update();

create or replace function public.forum_topics_before_update() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  first record;
begin
  new.updated_at := now();
  if exists (select unnest(new.tags) except select code from public.topics) then
    raise exception 'forum_unknown_tag' using errcode = 'P0001';
  end if;
  if new.accepted_post_id is distinct from old.accepted_post_id and new.accepted_post_id is not null
     and not exists (select 1 from public.forum_posts p where p.id = new.accepted_post_id and p.topic_id = new.id
                     and p.post_number > 1 and p.status = 'published' and p.deleted_at is null) then
    raise exception 'forum_accept_invalid' using errcode = 'P0001';
  end if;
  if coalesce(auth.role(), '') in ('authenticated', 'anon') and not public.can_moderate_space(old.space_id)
     and (old.locked_at is not null or old.deleted_at is not null or old.status = 'hidden')
     and (new.title, new.tags) is distinct from (old.title, old.tags) then
    raise exception 'forum_topic_locked' using errcode = 'P0001';
  end if;
  if new.title is distinct from old.title and coalesce(auth.role(), '') = 'authenticated'
     and old.author_id is distinct from auth.uid() then
    insert into public.audit_log (actor_id, action, target_type, target_id, details)
    values (auth.uid(), 'forum.topic.retitled', 'forum_topic', old.id::text,
            jsonb_build_object('from', old.title, 'to', new.title, 'author_id', old.author_id));
  end if;
  if new.title is distinct from old.title then
    select id, body, body_text into first from public.forum_posts where topic_id = new.id and post_number = 1;
    -- One revision per edit: the post's body trigger already kept one in this transaction.
    if found and not exists (select 1 from public.forum_post_revisions r
                             where r.post_id = first.id and r.created_at = now()) then
      insert into public.forum_post_revisions (post_id, editor_id, title, body, body_text)
      values (first.id, auth.uid(), old.title, first.body, first.body_text);
    end if;
    update public.forum_posts set search_title = new.title where id = first.id;
  end if;
  return new;
end
$$;
create trigger forum_topics_before_update before update on public.forum_topics
  for each row execute function public.forum_topics_before_update();

alter table public.forum_topics enable row level security;
alter table public.forum_posts enable row level security;

-- Readers see published, undeleted content of spaces they may read; authors also
-- see their own held or deleted posts; moderators see everything in their spaces.
create policy forum_topics_select on public.forum_topics for select to anon, authenticated using (
  space_id = any ((select public.readable_space_ids())::uuid[])
  and ((status = 'published' and deleted_at is null)
       or author_id = (select auth.uid())
       or space_id = any ((select public.moderated_space_ids())::uuid[]))
);
create policy forum_topics_insert on public.forum_topics for insert to authenticated
  with check (author_id = (select auth.uid()) and public.forum_can_create_topic(category_id));
create policy forum_topics_update on public.forum_topics for update to authenticated
  using (author_id = (select auth.uid()) or public.can_moderate_space(space_id))
  with check (author_id = (select auth.uid()) or public.can_moderate_space(space_id));

create policy forum_posts_select on public.forum_posts for select to anon, authenticated using (
  space_id = any ((select public.readable_space_ids())::uuid[])
  and ((status = 'published' and deleted_at is null)
       or author_id = (select auth.uid())
       or space_id = any ((select public.moderated_space_ids())::uuid[]))
);
create policy forum_posts_insert on public.forum_posts for insert to authenticated
  with check (author_id = (select auth.uid()) and public.forum_can_reply(topic_id));
create policy forum_posts_update on public.forum_posts for update to authenticated
  using (author_id = (select auth.uid()) or public.can_moderate_space(space_id))
  with check (author_id = (select auth.uid()) or public.can_moderate_space(space_id));

grant select on public.forum_topics, public.forum_posts to anon, authenticated;
grant insert (category_id, author_id, title, tags, region_code) on public.forum_topics to authenticated;
grant update (title, tags, accepted_post_id) on public.forum_topics to authenticated;
grant insert (topic_id, author_id, reply_to_post_id, body, body_text) on public.forum_posts to authenticated;
grant update (body, body_text, deleted_at) on public.forum_posts to authenticated;
grant all on public.forum_topics, public.forum_posts to service_role;

-- ── Revisions (author and moderators read them) ──────────────────────────────
create table public.forum_post_revisions (
  id bigint generated always as identity primary key,
  post_id bigint not null references public.forum_posts (id) on delete cascade,
  editor_id uuid references public.profiles (id) on delete set null,
  title text,
  body jsonb not null,
  body_text text not null,
  created_at timestamptz not null default now()
);
create index forum_post_revisions_post_idx on public.forum_post_revisions (post_id, created_at desc);
alter table public.forum_post_revisions enable row level security;
create policy forum_post_revisions_select on public.forum_post_revisions for select to authenticated using (
  exists (select 1 from public.forum_posts p where p.id = post_id
          and (p.author_id = (select auth.uid()) or p.space_id = any ((select public.moderated_space_ids())::uuid[])))
);
grant select on public.forum_post_revisions to authenticated;
grant all on public.forum_post_revisions to service_role;

-- ── Reactions, bookmarks, drafts, read markers ───────────────────────────────
create table public.forum_reactions (
  post_id bigint not null references public.forum_posts (id) on delete cascade,
  user_id uuid not null references public.profiles (id) on delete cascade,
  kind text not null check (kind in ('like', 'thanks', 'helpful', 'support')),
  created_at timestamptz not null default now(),
  primary key (post_id, user_id, kind)
);
create index forum_reactions_user_idx on public.forum_reactions (user_id);
alter table public.forum_reactions enable row level security;
-- The post subquery runs under the posts' own policy: a reaction is visible with its post.
create policy forum_reactions_select on public.forum_reactions for select to anon, authenticated
  using (exists (select 1 from public.forum_posts p where p.id = post_id));
create policy forum_reactions_insert on public.forum_reactions for insert to authenticated
  with check (user_id = (select auth.uid()) and exists (
    select 1 from public.forum_posts p where p.id = post_id and p.status = 'published' and p.deleted_at is null
      and p.author_id is distinct from (select auth.uid())));
create policy forum_reactions_delete on public.forum_reactions for delete to authenticated
  using (user_id = (select auth.uid()));
grant select on public.forum_reactions to anon, authenticated;
grant insert (post_id, user_id, kind), delete on public.forum_reactions to authenticated;
grant all on public.forum_reactions to service_role;

create table public.forum_bookmarks (
  user_id uuid not null references public.profiles (id) on delete cascade,
  post_id bigint not null references public.forum_posts (id) on delete cascade,
  created_at timestamptz not null default now(),
  primary key (user_id, post_id)
);
alter table public.forum_bookmarks enable row level security;
create policy forum_bookmarks_select on public.forum_bookmarks for select to authenticated
  using (user_id = (select auth.uid()));
create policy forum_bookmarks_insert on public.forum_bookmarks for insert to authenticated
  with check (user_id = (select auth.uid()) and exists (select 1 from public.forum_posts p where p.id = post_id));
create policy forum_bookmarks_delete on public.forum_bookmarks for delete to authenticated
  using (user_id = (select auth.uid()));
grant select, delete on public.forum_bookmarks to authenticated;
grant insert (user_id, post_id) on public.forum_bookmarks to authenticated;
grant all on public.forum_bookmarks to service_role;

-- Server-side drafts: one per person and place (a new topic in a category, a reply in a topic).
create table public.forum_drafts (
  user_id uuid not null references public.profiles (id) on delete cascade,
  draft_key text not null check (draft_key ~ '^(topic:[0-9a-f-]{36}|reply:[0-9]{1,18})$'),
  title text check (char_length(title) <= 200),
  body jsonb not null check (jsonb_typeof(body) = 'object' and octet_length(body::text) <= 131072),
  updated_at timestamptz not null default now(),
  primary key (user_id, draft_key)
);
alter table public.forum_drafts enable row level security;
create policy forum_drafts_all on public.forum_drafts for all to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
grant select, insert, update, delete on public.forum_drafts to authenticated;
grant all on public.forum_drafts to service_role;

create table public.forum_topic_reads (
  user_id uuid not null references public.profiles (id) on delete cascade,
  topic_id bigint not null references public.forum_topics (id) on delete cascade,
  last_read_post_number int not null default 0,
  updated_at timestamptz not null default now(),
  primary key (user_id, topic_id)
);
alter table public.forum_topic_reads enable row level security;
create policy forum_topic_reads_all on public.forum_topic_reads for all to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
grant select, insert, update, delete on public.forum_topic_reads to authenticated;
grant all on public.forum_topic_reads to service_role;

-- ── Watching ─────────────────────────────────────────────────────────────────
-- watching: notified of every new post; tracking: unread counts only; normal:
-- notified when mentioned or replied to; muted: never notified.
create table public.forum_topic_watches (
  user_id uuid not null references public.profiles (id) on delete cascade,
  topic_id bigint not null references public.forum_topics (id) on delete cascade,
  level text not null check (level in ('watching', 'tracking', 'normal', 'muted')),
  -- 'auto' when set because the person started or replied to the topic.
  reason text not null default 'manual' check (reason in ('manual', 'auto')),
  updated_at timestamptz not null default now(),
  primary key (user_id, topic_id)
);
create index forum_topic_watches_topic_idx on public.forum_topic_watches (topic_id, level);
create table public.forum_category_watches (
  user_id uuid not null references public.profiles (id) on delete cascade,
  category_id uuid not null references public.forum_categories (id) on delete cascade,
  level text not null check (level in ('watching', 'tracking', 'normal', 'muted')),
  updated_at timestamptz not null default now(),
  primary key (user_id, category_id)
);
create index forum_category_watches_category_idx on public.forum_category_watches (category_id, level);
alter table public.forum_topic_watches enable row level security;
alter table public.forum_category_watches enable row level security;
create policy forum_topic_watches_all on public.forum_topic_watches for all to authenticated
  using (user_id = (select auth.uid()))
  with check (user_id = (select auth.uid()) and exists (select 1 from public.forum_topics t where t.id = topic_id));
create policy forum_category_watches_all on public.forum_category_watches for all to authenticated
  using (user_id = (select auth.uid()))
  with check (user_id = (select auth.uid()) and exists (select 1 from public.forum_categories c where c.id = category_id));
grant select, insert, update, delete on public.forum_topic_watches, public.forum_category_watches to authenticated;
grant all on public.forum_topic_watches, public.forum_category_watches to service_role;

-- Email for forum notifications: each event, a daily or weekly digest, or none.
create table public.forum_email_settings (
  user_id uuid primary key references public.profiles (id) on delete cascade,
  mode text not null default 'each' check (mode in ('each', 'daily', 'weekly', 'off')),
  digest_sent_at timestamptz,
  updated_at timestamptz not null default now()
);
alter table public.forum_email_settings enable row level security;
create policy forum_email_settings_all on public.forum_email_settings for all to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
grant select, insert, delete on public.forum_email_settings to authenticated;
grant update (mode, updated_at) on public.forum_email_settings to authenticated;
grant all on public.forum_email_settings to service_role;

-- ── Flags ────────────────────────────────────────────────────────────────────
create table public.forum_flags (
  id bigint generated always as identity primary key,
  post_id bigint not null references public.forum_posts (id) on delete cascade,
  reporter_id uuid references public.profiles (id) on delete set null,
  reason text not null check (reason in ('identifiable_info', 'inappropriate', 'stigmatizing', 'spam', 'off_topic', 'other')),
  note text check (char_length(note) <= 1000),
  status text not null default 'open' check (status in ('open', 'actioned', 'dismissed')),
  created_at timestamptz not null default now(),
  resolved_by uuid references public.profiles (id) on delete set null,
  resolved_at timestamptz,
  resolution_note text check (char_length(resolution_note) <= 1000)
);
create unique index forum_flags_one_open_idx on public.forum_flags (post_id, reporter_id) where status = 'open';
create index forum_flags_open_idx on public.forum_flags (created_at) where status = 'open';
create index forum_flags_reporter_idx on public.forum_flags (reporter_id, created_at desc);

create or replace function public.forum_flags_before_insert() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  recent int;
begin
  if coalesce(auth.role(), '') not in ('authenticated', 'anon') then return new; end if;
  select count(*) into recent from public.forum_flags f
   where f.reporter_id = auth.uid() and f.created_at > now() - interval '1 hour';
  if recent >= (case when public.forum_is_new_member() then 3 else 10 end) then
    raise exception 'forum_flag_rate_limited' using errcode = 'P0001';
  end if;
  new.status := 'open'; new.created_at := now();
  new.resolved_by := null; new.resolved_at := null; new.resolution_note := null;
  return new;
end
$$;
create trigger forum_flags_before_insert before insert on public.forum_flags
  for each row execute function public.forum_flags_before_insert();

alter table public.forum_flags enable row level security;
create policy forum_flags_select on public.forum_flags for select to authenticated using (
  reporter_id = (select auth.uid())
  or exists (select 1 from public.forum_posts p where p.id = post_id and p.space_id = any ((select public.moderated_space_ids())::uuid[]))
);
create policy forum_flags_insert on public.forum_flags for insert to authenticated with check (
  reporter_id = (select auth.uid())
  and exists (select 1 from public.forum_posts p where p.id = post_id and p.author_id is distinct from (select auth.uid()))
);
grant select on public.forum_flags to authenticated;
grant insert (post_id, reporter_id, reason, note) on public.forum_flags to authenticated;
grant all on public.forum_flags to service_role;

-- ── Moderation: one function per action, each checked and audited ─────────────
create or replace function public.forum_moderate_post(target bigint, act text, memo text default null)
returns void
language plpgsql security definer set search_path = ''
as $$
declare
  post record;
begin
  select id, topic_id, space_id, status, deleted_at, author_id into post from public.forum_posts where id = target;
  if not found or not public.can_moderate_space(post.space_id) then
    raise exception 'forum_forbidden' using errcode = 'P0001';
  end if;
  perform set_config('passerelle.forum_moderation', 'on', true);
  if act = 'hide' then
    update public.forum_posts set status = 'hidden', hidden_reason = left(memo, 500) where id = target;
  elsif act in ('restore', 'approve') then
    update public.forum_posts set status = 'published', hidden_reason = null, deleted_at = null, deleted_by = null where id = target;
  elsif act = 'delete' then
    update public.forum_posts set deleted_at = now(), deleted_by = auth.uid() where id = target;
  else
    raise exception 'forum_invalid_action' using errcode = 'P0001';
  end if;
  perform set_config('passerelle.forum_moderation', '', true);
  -- Acting on a post settles the flags raised on it.
  update public.forum_flags set status = case when act in ('restore', 'approve') then 'dismissed' else 'actioned' end,
         resolved_by = auth.uid(), resolved_at = now(), resolution_note = left(memo, 1000)
   where post_id = target and status = 'open';
  insert into public.audit_log (actor_id, action, target_type, target_id, details)
  values (auth.uid(), 'forum.post.' || act, 'forum_post', target::text,
          jsonb_build_object('topic_id', post.topic_id, 'author_id', post.author_id, 'note', memo));
end
$$;

create or replace function public.forum_moderate_topic(target bigint, act text, destination uuid default null, memo text default null)
returns void
language plpgsql security definer set search_path = ''
as $$
declare
  topic record;
  dest record;
begin
  select id, space_id, category_id into topic from public.forum_topics where id = target;
  if not found or not public.can_moderate_space(topic.space_id) then
    raise exception 'forum_forbidden' using errcode = 'P0001';
  end if;
  if act = 'lock' then update public.forum_topics set locked_at = now() where id = target;
  elsif act = 'unlock' then update public.forum_topics set locked_at = null where id = target;
  elsif act = 'pin' then update public.forum_topics set pinned_at = now() where id = target;
  elsif act = 'unpin' then update public.forum_topics set pinned_at = null where id = target;
  elsif act = 'move' then
    select c.id, c.space_id into dest from public.forum_categories c where c.id = destination and c.archived_at is null;
    if not found or not public.can_moderate_space(dest.space_id) then
      raise exception 'forum_forbidden' using errcode = 'P0001';
    end if;
    update public.forum_topics set category_id = dest.id, space_id = dest.space_id where id = target;
    update public.forum_posts set space_id = dest.space_id where topic_id = target;
    perform public.forum_refresh_category(topic.category_id);
    perform public.forum_refresh_category(dest.id);
  else
    raise exception 'forum_invalid_action' using errcode = 'P0001';
  end if;
  insert into public.audit_log (actor_id, action, target_type, target_id, details)
  values (auth.uid(), 'forum.topic.' || act, 'forum_topic', target::text,
          jsonb_build_object('from_category', topic.category_id, 'to_category', destination, 'note', memo));
end
$$;

-- Split: the chosen replies become a new topic (numbered again from 1) in a category
-- the moderator chooses; the first of them becomes its opening post.
create or replace function public.forum_split_topic(source bigint, post_ids bigint[], new_title text, destination uuid)
returns bigint
language plpgsql security definer set search_path = ''
as $$
declare
  topic record;
  dest record;
  first record;
  created bigint;
  n int := 0;
  p record;
begin
  select id, space_id, category_id into topic from public.forum_topics where id = source;
  if not found or not public.can_moderate_space(topic.space_id) then
    raise exception 'forum_forbidden' using errcode = 'P0001';
  end if;
  select c.id, c.space_id into dest from public.forum_categories c where c.id = destination and c.archived_at is null;
  if not found or not public.can_moderate_space(dest.space_id) then
    raise exception 'forum_forbidden' using errcode = 'P0001';
  end if;
  if cardinality(post_ids) = 0 or exists (
       select 1 from unnest(post_ids) as x(id)
       where not exists (select 1 from public.forum_posts fp where fp.id = x.id and fp.topic_id = source and fp.post_number > 1)) then
    raise exception 'forum_split_invalid' using errcode = 'P0001';
  end if;
  select id, author_id, created_at into first from public.forum_posts
   where id = any (post_ids) order by post_number limit 1;
  insert into public.forum_topics (category_id, space_id, author_id, title, status, created_at, last_posted_at, last_poster_id)
  values (dest.id, dest.space_id, first.author_id, new_title, 'published', first.created_at, first.created_at, first.author_id)
  returning id into created;
  -- Park the moved posts on negative numbers first: (topic_id, post_number) stays unique.
  perform set_config('passerelle.forum_moderation', 'on', true);
  update public.forum_posts set post_number = -post_number where id = any (post_ids);
  for p in select id from public.forum_posts where id = any (post_ids) order by post_number desc loop
    n := n + 1;
    update public.forum_posts
       set topic_id = created, space_id = dest.space_id, post_number = n, reply_to_post_id = null,
           search_title = case when n = 1 then new_title end
     where id = p.id;
  end loop;
  perform set_config('passerelle.forum_moderation', '', true);
  update public.forum_topics set highest_post_number = n where id = created;
  update public.forum_topics set accepted_post_id = null where id = source and accepted_post_id = any (post_ids);
  perform public.forum_refresh_topic(source);
  perform public.forum_refresh_topic(created);
  insert into public.audit_log (actor_id, action, target_type, target_id, details)
  values (auth.uid(), 'forum.topic.split', 'forum_topic', source::text,
          jsonb_build_object('new_topic_id', created, 'post_ids', to_jsonb(post_ids)));
  return created;
end
$$;

create or replace function public.forum_resolve_flag(target bigint, resolution text, memo text default null)
returns void
language plpgsql security definer set search_path = ''
as $$
declare
  flag record;
begin
  select f.id, p.space_id, f.post_id into flag from public.forum_flags f
    join public.forum_posts p on p.id = f.post_id where f.id = target and f.status = 'open';
  if not found or not public.can_moderate_space(flag.space_id) or resolution not in ('actioned', 'dismissed') then
    raise exception 'forum_forbidden' using errcode = 'P0001';
  end if;
  update public.forum_flags set status = resolution, resolved_by = auth.uid(), resolved_at = now(),
         resolution_note = left(memo, 1000) where id = target;
  insert into public.audit_log (actor_id, action, target_type, target_id, details)
  values (auth.uid(), 'forum.flag.' || resolution, 'forum_flag', target::text,
          jsonb_build_object('post_id', flag.post_id, 'note', memo));
end
$$;

create or replace function public.forum_sanction_member(target uuid, kind text, reason text, days int default null)
returns bigint
language plpgsql security definer set search_path = ''
as $$
declare
  created bigint;
begin
  if not public.has_role('moderator') or target = auth.uid()
     or kind not in ('warning', 'silence') or (kind = 'silence' and (days is null or days not between 1 and 365)) then
    raise exception 'forum_forbidden' using errcode = 'P0001';
  end if;
  -- A moderator cannot silence an admin.
  if exists (select 1 from public.user_roles r where r.user_id = target and r.role = 'admin') and not public.is_admin() then
    raise exception 'forum_forbidden' using errcode = 'P0001';
  end if;
  insert into public.forum_sanctions (user_id, kind, reason, ends_at, created_by)
  values (target, kind, reason, case when kind = 'silence' then now() + make_interval(days => days) end, auth.uid())
  returning id into created;
  insert into public.audit_log (actor_id, action, target_type, target_id, details)
  values (auth.uid(), 'forum.member.' || kind, 'profile', target::text,
          jsonb_build_object('reason', reason, 'days', days, 'sanction_id', created));
  return created;
end
$$;

create or replace function public.forum_lift_sanction(target bigint)
returns void
language plpgsql security definer set search_path = ''
as $$
declare
  sanction record;
begin
  select id, user_id into sanction from public.forum_sanctions where id = target and lifted_at is null;
  if not found or not public.has_role('moderator') then
    raise exception 'forum_forbidden' using errcode = 'P0001';
  end if;
  update public.forum_sanctions set lifted_at = now(), lifted_by = auth.uid() where id = target;
  insert into public.audit_log (actor_id, action, target_type, target_id, details)
  values (auth.uid(), 'forum.member.sanction_lifted', 'profile', sanction.user_id::text, jsonb_build_object('sanction_id', target));
end
$$;

-- ── Who is who in the forums ─────────────────────────────────────────────────
-- Profiles are private by default (directory opt-in). Authors' names are shown with
-- what they wrote: a card is returned for members in the directory, and for members
-- who wrote something the caller may read.
create or replace function public.forum_profile_cards(ids uuid[])
returns table (id uuid, display_name text, discipline text, region_code text, verified boolean)
language sql stable security definer set search_path = ''
as $$
  select p.id, p.display_name, p.discipline, p.region_code, p.verification_status = 'verified'
    from public.profiles p
   where p.id = any (ids)
     and (p.id = auth.uid()
          or (public.is_verified() and p.directory_opt_in and p.verification_status = 'verified')
          or public.is_admin()
          or exists (select 1 from public.forum_posts fp
                     where fp.author_id = p.id
                       and fp.space_id = any ((select public.readable_space_ids())::uuid[])
                       and fp.status = 'published' and fp.deleted_at is null))
$$;

-- @mention suggestions: members who can read the space, found by name (accents and
-- case ignored), among those whose name the caller may already see.
create or replace function public.forum_mention_candidates(query text, target_space uuid, max_rows int default 8)
returns table (id uuid, display_name text, discipline text)
language sql stable security definer set search_path = ''
as $$
  select p.id, p.display_name, p.discipline
    from public.profiles p
   where (public.is_verified() or public.is_admin())
     and public.can_read_space(target_space)
     and p.id <> auth.uid()
     and char_length(query) between 1 and 80
     and public.immutable_unaccent(lower(p.display_name)) like
         '%' || replace(replace(replace(public.immutable_unaccent(lower(query)), '\', '\\'), '%', '\%'), '_', '\_') || '%'
     and public.can_user_read_space(p.id, target_space)
     and ((p.directory_opt_in and p.verification_status = 'verified')
          or exists (select 1 from public.forum_posts fp where fp.author_id = p.id
                     and fp.space_id = any ((select public.readable_space_ids())::uuid[])
                     and fp.status = 'published' and fp.deleted_at is null))
   order by p.display_name
   limit least(greatest(max_rows, 1), 20)
$$;

-- The members a post may mention (the same rule as the suggestions), with their
-- current names: the server checks every mention of a post against it.
create or replace function public.forum_resolve_mentions(ids uuid[], target_space uuid)
returns table (id uuid, display_name text)
language sql stable security definer set search_path = ''
as $$
  select p.id, p.display_name
    from public.profiles p
   where p.id = any (ids)
     and auth.uid() is not null
     and public.can_read_space(target_space)
     and public.can_user_read_space(p.id, target_space)
     and (p.id = auth.uid()
          or (p.directory_opt_in and p.verification_status = 'verified')
          or exists (select 1 from public.forum_posts fp where fp.author_id = p.id
                     and fp.space_id = any ((select public.readable_space_ids())::uuid[])
                     and fp.status = 'published' and fp.deleted_at is null))
$$;

-- Names for the review queue: the authors and reporters of what a moderator handles
-- (new members included, who are in no directory), and sanctioned members.
create or replace function public.forum_moderation_names(ids uuid[])
returns table (id uuid, display_name text)
language sql stable security definer set search_path = ''
as $$
  select p.id, p.display_name
    from public.profiles p
   where p.id = any (ids)
     and (exists (select 1 from public.forum_posts fp
                  where fp.author_id = p.id and fp.space_id = any ((select public.moderated_space_ids())::uuid[]))
          or exists (select 1 from public.forum_flags f join public.forum_posts fp on fp.id = f.post_id
                     where f.reporter_id = p.id and fp.space_id = any ((select public.moderated_space_ids())::uuid[]))
          or (public.has_role('moderator') and exists (select 1 from public.forum_sanctions s where s.user_id = p.id)))
$$;

-- Search by author: ids of members whose name matches, among those whose name the
-- caller may already see (in the directory, or authors of what the caller may read).
create or replace function public.forum_authors_named(query text)
returns uuid[]
language sql stable security definer set search_path = ''
as $$
  select coalesce(array_agg(p.id), '{}'::uuid[]) from (
    select p.id from public.profiles p
     where char_length(query) between 1 and 80
       and public.immutable_unaccent(lower(p.display_name)) like
           '%' || replace(replace(replace(public.immutable_unaccent(lower(query)), '\', '\\'), '%', '\%'), '_', '\_') || '%'
       and ((public.is_verified() and p.directory_opt_in and p.verification_status = 'verified')
            or exists (select 1 from public.forum_posts fp where fp.author_id = p.id
                       and fp.space_id = any ((select public.readable_space_ids())::uuid[])
                       and fp.status = 'published' and fp.deleted_at is null))
     limit 50
  ) p
$$;

-- Search candidates. The text-search match (@@) and trigram similarity (<%) are not
-- leakproof, so under RLS PostgreSQL evaluates them after the policies, row by row,
-- and never uses their GIN indexes. This function runs the indexed lookups as owner
-- and applies the read rule itself (readable space, published, not deleted); the
-- caller then reads the rows through RLS again. Only the 500 most recent matches of a
-- query are ranked (a bounded cost for very common words), and titles are searched by
-- similarity (typos) only when the full text finds too little.
create or replace function public.forum_search_posts(
  q text, category_slug text default null, region text default null, tag text default null,
  authors uuid[] default null, from_date date default null, to_date date default null,
  max_rows int default 20, skip int default 0)
returns table (post_id bigint, score real)
language plpgsql stable security definer set search_path = ''
as $$
#variable_conflict use_column
declare
  readable uuid[] := public.readable_space_ids();
  tsq tsquery;
  plain text := public.immutable_unaccent(lower(coalesce(q, '')));
  wanted int := least(greatest(max_rows, 1), 101) + greatest(skip, 0);
  ids bigint[];
  scores real[];
begin
  if char_length(coalesce(q, '')) not between 2 and 200 then return; end if;
  tsq := websearch_to_tsquery('public.passerelle_fr', q) || websearch_to_tsquery('public.passerelle_en', q);
  if numnode(tsq) > 0 then
    -- Dynamic, so it is planned with the actual query: the planner then knows (from the
    -- index statistics) whether the words are rare (bitmap on the GIN index) or common
    -- (newest posts first, stopping at 500).
    execute $sql$
    select coalesce(array_agg(m.id), '{}'), coalesce(array_agg(m.score), '{}') from (
      select p.id, ts_rank_cd(p.search_vector, $1, 1) as score
        from public.forum_posts p
        join public.forum_topics t on t.id = p.topic_id
        join public.forum_categories cat on cat.id = t.category_id
       where p.search_vector @@ $1
         and p.status = 'published' and p.deleted_at is null and p.space_id = any ($2)
         and t.status = 'published' and t.deleted_at is null
         and ($3::date is null or p.created_at >= $3) and ($4::date is null or p.created_at < $4 + 1)
         and ($5::uuid[] is null or p.author_id = any ($5))
         and ($6::text is null or cat.slug = $6)
         and ($7::text is null or t.region_code = $7)
         and ($8::text is null or t.tags @> array[$8])
       order by p.id desc
       limit 500
    ) m $sql$
    into ids, scores
    using tsq, readable, from_date, to_date, authors, category_slug, region, tag;
  else
    ids := '{}';
    scores := '{}';
  end if;
  if coalesce(array_length(ids, 1), 0) < wanted and char_length(plain) >= 4 then
    perform set_config('pg_trgm.word_similarity_threshold', '0.4', true);
    select ids || coalesce(array_agg(f.id), '{}'), scores || coalesce(array_agg(f.score), '{}') into ids, scores from (
      select p.id, (extensions.word_similarity(plain, t.title_search) * 0.1)::real as score
        from public.forum_topics t
        join public.forum_posts p on p.topic_id = t.id and p.post_number = 1
        join public.forum_categories cat on cat.id = t.category_id
       where t.title_search operator(extensions.%>) plain
         and p.status = 'published' and p.deleted_at is null and p.space_id = any (readable)
         and t.status = 'published' and t.deleted_at is null
         and (from_date is null or p.created_at >= from_date) and (to_date is null or p.created_at < to_date + 1)
         and (authors is null or p.author_id = any (authors))
         and (category_slug is null or cat.slug = category_slug)
         and (region is null or t.region_code = region)
         and (tag is null or t.tags @> array[tag])
       limit 100
    ) f;
  end if;
  return query
    select c.id, max(c.score)::real
      from unnest(ids, scores) as c(id, score)
     group by c.id
     order by max(c.score) desc, c.id desc
     limit least(greatest(max_rows, 1), 101) offset greatest(skip, 0);
end
$$;

revoke all on function public.forum_is_silenced(uuid), public.forum_is_new_member(uuid), public.forum_can_create_topic(uuid),
  public.forum_can_reply(bigint), public.forum_refresh_topic(bigint), public.forum_refresh_category(uuid),
  public.forum_moderate_post(bigint, text, text), public.forum_moderate_topic(bigint, text, uuid, text),
  public.forum_split_topic(bigint, bigint[], text, uuid), public.forum_resolve_flag(bigint, text, text),
  public.forum_sanction_member(uuid, text, text, int), public.forum_lift_sanction(bigint),
  public.forum_profile_cards(uuid[]), public.forum_mention_candidates(text, uuid, int),
  public.forum_resolve_mentions(uuid[], uuid), public.forum_moderation_names(uuid[]), public.forum_authors_named(text),
  public.forum_search_posts(text, text, text, text, uuid[], date, date, int, int) from public;
grant execute on function public.forum_is_silenced(uuid), public.forum_is_new_member(uuid), public.forum_can_create_topic(uuid),
  public.forum_can_reply(bigint), public.forum_profile_cards(uuid[]), public.forum_authors_named(text),
  public.forum_search_posts(text, text, text, text, uuid[], date, date, int, int) to anon, authenticated, service_role;
grant execute on function public.forum_moderate_post(bigint, text, text), public.forum_moderate_topic(bigint, text, uuid, text),
  public.forum_split_topic(bigint, bigint[], text, uuid), public.forum_resolve_flag(bigint, text, text),
  public.forum_sanction_member(uuid, text, text, int), public.forum_lift_sanction(bigint),
  public.forum_mention_candidates(text, uuid, int), public.forum_resolve_mentions(uuid[], uuid), public.forum_moderation_names(uuid[])
  to authenticated, service_role;
grant execute on function public.forum_refresh_topic(bigint), public.forum_refresh_category(uuid) to service_role;

grant usage, select on all sequences in schema public to service_role;
