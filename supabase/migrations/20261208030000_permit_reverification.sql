-- Professional permits are renewed every year. A member verified against a permit has
-- its expiry date here (set by the admin who verifies; the member submits the date on
-- her renewed permit). A daily job marks permits whose date has passed as lapsed: the
-- member keeps reading everything she could, but posting is refused by the database
-- (restrictive policies below) until an admin confirms the renewal, which clears it.
alter table public.verifications add column permit_expires_on date;
grant insert (permit_expires_on) on public.verifications to authenticated;

create table public.member_permits (
  user_id uuid primary key references public.profiles (id) on delete cascade,
  expires_on date not null,
  lapsed_at timestamptz,
  -- The member's renewal: the expiry date printed on the renewed permit, waiting for an admin.
  renewal_expires_on date check (renewal_expires_on is null or renewal_expires_on > expires_on),
  renewal_submitted_at timestamptz,
  -- The expiry each reminder was sent for: a reminder goes once per permit and threshold.
  reminded_30_for date,
  reminded_7_for date,
  updated_at timestamptz not null default now(),
  constraint member_permits_renewal_pair check ((renewal_expires_on is null) = (renewal_submitted_at is null))
);
create index member_permits_expires_idx on public.member_permits (expires_on) where lapsed_at is null;
create index member_permits_renewal_idx on public.member_permits (renewal_submitted_at) where renewal_submitted_at is not null;

alter table public.member_permits enable row level security;
create policy member_permits_select on public.member_permits for select to authenticated
  using (user_id = auth.uid() or public.is_admin());
-- The member writes only her renewal (column grant); the expiry and the lapse are the
-- admin's verification (trigger) and the daily job's (system path).
create policy member_permits_update on public.member_permits for update to authenticated
  using (user_id = auth.uid()) with check (user_id = auth.uid());
grant select on public.member_permits to authenticated;
grant update (renewal_expires_on, renewal_submitted_at) on public.member_permits to authenticated;
grant all on public.member_permits to service_role;

/** True when the signed-in member's permit has lapsed: she may read, not post. */
create or replace function public.permit_lapsed()
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.member_permits m
    where m.user_id = auth.uid() and m.lapsed_at is not null
  )
$$;
grant execute on function public.permit_lapsed() to authenticated, anon;

-- Posting in forums, cases, chat and events: refused while the permit is lapsed. Restrictive
-- policies are and-ed with each table's own, so every existing rule still applies. Updates
-- are refused only on the member's own rows (editing what she wrote); others' actions that
-- touch her rows (a reply counted on her topic) are not hers to refuse.
create policy forum_topics_permit_insert on public.forum_topics as restrictive for insert to authenticated
  with check (not public.permit_lapsed());
create policy forum_topics_permit_update on public.forum_topics as restrictive for update to authenticated
  using (author_id is distinct from auth.uid() or not public.permit_lapsed())
  with check (author_id is distinct from auth.uid() or not public.permit_lapsed());
create policy forum_posts_permit_insert on public.forum_posts as restrictive for insert to authenticated
  with check (not public.permit_lapsed());
create policy forum_posts_permit_update on public.forum_posts as restrictive for update to authenticated
  using (author_id is distinct from auth.uid() or not public.permit_lapsed())
  with check (author_id is distinct from auth.uid() or not public.permit_lapsed());
create policy cases_permit_insert on public.cases as restrictive for insert to authenticated
  with check (not public.permit_lapsed());
create policy cases_permit_update on public.cases as restrictive for update to authenticated
  using (author_id is distinct from auth.uid() or not public.permit_lapsed())
  with check (author_id is distinct from auth.uid() or not public.permit_lapsed());
create policy case_posts_permit_insert on public.case_posts as restrictive for insert to authenticated
  with check (not public.permit_lapsed());
create policy conversations_permit_insert on public.conversations as restrictive for insert to authenticated
  with check (not public.permit_lapsed());
create policy messages_permit_insert on public.messages as restrictive for insert to authenticated
  with check (not public.permit_lapsed());
create policy messages_permit_update on public.messages as restrictive for update to authenticated
  using (author_id is distinct from auth.uid() or not public.permit_lapsed())
  with check (author_id is distinct from auth.uid() or not public.permit_lapsed());
