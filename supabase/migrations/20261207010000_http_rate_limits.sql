-- The HTTP rate limits' counters when several app processes share one PostgreSQL
-- and no Redis is configured: one row per limiter and client address, counting the
-- hits of a fixed window that ends at reset_at. A row whose window has passed is
-- restarted by the next hit and swept now and then by the store.
--
-- Server-only table: row-level security is on with no policy, and anon and
-- authenticated get no grant. Only the system path reads and writes it.
create table public.http_rate_limits (
  key text primary key check (length(key) <= 300),
  hits integer not null check (hits >= 0),
  reset_at timestamptz not null
);
create index http_rate_limits_reset_at on public.http_rate_limits (reset_at);

alter table public.http_rate_limits enable row level security;
revoke all on table public.http_rate_limits from public, anon, authenticated;
grant select, insert, update, delete on table public.http_rate_limits to service_role;
