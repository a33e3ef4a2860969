-- Foundation: reference data tables, people (profiles, private profile fields,
-- roles, verification, consents), the audit log, and the tables the embedded
-- (local) auth issuer and the mail outbox need. Written for Supabase: auth.users,
-- auth.uid(), roles anon / authenticated / service_role.

-- ── Reference data (facts, readable by everyone) ──────────────────────────────
create table public.regions (
  code text primary key check (code ~ '^[0-9]{2}$'),
  name_fr text not null,
  name_en text not null
);
create table public.disciplines (
  code text primary key,
  name_fr text not null,
  name_en text not null,
  -- Peer helpers and community workers belong to no professional order: a verified
  -- sponsor vouches for them instead of an admin checking a register.
  has_order boolean not null default false,
  verified_by_sponsor boolean not null default false,
  sort_order int not null default 0
);
create table public.professional_orders (
  code text primary key,
  name_fr text not null,
  disciplines text[] not null default '{}'
);
create table public.establishment_kinds (
  code text primary key,
  name_fr text not null,
  name_en text not null,
  sort_order int not null default 0
);
create table public.topics (
  code text primary key,
  name_fr text not null,
  name_en text not null,
  sort_order int not null default 0
);
create table public.organisations (
  code text primary key,
  name_fr text not null
);

alter table public.regions enable row level security;
alter table public.disciplines enable row level security;
alter table public.professional_orders enable row level security;
alter table public.establishment_kinds enable row level security;
alter table public.topics enable row level security;
alter table public.organisations enable row level security;

create policy regions_read on public.regions for select to anon, authenticated using (true);
create policy disciplines_read on public.disciplines for select to anon, authenticated using (true);
create policy professional_orders_read on public.professional_orders for select to anon, authenticated using (true);
create policy establishment_kinds_read on public.establishment_kinds for select to anon, authenticated using (true);
create policy topics_read on public.topics for select to anon, authenticated using (true);
create policy organisations_read on public.organisations for select to anon, authenticated using (true);

grant select on public.regions, public.disciplines, public.professional_orders,
  public.establishment_kinds, public.topics, public.organisations to anon, authenticated;
grant all on public.regions, public.disciplines, public.professional_orders,
  public.establishment_kinds, public.topics, public.organisations to service_role;

