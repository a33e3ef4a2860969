-- Mail attachments kept with the outbox row (calendar invitations: text/calendar),
-- so a retried delivery sends the same message.
alter table public.outbox add column attachments jsonb not null default '[]'::jsonb
  check (jsonb_typeof(attachments) = 'array' and pg_column_size(attachments) <= 65536);
