-- The identifier guard beyond cases: forum topics and replies, and chat messages, are
-- refused when they contain a possible patient identifier (the guard runs in the app,
-- app/modules/identifier-guard). An author who judges that a finding identifies no one
-- says so with a reason; this table keeps that override beside the text, for moderators.
--
--  identifier_overrides  exactly one (field, kind, matched text) of one forum post (a
--                topic's title is on its opening post) or one chat message, with a reason.
--                One table for every capability outside cases: a row names its subject
--                with exactly one of forum_post_id / message_id; the space or the
--                conversation is copied from the subject by a trigger so that policies
--                never join back. Cases keep case_identifier_overrides (their rules —
--                presenter's draft, case moderators — are the case's own).
--
-- Readable by its author and by the subject's moderators: the space's moderators for a
-- forum post (can_moderate_space), verified moderators for a chat message (those who
-- resolve chat reports). Nobody else, `anon` included. No update or delete grant: an
-- override cannot be rewritten after the fact; it goes when its post or message goes.

create table public.identifier_overrides (
  id bigint generated always as identity primary key,
  forum_post_id bigint references public.forum_posts (id) on delete cascade,
  message_id bigint references public.messages (id) on delete cascade,
  -- Set by the trigger from the subject (never trusted from the client).
  space_id uuid references public.spaces (id) on delete cascade,
  conversation_id uuid references public.conversations (id) on delete cascade,
  field text not null check (field ~ '^[a-zA-Z]{1,40}$'),
  kind text not null check (kind in ('nam', 'record_number', 'phone', 'email', 'postal_code', 'date_of_birth', 'date',
    'address', 'age_over_89', 'name')),
  match text not null check (char_length(match) between 1 and 200),
  reason text not null check (char_length(reason) between 5 and 300),
  author_id uuid not null default auth.uid() references public.profiles (id) on delete cascade,
  created_at timestamptz not null default now(),
  check (num_nonnulls(forum_post_id, message_id) = 1),
  check ((forum_post_id is null) = (space_id is null)),
  check ((message_id is null) = (conversation_id is null))
);
create index identifier_overrides_post_idx on public.identifier_overrides (forum_post_id, id) where forum_post_id is not null;
create index identifier_overrides_message_idx on public.identifier_overrides (message_id, id) where message_id is not null;
create index identifier_overrides_space_idx on public.identifier_overrides (space_id, created_at desc) where space_id is not null;
create index identifier_overrides_chat_recent_idx on public.identifier_overrides (created_at desc) where message_id is not null;

-- Who may write an override: whoever may write the text it lets through — the post's or
-- message's author, or a moderator of the post's space editing it. Fills space_id /
-- conversation_id from the subject.
create or replace function public.identifier_overrides_before_insert() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  subject_author uuid;
begin
  if new.forum_post_id is not null then
    select p.author_id, p.space_id into subject_author, new.space_id from public.forum_posts p where p.id = new.forum_post_id;
    if not found then raise exception 'no such post' using errcode = '23503'; end if;
    new.conversation_id := null;
    if auth.uid() is not null and subject_author is distinct from auth.uid() and not public.can_moderate_space(new.space_id) then
      raise exception 'not allowed to override on this post' using errcode = '42501';
    end if;
  else
    select m.author_id, m.conversation_id into subject_author, new.conversation_id from public.messages m where m.id = new.message_id;
    if not found then raise exception 'no such message' using errcode = '23503'; end if;
    new.space_id := null;
    if auth.uid() is not null and subject_author is distinct from auth.uid() then
      raise exception 'not allowed to override on this message' using errcode = '42501';
    end if;
  end if;
  return new;
end
$$;
create trigger identifier_overrides_before_insert before insert on public.identifier_overrides
  for each row execute function public.identifier_overrides_before_insert();

-- Who moderates an override's subject (policy helper; security definer like the others).
create or replace function public.can_moderate_identifier_override(post bigint, space uuid, message bigint) returns boolean
language sql stable security definer set search_path = ''
as $$
  select case
    when post is not null then public.can_moderate_space(space)
    when message is not null then public.is_verified() and public.has_role('moderator')
    else false
  end
$$;
revoke all on function public.can_moderate_identifier_override(bigint, uuid, bigint) from public;
grant execute on function public.can_moderate_identifier_override(bigint, uuid, bigint) to authenticated, service_role;

alter table public.identifier_overrides enable row level security;
create policy identifier_overrides_select on public.identifier_overrides for select to authenticated
  using (author_id = (select auth.uid()) or public.can_moderate_identifier_override(forum_post_id, space_id, message_id));
create policy identifier_overrides_insert on public.identifier_overrides for insert to authenticated
  with check (author_id = (select auth.uid()));
grant select, insert (forum_post_id, message_id, field, kind, match, reason, author_id) on public.identifier_overrides to authenticated;
grant all on public.identifier_overrides to service_role;

-- Overrides are part of the moderation record.
create or replace function public.audit_identifier_override() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  insert into public.audit_log (actor_id, action, target_type, target_id, details)
  values (new.author_id, 'identifier_override',
          case when new.forum_post_id is not null then 'forum_post' else 'message' end,
          coalesce(new.forum_post_id, new.message_id)::text,
          jsonb_build_object('override_id', new.id, 'field', new.field, 'kind', new.kind));
  return new;
end
$$;
create trigger identifier_overrides_audit after insert on public.identifier_overrides
  for each row execute function public.audit_identifier_override();