-- ── People ───────────────────────────────────────────────────────────────────
create table public.profiles (
  id uuid primary key references auth.users (id) on delete cascade,
  display_name text not null check (char_length(display_name) between 2 and 80),
  discipline text not null references public.disciplines (code),
  region_code text not null references public.regions (code),
  establishment text check (char_length(establishment) <= 160),
  establishment_kind text references public.establishment_kinds (code),
  languages text[] not null default '{fr}' check (cardinality(languages) between 1 and 8),
  topics text[] not null default '{}' check (cardinality(topics) <= 30),
  bio text check (char_length(bio) <= 2000),
  -- Law 25: the most private setting is the default; the directory is opt-in.
  directory_opt_in boolean not null default false,
  locale text not null default 'fr-CA' check (locale in ('fr-CA', 'en-CA')),
  verification_status text not null default 'unverified'
    check (verification_status in ('unverified', 'verified')),
  verified_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index profiles_directory_idx on public.profiles (display_name) where directory_opt_in;

-- Fields only the person and admins may read (an admin checks the permit number
-- against the order's public register before verifying).
create table public.profile_private (
  user_id uuid primary key references public.profiles (id) on delete cascade,
  contact_email text not null check (char_length(contact_email) <= 254),
  order_code text references public.professional_orders (code),
  permit_number text check (char_length(permit_number) <= 32),
  updated_at timestamptz not null default now()
);

create table public.user_roles (
  user_id uuid not null references public.profiles (id) on delete cascade,
  role text not null check (role in ('mentor', 'moderator', 'curator', 'admin')),
  granted_by uuid references public.profiles (id) on delete set null,
  granted_at timestamptz not null default now(),
  primary key (user_id, role)
);

create table public.verifications (
  id bigint generated always as identity primary key,
  user_id uuid not null references public.profiles (id) on delete cascade,
  decision text not null check (decision in ('verified', 'revoked')),
  method text not null check (method in ('order_register', 'admin_review', 'sponsor')),
  verified_by uuid not null references public.profiles (id) on delete restrict,
  note text not null check (char_length(note) between 3 and 1000),
  created_at timestamptz not null default now(),
  check (user_id <> verified_by)
);
create index verifications_user_idx on public.verifications (user_id, created_at desc);

-- Consent is separate, specific and recorded with the notice's version (Law 25).
-- Append-only: a withdrawal is a new row with granted = false.
create table public.consents (
  id bigint generated always as identity primary key,
  user_id uuid not null references public.profiles (id) on delete cascade,
  kind text not null check (kind in ('terms', 'privacy')),
  version text not null check (char_length(version) between 1 and 32),
  granted boolean not null,
  created_at timestamptz not null default now()
);
create index consents_user_idx on public.consents (user_id, kind, created_at desc);

create table public.audit_log (
  id bigint generated always as identity primary key,
  actor_id uuid references public.profiles (id) on delete set null,
  action text not null,
  target_type text not null,
  target_id text,
  details jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now()
);
create index audit_log_created_idx on public.audit_log (created_at desc);

-- ── Policy helpers: stable, security definer, fixed search_path, so policies stay
-- fast and never recurse through the tables they protect. ──────────────────────
create or replace function public.is_verified() returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (
    select 1 from public.profiles p
    where p.id = auth.uid() and p.verification_status = 'verified'
  )
$$;

-- Admin holds every role.
create or replace function public.has_role(wanted text) returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (
    select 1 from public.user_roles r
    where r.user_id = auth.uid() and (r.role = wanted or r.role = 'admin')
  )
$$;

create or replace function public.is_admin() returns boolean
language sql stable security definer set search_path = ''
as $$
  select public.has_role('admin')
$$;

-- Who may vouch for a peer helper or community worker: a verified mentor,
-- moderator or admin.
create or replace function public.can_vouch() returns boolean
language sql stable security definer set search_path = ''
as $$
  select public.is_verified()
    and (public.has_role('mentor') or public.has_role('moderator'))
$$;

-- Answers only for those who may vouch (or admins): otherwise anyone could probe
-- which profile ids belong to peer helpers.
create or replace function public.is_vouchable(target uuid) returns boolean
language sql stable security definer set search_path = ''
as $$
  select (public.can_vouch() or public.is_admin()) and coalesce((
    select d.verified_by_sponsor from public.profiles p
    join public.disciplines d on d.code = p.discipline
    where p.id = target
  ), false)
$$;

revoke all on function public.is_verified(), public.has_role(text), public.is_admin(),
  public.can_vouch(), public.is_vouchable(uuid) from public;
grant execute on function public.is_verified(), public.has_role(text), public.is_admin(),
  public.can_vouch(), public.is_vouchable(uuid) to anon, authenticated, service_role;

-- ── Triggers: derived state and the audit trail live in the database, so no code
-- path can change a role or a verification without leaving a trace. ───────────
create or replace function public.touch_updated_at() returns trigger
language plpgsql
as $$
begin
  new.updated_at := now();
  return new;
end
$$;
create trigger profiles_touch before update on public.profiles
  for each row execute function public.touch_updated_at();
create trigger profile_private_touch before update on public.profile_private
  for each row execute function public.touch_updated_at();

create or replace function public.audit_user_roles() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    insert into public.audit_log (actor_id, action, target_type, target_id, details)
    values (auth.uid(), 'role.granted', 'profile', new.user_id::text, jsonb_build_object('role', new.role));
    return new;
  else
    insert into public.audit_log (actor_id, action, target_type, target_id, details)
    values (auth.uid(), 'role.revoked', 'profile', old.user_id::text, jsonb_build_object('role', old.role));
    return old;
  end if;
end
$$;
create trigger user_roles_audit after insert or delete on public.user_roles
  for each row execute function public.audit_user_roles();

create or replace function public.apply_verification() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  update public.profiles
     set verification_status = case when new.decision = 'verified' then 'verified' else 'unverified' end,
         verified_at = case when new.decision = 'verified' then new.created_at else null end
   where id = new.user_id;
  insert into public.audit_log (actor_id, action, target_type, target_id, details)
  values (new.verified_by, 'member.' || new.decision, 'profile', new.user_id::text,
          jsonb_build_object('method', new.method, 'note', new.note));
  return new;
end
$$;
create trigger verifications_apply after insert on public.verifications
  for each row execute function public.apply_verification();

-- A verification vouches for what was checked: a new discipline, order or permit
-- needs a new check (a vouched-for peer helper must not become a "physician").
create or replace function public.reset_verification_on_change() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  target uuid;
begin
  if tg_table_name = 'profiles' then
    if new.discipline is not distinct from old.discipline then return new; end if;
    target := new.id;
    if new.verification_status = 'verified' then
      new.verification_status := 'unverified';
      new.verified_at := null;
    else
      return new;
    end if;
  else
    if new.order_code is not distinct from old.order_code
       and new.permit_number is not distinct from old.permit_number then
      return new;
    end if;
    target := new.user_id;
    update public.profiles set verification_status = 'unverified', verified_at = null
     where id = target and verification_status = 'verified';
    if not found then return new; end if;
  end if;
  insert into public.audit_log (actor_id, action, target_type, target_id, details)
  values (auth.uid(), 'member.unverified_by_change', 'profile', target::text,
          jsonb_build_object('table', tg_table_name));
  return new;
end
$$;
create trigger profiles_reset_verification before update on public.profiles
  for each row execute function public.reset_verification_on_change();
create trigger profile_private_reset_verification before update on public.profile_private
  for each row execute function public.reset_verification_on_change();

-- ── Row-level security ───────────────────────────────────────────────────────
alter table public.profiles enable row level security;
alter table public.profile_private enable row level security;
alter table public.user_roles enable row level security;
alter table public.verifications enable row level security;
alter table public.consents enable row level security;
alter table public.audit_log enable row level security;

create policy profiles_select on public.profiles for select to authenticated using (
  id = auth.uid()
  or public.is_admin()
  or (public.is_verified() and directory_opt_in and verification_status = 'verified')
  -- a sponsor needs to find the peer helper or community worker waiting for them
  or (public.can_vouch() and verification_status = 'unverified'
      and public.is_vouchable(id))
);
create policy profiles_insert on public.profiles for insert to authenticated
  with check (id = auth.uid() and verification_status = 'unverified');
create policy profiles_update on public.profiles for update to authenticated
  using (id = auth.uid()) with check (id = auth.uid());

create policy profile_private_select on public.profile_private for select to authenticated
  using (user_id = auth.uid() or public.is_admin());
create policy profile_private_insert on public.profile_private for insert to authenticated
  with check (user_id = auth.uid());
create policy profile_private_update on public.profile_private for update to authenticated
  using (user_id = auth.uid()) with check (user_id = auth.uid());

create policy user_roles_select on public.user_roles for select to authenticated
  using (user_id = auth.uid() or public.is_verified() or public.is_admin());
create policy user_roles_insert on public.user_roles for insert to authenticated
  with check (public.is_admin() and granted_by = auth.uid());
create policy user_roles_delete on public.user_roles for delete to authenticated
  using (public.is_admin() and not (user_id = auth.uid() and role = 'admin'));

create policy verifications_select on public.verifications for select to authenticated
  using (user_id = auth.uid() or verified_by = auth.uid() or public.is_admin());
create policy verifications_insert on public.verifications for insert to authenticated
  with check (
    verified_by = auth.uid()
    and user_id <> auth.uid()
    and (
      (public.is_admin() and method in ('order_register', 'admin_review'))
      or ((public.is_admin() or public.can_vouch())
          and method = 'sponsor' and decision = 'verified'
          and public.is_vouchable(user_id))
    )
  );

create policy consents_select on public.consents for select to authenticated
  using (user_id = auth.uid() or public.is_admin());
create policy consents_insert on public.consents for insert to authenticated
  with check (user_id = auth.uid());

create policy audit_log_select on public.audit_log for select to authenticated
  using (public.is_admin());

-- Column grants: a member edits their own profile but never their verification.
grant select on public.profiles to authenticated;
grant insert (id, display_name, discipline, region_code, establishment, establishment_kind,
  languages, topics, bio, directory_opt_in, locale) on public.profiles to authenticated;
grant update (display_name, discipline, region_code, establishment, establishment_kind,
  languages, topics, bio, directory_opt_in, locale) on public.profiles to authenticated;
grant select, insert on public.profile_private to authenticated;
grant update (contact_email, order_code, permit_number) on public.profile_private to authenticated;
grant select, insert, delete on public.user_roles to authenticated;
grant select on public.verifications to authenticated;
grant insert (user_id, decision, method, verified_by, note) on public.verifications to authenticated;
grant select on public.consents to authenticated;
grant insert (user_id, kind, version, granted) on public.consents to authenticated;
grant select on public.audit_log to authenticated;
grant all on public.profiles, public.profile_private, public.user_roles, public.verifications,
  public.consents, public.audit_log to service_role;
grant usage, select on all sequences in schema public to service_role;

-- ── Embedded auth issuer and mail: system tables (service_role only) ──────────
-- RLS on and no policy for anon/authenticated: only the named system path reads them.
create table public.auth_sessions (
  id text primary key,              -- sha-256 of the cookie token, never the token
  user_id uuid not null references auth.users (id) on delete cascade,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  user_agent text
);
create index auth_sessions_user_idx on public.auth_sessions (user_id);

create table public.password_reset_tokens (
  id text primary key,              -- sha-256 of the emailed token
  user_id uuid not null references auth.users (id) on delete cascade,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz
);

create table public.login_failures (
  email text primary key,
  failures int not null default 0,
  locked_until timestamptz,
  updated_at timestamptz not null default now()
);

create table public.outbox (
  id bigint generated always as identity primary key,
  to_email text not null,
  subject text not null,
  body_text text not null,
  kind text not null,
  created_at timestamptz not null default now(),
  sent_at timestamptz,
  attempts int not null default 0,
  last_error text
);
create index outbox_pending_idx on public.outbox (created_at) where sent_at is null;

alter table public.auth_sessions enable row level security;
alter table public.password_reset_tokens enable row level security;
alter table public.login_failures enable row level security;
alter table public.outbox enable row level security;
grant all on public.auth_sessions, public.password_reset_tokens, public.login_failures,
  public.outbox to service_role;
grant usage, select on all sequences in schema public to service_role;

-- ── Demo-visible content: public clinical tools and past events ─────────────
-- The tools and webinars capabilities extend these tables in their own migrations.
create table public.tools (
  id uuid primary key default gen_random_uuid(),
  title text not null check (char_length(title) between 3 and 300),
  publisher text check (char_length(publisher) <= 120),
  published_on text check (published_on ~ '^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$'),
  kind text not null,
  topics text[] not null default '{}',
  url text check (url ~ '^https?://'),
  status text not null default 'published' check (status in ('draft', 'in_review', 'published', 'archived')),
  created_at timestamptz not null default now()
);
create table public.events (
  id uuid primary key default gen_random_uuid(),
  title text not null check (char_length(title) between 3 and 300),
  kind text not null check (kind in ('webinar', 'managers_meeting', 'virtual_event', 'training', 'conference')),
  series text,
  starts_on date not null,
  start_time time,
  end_time time,
  topics text[] not null default '{}',
  created_at timestamptz not null default now()
);
alter table public.tools enable row level security;
alter table public.events enable row level security;
create policy tools_read_published on public.tools for select to anon, authenticated
  using (status = 'published' or public.has_role('curator'));
create policy events_read on public.events for select to anon, authenticated using (true);
grant select on public.tools, public.events to anon, authenticated;
grant all on public.tools, public.events to service_role;

-- Public counts for the home page: how many verified members and regions, never who.
create or replace function public.community_counts()
returns table (members int, regions int)
language sql stable security definer set search_path = ''
as $$
  select count(*)::int, count(distinct region_code)::int
  from public.profiles where verification_status = 'verified'
$$;
revoke all on function public.community_counts() from public;
grant execute on function public.community_counts() to anon, authenticated, service_role;
