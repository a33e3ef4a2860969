-- Attestations (CPD hours) shared by mentoring and events, and the coordinator role.
--
--  attestations  one row per attestation issued to a member: its kind ('mentoring' or
--                'event'), the name and title printed on it (kept as issued: an attestation
--                is a record and must not change when a profile does), the hours, a random
--                verification code printed on the PDF, and details (jsonb) the issuing
--                capability prints (accrediting body, pairing dates…). source_key makes
--                issuing idempotent: one attestation per member per pairing or event.
--  verify_attestation(code)  the public check: a narrow security definer function that
--                returns only the name, title, hours, date and kind for one exact code, so
--                anonymous visitors never read the table itself.
--
-- Rows are written by app/modules/attestations (issueAttestation) on the system path,
-- after the issuing module checked the person is entitled to it.

-- Coordinators match mentors and mentees and see the programme's aggregate figures.
alter table public.user_roles drop constraint if exists user_roles_role_check;
alter table public.user_roles add constraint user_roles_role_check
  check (role in ('mentor', 'moderator', 'curator', 'coordinator', 'admin'));

create table public.attestations (
  id uuid primary key default gen_random_uuid(),
  kind text not null check (kind in ('mentoring', 'event')),
  member_id uuid not null references public.profiles (id) on delete cascade,
  member_name text not null check (char_length(member_name) between 1 and 120),
  title text not null check (char_length(title) between 1 and 300),
  hours numeric(6, 2) not null check (hours > 0 and hours <= 1000),
  issued_at timestamptz not null default now(),
  details jsonb not null default '{}'::jsonb check (jsonb_typeof(details) = 'object' and pg_column_size(details) <= 8192),
  -- Crockford base32, 20 characters in four groups (100 random bits): unguessable, easy to type.
  code text not null unique check (code ~ '^[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){3}$'),
  source_key text not null check (char_length(source_key) between 1 and 200),
  unique (member_id, source_key)
);
create index attestations_member_idx on public.attestations (member_id, issued_at desc);

alter table public.attestations enable row level security;
-- Each member reads their own; admins read all (support). Nobody writes through the
-- API: issuing happens on the system path.
create policy attestations_select_own on public.attestations for select to authenticated
  using (member_id = auth.uid() or public.is_admin());
grant select on public.attestations to authenticated;
grant select, insert, update, delete on public.attestations to service_role;

create or replace function public.verify_attestation(lookup_code text)
returns table (kind text, member_name text, title text, hours numeric, issued_at timestamptz)
language sql stable security definer set search_path = ''
as $$
  select a.kind, a.member_name, a.title, a.hours, a.issued_at
  from public.attestations a
  where lookup_code is not null and char_length(lookup_code) <= 40 and a.code = upper(lookup_code)
$$;
revoke all on function public.verify_attestation(text) from public;
grant execute on function public.verify_attestation(text) to anon, authenticated, service_role;

comment on table public.attestations is 'CPD attestations (mentoring hours, event attendance) with a public verification code.';
