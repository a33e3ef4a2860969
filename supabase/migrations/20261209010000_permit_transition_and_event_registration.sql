-- Members verified before permits were recorded (decision 028) have no expiry: they would
-- never be asked to show a renewed permit. Each of them who was verified on a permit (the
-- order's register or an admin's review; a sponsor's vouching rests on no permit) gets a
-- re-verification due date, marked provisional: the next 31 March at least 60 days away
-- (the membership year most Québec orders renew on), so nobody is locked out on day one,
-- the 30- and 7-day reminders go out as for any permit, and the admins' queue lists them
-- from 30 days before. The next verification with a real date clears the mark (decision 031).
alter table public.member_permits add column provisional boolean not null default false;

-- The day a provisional re-verification falls due: the first 31 March on or after today + 60 days.
create function public.transition_permit_due(today date) returns date
  language sql immutable set search_path = ''
as $$ select make_date(extract(year from ((today + 60) - interval '3 months'))::int + 1, 3, 31) $$;

-- Gives every verified member on a permit without one a provisional due date; returns how many.
-- Run once below; idempotent (a member who has a permit row is left alone).
create function public.backfill_transition_permits(today date) returns integer
  language plpgsql set search_path = ''
as $$
declare
  n integer;
begin
  insert into public.member_permits (user_id, expires_on, provisional)
  select p.id, public.transition_permit_due(today), true
    from public.profiles p
   where p.verification_status = 'verified'
     and not exists (select 1 from public.member_permits m where m.user_id = p.id)
     and coalesce((select v.method from public.verifications v
                    where v.user_id = p.id and v.decision = 'verified'
                    order by v.created_at desc, v.id desc limit 1), 'admin_review') <> 'sponsor';
  get diagnostics n = row_count;
  return n;
end
$$;
revoke execute on function public.backfill_transition_permits(date) from public;
grant execute on function public.backfill_transition_permits(date) to service_role;

-- A real expiry recorded by a verification replaces the provisional date.
create function public.member_permits_clear_provisional() returns trigger
  language plpgsql set search_path = ''
as $$
begin
  if new.expires_on is distinct from old.expires_on then new.provisional := false; end if;
  return new;
end
$$;
create trigger member_permits_clear_provisional before update on public.member_permits
  for each row execute function public.member_permits_clear_provisional();

select public.backfill_transition_permits((now() at time zone 'America/Toronto')::date);

-- Registering for an event is a write: a member whose permit lapsed is read-only, and the
-- registration function (security definer, so the restrictive policies do not reach it)
-- says so itself. The app refuses first with its explanation page.
CREATE OR REPLACE FUNCTION public.event_register(target uuid)
 RETURNS text
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  me uuid := auth.uid();
  ev public.events;
  taken int;
  existing text;
  next_status text;
begin
  if me is null then raise exception 'event_sign_in_required' using errcode = 'P0001'; end if;
  -- A lapsed permit is read-only (decision 028): registering is a write like posting.
  if public.permit_lapsed() then raise exception 'event_permit_lapsed' using errcode = 'P0001'; end if;
  select * into ev from public.events e where e.id = target for update;
  if not found or not public.can_see_event(target) then raise exception 'event_not_found' using errcode = 'P0001'; end if;
  if ev.status = 'cancelled' then raise exception 'event_cancelled' using errcode = 'P0001'; end if;
  if ev.starts_at + make_interval(mins => ev.duration_minutes) <= now() then raise exception 'event_past' using errcode = 'P0001'; end if;
  if not ev.registration_open then raise exception 'event_closed' using errcode = 'P0001'; end if;
  select r.status into existing from public.event_registrations r where r.event_id = target and r.user_id = me;
  if existing in ('registered', 'waitlisted') then raise exception 'event_already_registered' using errcode = 'P0001'; end if;
  select count(*) into taken from public.event_registrations r where r.event_id = target and r.status = 'registered';
  next_status := case when ev.capacity is null or taken < ev.capacity then 'registered' else 'waitlisted' end;
  insert into public.event_registrations as r (event_id, user_id, status, waitlist_position)
    values (target, me, next_status, case when next_status = 'waitlisted' then (
      select coalesce(max(w.waitlist_position), 0) + 1 from public.event_registrations w where w.event_id = target) end)
    on conflict (event_id, user_id) do update set status = excluded.status,
      waitlist_position = excluded.waitlist_position, updated_at = now();
  return next_status;
end
$function$;
