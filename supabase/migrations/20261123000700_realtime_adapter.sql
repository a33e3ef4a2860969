-- The Socket.IO Postgres adapter (server/realtime/adapters.ts) stores payloads too
-- large for NOTIFY (8 000 bytes) in this table and sends only their id.
--
-- It is created here, by the migration role, because the app may log in as a role
-- that owns nothing and cannot create tables (rule 5, docs/architecture.md). Row-level security is
-- on with no policy and anon/authenticated get no grant: members can never read
-- other people's in-flight messages through the API. The adapter's pool switches
-- to service_role (bypassrls) when its login role may, and uses these grants.
create table if not exists public.socket_io_attachments (
  id         bigserial unique,
  created_at timestamptz default now(),
  payload    bytea
);
alter table public.socket_io_attachments enable row level security;
revoke all on table public.socket_io_attachments from public, anon, authenticated;
grant select, insert, delete on table public.socket_io_attachments to service_role;
grant usage, select on sequence public.socket_io_attachments_id_seq to service_role;
comment on table public.socket_io_attachments is
  'Socket.IO Postgres adapter: payloads over the NOTIFY limit, kept briefly. Server-only (service_role).';
