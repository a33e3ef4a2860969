-- A provisional re-verification date is ours, not the permit's: the member's real expiry
-- may fall on it (orders often renew on 31 March) or before it. So her renewal may give
-- any date after today, not only one after the provisional date.
alter table public.member_permits drop constraint member_permits_check;
alter table public.member_permits add constraint member_permits_renewal_later
  check (renewal_expires_on is null or provisional or renewal_expires_on > expires_on);

-- The mark also goes when an admin confirms a renewal that gives the same date (the
-- verification clears the pending renewal): that date is now read from her permit.
create or replace function public.member_permits_clear_provisional() returns trigger
  language plpgsql set search_path = ''
as $$
begin
  if new.expires_on is distinct from old.expires_on
     or (old.renewal_submitted_at is not null and new.renewal_submitted_at is null) then
    new.provisional := false;
  end if;
  return new;
end
$$;
