-- The identifier guard recognises two more kinds: social insurance numbers (`sin`) and
-- room or bed numbers (`room_number`). An override may name them (a SIN whose Luhn digit
-- agrees never reaches this table: the server refuses to override it), so both override
-- tables accept the new kinds.
alter table public.case_identifier_overrides drop constraint case_identifier_overrides_kind_check;
alter table public.case_identifier_overrides add constraint case_identifier_overrides_kind_check
  check (kind in ('nam', 'record_number', 'phone', 'email', 'postal_code', 'date_of_birth', 'date',
    'address', 'age_over_89', 'sin', 'room_number', 'name'));

alter table public.identifier_overrides drop constraint identifier_overrides_kind_check;
alter table public.identifier_overrides add constraint identifier_overrides_kind_check
  check (kind in ('nam', 'record_number', 'phone', 'email', 'postal_code', 'date_of_birth', 'date',
    'address', 'age_over_89', 'sin', 'room_number', 'name'));
