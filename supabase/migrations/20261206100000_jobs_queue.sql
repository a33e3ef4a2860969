-- One durable job queue for everything that runs later or on a schedule (mail
-- delivery, digests, reminders, retention). Decision 011 explains the design:
-- workers claim due rows with FOR UPDATE SKIP LOCKED and hold them under a lease;
-- a job whose worker died is claimed again once its lease has expired.
--
-- Server-only tables: row-level security is on with no policy, and anon and
-- authenticated get no grant. The admin page reads them through asSystem after
-- checking the admin role.
create table public.jobs (
  id bigint generated always as identity primary key,
  type text not null check (type ~ '^[a-z][a-z0-9_.:-]{0,63}$'),
  -- Scheduling the same key twice creates one job (e.g. "reminder for registration R at T").
  key text unique check (char_length(key) between 1 and 300),
  payload jsonb not null default '{}'::jsonb,
  state text not null default 'queued'
    check (state in ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
  run_at timestamptz not null default now(),
  attempts int not null default 0,
  max_attempts int not null default 5 check (max_attempts between 1 and 50),
  -- The worker holding the job and until when; past locked_until another worker may take it.
  locked_by text,
  locked_until timestamptz,
  last_error text,
  -- The recurring schedule that made this job, if any.
  schedule text,
  created_at timestamptz not null default now(),
  started_at timestamptz,
  finished_at timestamptz
);
create index jobs_due_idx on public.jobs (run_at, id) where state = 'queued';
create index jobs_lease_idx on public.jobs (locked_until) where state = 'running';
create index jobs_finished_idx on public.jobs (finished_at desc) where state in ('succeeded', 'failed', 'cancelled');

-- Every attempt: which worker ran it, when, and how it ended ('abandoned' when the
-- worker vanished and the lease ran out).
create table public.job_runs (
  id bigint generated always as identity primary key,
  job_id bigint not null references public.jobs (id) on delete cascade,
  attempt int not null,
  worker text not null,
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  outcome text check (outcome in ('succeeded', 'failed', 'abandoned')),
  error text
);
create index job_runs_job_idx on public.job_runs (job_id, attempt);
create index job_runs_started_idx on public.job_runs (started_at desc);

-- Recurring jobs: cron expressions evaluated in America/Toronto. The worker that
-- advances next_run_at (row lock, SKIP LOCKED) inserts the occurrence's job under the
-- key 'schedule:<name>:<instant>', so an occurrence runs once however many workers look.
create table public.job_schedules (
  name text primary key check (name ~ '^[a-z][a-z0-9_.:-]{0,63}$'),
  type text not null,
  cron text not null check (char_length(cron) <= 120),
  payload jsonb not null default '{}'::jsonb,
  next_run_at timestamptz not null,
  updated_at timestamptz not null default now()
);

alter table public.jobs enable row level security;
alter table public.job_runs enable row level security;
alter table public.job_schedules enable row level security;
revoke all on table public.jobs, public.job_runs, public.job_schedules from public, anon, authenticated;
grant select, insert, update, delete on table public.jobs, public.job_runs, public.job_schedules to service_role;
grant usage, select on sequence public.jobs_id_seq, public.job_runs_id_seq to service_role;
comment on table public.jobs is 'Durable job queue (decision 011). Server-only (service_role).';
