-- Forums follow-up: headers on outgoing mail.
--
-- Notification and digest emails carry RFC 8058 one-click unsubscribe headers
-- (List-Unsubscribe, List-Unsubscribe-Post), so a mail provider can unsubscribe
-- someone with one POST. The outbox keeps the headers of each message next to its
-- text; the worker hands them to nodemailer and /dev/mailbox shows them. Only
-- header names and values as text: an object of strings, small.
--
-- RLS stays on (foundation migration): the outbox is read and written only by the
-- system path (service_role).

alter table public.outbox
  add column headers jsonb not null default '{}'::jsonb;

alter table public.outbox
  add constraint outbox_headers_shape check (
    jsonb_typeof(headers) = 'object'
    and octet_length(headers::text) <= 4096
    and not jsonb_path_exists(headers, '$.* ? (@.type() != "string")')
  );
