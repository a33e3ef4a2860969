-- Accounts: sign-in lockout per account AND source, one owner notice per lockout
-- episode, and confirmed email changes (embedded auth issuer; Supabase Auth keeps
-- its own state for both).
--
-- Lockout: counting failures per email alone let anyone lock anyone out (five wrong
-- passwords, and the owner — an admin too — was refused for 15 minutes whatever her
-- password). Failures now count per (email, source): the source is the client address
-- the server sees (see TRUST_PROXY), so a lock only stops the place that guessed.
-- Existing rows keep source '' (no address known) and expire as before.
alter table public.login_failures add column source text not null default ''
  check (char_length(source) <= 100);
alter table public.login_failures drop constraint login_failures_pkey;
alter table public.login_failures add primary key (email, source);

-- The owner is told once per episode that her account was locked somewhere: one row
-- per email, renewed at most once a day (and cleared by her next successful sign-in).
create table public.login_lock_notices (
  email text primary key,
  notified_at timestamptz not null default now()
);

-- A pending email change: the link goes to the NEW address and the change happens
-- only when it is opened and confirmed (a POST). Only the sha-256 of the token is kept.
create table public.email_change_tokens (
  id text primary key,
  user_id uuid not null references auth.users (id) on delete cascade,
  new_email text not null check (char_length(new_email) between 3 and 254),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz
);
create index email_change_tokens_user_idx on public.email_change_tokens (user_id);

-- Read and written only by the auth issuer, on the named system path: no policy.
alter table public.login_lock_notices enable row level security;
alter table public.email_change_tokens enable row level security;
grant all on public.login_lock_notices, public.email_change_tokens to service_role;
