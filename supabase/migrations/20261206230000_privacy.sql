-- Privacy (Law 25): export and deletion requests, and the foreign keys that let an
-- erased member's contributions stay without any link to them (decision 016).

-- A verification decision outlives the admin or sponsor who made it; when that
-- person is erased the decision stays, unattributed.
alter table public.verifications alter column verified_by drop not null;
alter table public.verifications drop constraint verifications_verified_by_fkey;
alter table public.verifications add constraint verifications_verified_by_fkey
  foreign key (verified_by) references public.profiles (id) on delete set null;

-- A case others replied to stays for them, unlinked from the erased presenter; so do
-- the erased member's posts in other people's cases.
alter table public.cases alter column author_id drop not null;
alter table public.cases drop constraint cases_author_id_fkey;
alter table public.cases add constraint cases_author_id_fkey
  foreign key (author_id) references public.profiles (id) on delete set null;
alter table public.case_posts alter column author_id drop not null;
alter table public.case_posts drop constraint case_posts_author_id_fkey;
alter table public.case_posts add constraint case_posts_author_id_fkey
  foreign key (author_id) references public.profiles (id) on delete set null;

-- One row per request. Export: produced by a job, a private zip in storage, valid
-- 7 days. Deletion: erased by a job after the grace period unless cancelled.
create table public.privacy_requests (
  id bigint generated always as identity primary key,
  user_id uuid not null references public.profiles (id) on delete cascade,
  kind text not null check (kind in ('export', 'deletion')),
  status text not null default 'pending' check (status in ('pending', 'ready', 'cancelled', 'done', 'failed', 'expired')),
  locale text not null default 'fr-CA' check (locale in ('fr-CA', 'en-CA')),
  created_at timestamptz not null default now(),
  due_at timestamptz not null default now(),
  completed_at timestamptz,
  expires_at timestamptz,
  storage_key text,
  byte_size integer
);
-- At most one pending export and one pending deletion per member.
create unique index privacy_requests_one_pending on public.privacy_requests (user_id, kind)
  where status = 'pending';
create index privacy_requests_user_idx on public.privacy_requests (user_id, created_at desc);

alter table public.privacy_requests enable row level security;
-- A member sees their own requests (and so their own export link); nobody else does,
-- admins included: the zip holds private fields. Writes go through the module.
create policy privacy_requests_select on public.privacy_requests for select to authenticated
  using (user_id = auth.uid());
grant select on public.privacy_requests to authenticated;
grant all on public.privacy_requests to service_role;