create policy event_questions_permit_insert on public.event_questions as restrictive for insert to authenticated
  with check (not public.permit_lapsed());
create policy events_permit_insert on public.events as restrictive for insert to authenticated
  with check (not public.permit_lapsed());

-- A verification with a permit date sets the permit (a first verification) or renews it
-- (the member had one): the lapse, the pending renewal and the reminders start over.
-- A revocation removes it (no permit to watch for someone not verified).
create or replace function public.apply_verification()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  previous public.member_permits;
begin
  update public.profiles
     set verification_status = case when new.decision = 'verified' then 'verified' else 'unverified' end,
         verified_at = case when new.decision = 'verified' then new.created_at else null end
   where id = new.user_id;
  select * into previous from public.member_permits where user_id = new.user_id;
  if new.decision = 'verified' and new.permit_expires_on is not null then
    insert into public.member_permits (user_id, expires_on)
    values (new.user_id, new.permit_expires_on)
    on conflict (user_id) do update
      set expires_on = excluded.expires_on, lapsed_at = null, renewal_expires_on = null,
          renewal_submitted_at = null, reminded_30_for = null, reminded_7_for = null, updated_at = now();
  elsif new.decision = 'revoked' then
    delete from public.member_permits where user_id = new.user_id;
  end if;
  if new.decision = 'verified' and previous.user_id is not null and new.permit_expires_on is not null then
    insert into public.audit_log (actor_id, action, target_type, target_id, details)
    values (new.verified_by, 'member.permit_renewed', 'profile', new.user_id::text,
            jsonb_build_object('method', new.method, 'note', new.note, 'expires_on', new.permit_expires_on,
                               'was_lapsed', previous.lapsed_at is not null));
  else
    insert into public.audit_log (actor_id, action, target_type, target_id, details)
    values (new.verified_by, 'member.' || new.decision, 'profile', new.user_id::text,
            -- The expiry only when one was recorded: other verifications read as before.
            jsonb_build_object('method', new.method, 'note', new.note)
              || case when new.permit_expires_on is null then '{}'::jsonb
                      else jsonb_build_object('expires_on', new.permit_expires_on) end);
  end if;
  return new;
end
$$;

-- The member's renewal (or its withdrawal) is in the audit log, in the same transaction.
create or replace function public.audit_permit_renewal()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.renewal_submitted_at is not distinct from old.renewal_submitted_at
     and new.renewal_expires_on is not distinct from old.renewal_expires_on then
    return new;
  end if;
  -- Only a member's own change is hers to record here; the trigger above and the daily job audit theirs.
  if auth.uid() is distinct from new.user_id then return new; end if;
  insert into public.audit_log (actor_id, action, target_type, target_id, details)
  values (auth.uid(), 'member.permit_renewal_submitted', 'profile', new.user_id::text,
          jsonb_build_object('expires_on', new.renewal_expires_on));
  return new;
end
$$;
create trigger member_permits_audit_renewal after update on public.member_permits
  for each row execute function public.audit_permit_renewal();

-- The incident register's entries and changes are audited in the same transaction as the
-- change itself (a trigger, since members cannot write the audit log).
create or replace function public.audit_privacy_incident()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  changed text[] := '{}';
begin
  if tg_op = 'INSERT' then
    insert into public.audit_log (actor_id, action, target_type, target_id, details)
    values (auth.uid(), 'privacy.incident_recorded', 'privacy_incident', new.id::text, '{}'::jsonb);
    return new;
  end if;
  if new.commission_notified_on is distinct from old.commission_notified_on then changed := array_append(changed, 'commission_notified_on'); end if;
  if new.people_notified_on is distinct from old.people_notified_on then changed := array_append(changed, 'people_notified_on'); end if;
  if new.measures is distinct from old.measures then changed := array_append(changed, 'measures'); end if;
  if cardinality(changed) = 0 then return new; end if;
  insert into public.audit_log (actor_id, action, target_type, target_id, details)
  values (auth.uid(), 'privacy.incident_updated', 'privacy_incident', new.id::text,
          jsonb_build_object('fields', to_jsonb(changed)));
  return new;
end
$$;
create trigger privacy_incidents_audit after insert or update on public.privacy_incidents
  for each row execute function public.audit_privacy_incident();
