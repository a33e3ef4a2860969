-- The register of confidentiality incidents (Law 25, s. 3.8 of the private-sector act and
-- its regulation): every incident involving personal information, with what the
-- regulation lists. Admins only (the person in charge of personal information acts as
-- an admin); each read and each entry is in the audit log (the module writes it).
create table public.privacy_incidents (
  id bigint generated always as identity primary key,
  description text not null check (char_length(description) between 3 and 4000),
  circumstances text not null check (char_length(circumstances) between 3 and 4000),
  occurred_from date not null,
  occurred_to date check (occurred_to is null or occurred_to >= occurred_from),
  discovered_on date not null check (discovered_on >= occurred_from),
  people_count integer not null check (people_count between 0 and 10000000),
  information_concerned text not null check (char_length(information_concerned) between 3 and 2000),
  serious_risk boolean not null,
  risk_assessment text not null check (char_length(risk_assessment) between 3 and 4000),
  commission_notified_on date check (commission_notified_on is null or commission_notified_on >= discovered_on),
  people_notified_on date check (people_notified_on is null or people_notified_on >= discovered_on),
  measures text not null check (char_length(measures) between 3 and 4000),
  recorded_by uuid references public.profiles (id) on delete set null,
  created_at timestamptz not null default now()
);
create index privacy_incidents_discovered_idx on public.privacy_incidents (discovered_on desc, id desc);

alter table public.privacy_incidents enable row level security;
create policy privacy_incidents_select on public.privacy_incidents for select to authenticated
  using (public.is_admin());
create policy privacy_incidents_insert on public.privacy_incidents for insert to authenticated
  with check (public.is_admin() and recorded_by = auth.uid());
create policy privacy_incidents_update on public.privacy_incidents for update to authenticated
  using (public.is_admin()) with check (public.is_admin());
grant select on public.privacy_incidents to authenticated;
grant insert (description, circumstances, occurred_from, occurred_to, discovered_on, people_count, information_concerned,
  serious_risk, risk_assessment, commission_notified_on, people_notified_on, measures, recorded_by)
  on public.privacy_incidents to authenticated;
grant update (commission_notified_on, people_notified_on, measures) on public.privacy_incidents to authenticated;
grant all on public.privacy_incidents to service_role;
