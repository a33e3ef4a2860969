-- Optional consents (Law 25: consent specific to each purpose, withdrawable at any time).
-- Besides the terms and the privacy notice, the consents history records each optional
-- use a member turned on or off from the privacy page: being listed in the directory,
-- showing presence, notification and forum emails, being proposed by mentor matching.
-- The feature's own setting stays the source of truth; these rows say when and under
-- which notice version the member decided.
alter table public.consents drop constraint consents_kind_check;
alter table public.consents add constraint consents_kind_check
  check (kind in ('terms', 'privacy', 'directory', 'presence', 'notification_emails', 'forum_emails', 'mentor_matching'));
