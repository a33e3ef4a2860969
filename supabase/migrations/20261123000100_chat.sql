-- Chat: direct conversations, group conversations and channels (public to verified
-- members, or private by invitation), their messages, threads, reactions, reports
-- to moderators; plus two shared capabilities chat is the first to need:
-- notifications (one table for every module) and presence (last seen, visibility).
--
-- Membership lives here and RLS enforces it for every read and write; the server
-- also checks it on every socket event (rule 8 in docs/architecture.md). Limits are CHECK
-- constraints mirrored by named constants in app/modules/chat/limits.ts.

-- ── Conversations and members ────────────────────────────────────────────────
create table public.conversations (
  id uuid primary key default gen_random_uuid(),
  kind text not null check (kind in ('direct', 'group', 'channel')),
  -- 'verified': a public channel every verified member may join; 'members': by invitation.
  visibility text not null default 'members' check (visibility in ('members', 'verified')),
  title text check (char_length(btrim(title)) between 2 and 80),
  topic text check (char_length(topic) <= 280),
  region_code text references public.regions (code),
  -- A direct conversation is unique per pair: '<smaller uuid>:<larger uuid>'.
  direct_key text unique,
  created_by uuid references public.profiles (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check ((kind = 'direct') = (direct_key is not null)),
  check ((kind = 'direct') = (title is null)),
  check (visibility = 'members' or kind = 'channel'),
  check (region_code is null or kind = 'channel')
);

create table public.conversation_members (
  conversation_id uuid not null references public.conversations (id) on delete cascade,
  user_id uuid not null references public.profiles (id) on delete cascade,
  role text not null default 'member' check (role in ('owner', 'member')),
  added_by uuid references public.profiles (id) on delete set null,
  joined_at timestamptz not null default now(),
  -- Read position: everything up to this message id has been seen (receipts, unread counts).
  last_read_message_id bigint not null default 0 check (last_read_message_id >= 0),
  last_read_at timestamptz,
  primary key (conversation_id, user_id)
);
create index conversation_members_user_idx on public.conversation_members (user_id);

-- ── Messages ─────────────────────────────────────────────────────────────────
create table public.messages (
  id bigint generated always as identity primary key,
  conversation_id uuid not null references public.conversations (id) on delete cascade,
  author_id uuid references public.profiles (id) on delete set null,
  -- Chosen by the sender's client; a retry carries the same one (exactly-once delivery).
  client_id uuid not null,
  -- Thread replies point at a top-level message of the same conversation.
  parent_id bigint,
  -- Plain text (links and @mentions are recognised when rendered; never HTML).
  body text not null,
  mentions uuid[] not null default '{}' check (cardinality(mentions) <= 20),
  created_at timestamptz not null default now(),
  edited_at timestamptz,
  deleted_at timestamptz,
  removed_at timestamptz,
  removed_by uuid references public.profiles (id) on delete set null,
  reply_count int not null default 0 check (reply_count >= 0),
  last_reply_at timestamptz,
  -- Moves on every change (edit, deletion, removal, reaction, reply): the sync cursor.
  updated_at timestamptz not null default now(),
  unique (author_id, client_id),
  unique (conversation_id, id),
  foreign key (conversation_id, parent_id) references public.messages (conversation_id, id) on delete cascade,
  -- A deleted or removed message keeps its place (threads, order) but loses its text.
  check (
    (deleted_at is null and removed_at is null and char_length(body) <= 4000 and char_length(btrim(body)) >= 1)
    or ((deleted_at is not null or removed_at is not null) and body = '')
  )
);
create index messages_parent_idx on public.messages (parent_id, id) where parent_id is not null;
create index messages_updated_idx on public.messages (conversation_id, updated_at);
create index messages_author_idx on public.messages (author_id);

create table public.message_reactions (
  conversation_id uuid not null,
  message_id bigint not null,
  user_id uuid not null references public.profiles (id) on delete cascade,
  emoji text not null check (emoji in ('👍', '❤️', '🙏', '👏', '😊', '✅', '👀')),
  created_at timestamptz not null default now(),
  primary key (message_id, user_id, emoji),
  foreign key (conversation_id, message_id) references public.messages (conversation_id, id) on delete cascade
);

create table public.message_reports (
  id bigint generated always as identity primary key,
  conversation_id uuid not null,
  message_id bigint not null,
  reporter_id uuid not null references public.profiles (id) on delete cascade,
  reason text not null check (char_length(btrim(reason)) between 3 and 1000),
  -- What the moderator reviews: the text as it was reported (set by a trigger, never by the client).
  author_id uuid references public.profiles (id) on delete set null,
  body_snapshot text not null default '',
  status text not null default 'open' check (status in ('open', 'dismissed', 'removed')),
  resolved_by uuid references public.profiles (id) on delete set null,
  resolved_at timestamptz,
  created_at timestamptz not null default now(),
  unique (message_id, reporter_id),
  foreign key (conversation_id, message_id) references public.messages (conversation_id, id) on delete cascade
);
create index message_reports_open_idx on public.message_reports (created_at) where status = 'open';

-- ── Presence (shared): last live connection, and whether others may see it ──
create table public.presence (
  user_id uuid primary key references public.profiles (id) on delete cascade,
  -- Law 25: the most private setting is the default; a member turns presence on.
  visible boolean not null default false,
  -- Written by the realtime server (system path) while the person has a socket open.
  last_seen_at timestamptz
);

-- ── Notifications (shared by every module) ───────────────────────────────────
create table public.notifications (
  id bigint generated always as identity primary key,
  user_id uuid not null references public.profiles (id) on delete cascade,
  -- '<module>.<name>', e.g. 'chat.direct'; its text is the i18n key '<module>.notificationKinds.<name>'.
  kind text not null check (kind ~ '^[a-z_]+\.[a-z_]+$' and char_length(kind) <= 64),
  payload jsonb not null default '{}'::jsonb check (jsonb_typeof(payload) = 'object' and pg_column_size(payload) <= 4096),
  -- Repeated events collapse into one unread notification with the same key (count goes up).
  dedupe_key text check (char_length(dedupe_key) <= 200),
  count int not null default 1 check (count >= 1),
  created_at timestamptz not null default now(),
  read_at timestamptz,
  emailed_at timestamptz
);
create index notifications_user_idx on public.notifications (user_id, created_at desc);
create unique index notifications_dedupe_idx on public.notifications (user_id, dedupe_key)
  where read_at is null and dedupe_key is not null;
create index notifications_email_idx on public.notifications (created_at)
  where read_at is null and emailed_at is null;

create table public.notification_settings (
  user_id uuid primary key references public.profiles (id) on delete cascade,
  -- Email unread notifications after this many minutes offline; null: never.
  email_delay_minutes int default 15 check (email_delay_minutes in (15, 60, 240, 1440)),
  updated_at timestamptz not null default now()
);

-- ── Helpers for policies: stable, security definer, fixed search_path ────────
create or replace function public.is_conversation_member(conv uuid) returns boolean
language sql stable security definer set search_path = ''
as $$
  select public.is_verified() and exists (
    select 1 from public.conversation_members m
    where m.conversation_id = conv and m.user_id = (select auth.uid())
  )
$$;

-- The caller's conversations, for policies: `conversation_id in (select …)` runs once
-- per statement (a hashed subplan) where a per-row function call would run per row.
create or replace function public.my_conversation_ids() returns setof uuid
language sql stable security definer set search_path = ''
as $$
  select m.conversation_id from public.conversation_members m
   where m.user_id = (select auth.uid()) and public.is_verified()
$$;

-- Owner of a group or private channel; moderators manage public channels.
create or replace function public.can_manage_conversation(conv uuid) returns boolean
language sql stable security definer set search_path = ''
as $$
  select public.is_verified() and exists (
    select 1 from public.conversations c
    where c.id = conv and c.kind <> 'direct' and (
      exists (select 1 from public.conversation_members m
              where m.conversation_id = conv and m.user_id = (select auth.uid()) and m.role = 'owner')
      or (c.kind = 'channel' and c.visibility = 'verified' and public.has_role('moderator'))
    )
  )
$$;

-- Who may be added to a conversation, by whom, with which role.
create or replace function public.may_add_conversation_member(conv uuid, member uuid, member_role text) returns boolean
language plpgsql stable security definer set search_path = ''
as $$
declare
  c public.conversations;
  me uuid := (select auth.uid());
  members int;
begin
  if me is null or not public.is_verified() then return false; end if;
  -- Only verified members take part in chat.
  if not exists (select 1 from public.profiles p where p.id = member and p.verification_status = 'verified') then
    return false;
  end if;
  select * into c from public.conversations where id = conv;
  if not found then return false; end if;
  select count(*) into members from public.conversation_members where conversation_id = conv;
  if c.kind = 'direct' then
    return member_role = 'member' and members < 2
      and me::text in (split_part(c.direct_key, ':', 1), split_part(c.direct_key, ':', 2))
      and member::text in (split_part(c.direct_key, ':', 1), split_part(c.direct_key, ':', 2));
  end if;
  if c.kind = 'group' and members >= 50 then return false; end if;
  -- The creator claims a new conversation as its owner.
  if member = me and member_role = 'owner' then
    return c.created_by = me and members = 0;
  end if;
  if member_role <> 'member' then return false; end if;
  -- Anyone verified joins a public channel by themselves.
  if member = me and c.kind = 'channel' and c.visibility = 'verified' then return true; end if;
  -- Otherwise an invitation by whoever manages the conversation.
  return public.can_manage_conversation(conv);
end
$$;

-- Leaving (not a direct conversation), or removal by whoever manages it.
create or replace function public.may_remove_conversation_member(conv uuid, member uuid) returns boolean
language sql stable security definer set search_path = ''
as $$
  select public.is_verified() and exists (select 1 from public.conversations c where c.id = conv and c.kind <> 'direct')
    and (member = (select auth.uid()) or public.can_manage_conversation(conv))
$$;

-- Display names of the people the caller shares a conversation with (as a member or
-- an author in it). The directory stays opt-in: this never reveals more than a name.
create or replace function public.chat_profiles(ids uuid[]) returns table (id uuid, display_name text)
language sql stable security definer set search_path = ''
as $$
  select p.id, p.display_name
    from public.profiles p
   where p.id = any(ids)
     and public.is_verified()
     and (
       p.id = (select auth.uid())
       or exists (
         select 1 from public.conversation_members mine
         join public.conversation_members theirs on theirs.conversation_id = mine.conversation_id
         where mine.user_id = (select auth.uid()) and theirs.user_id = p.id)
       or exists (
         select 1 from public.messages m
         join public.conversation_members mine on mine.conversation_id = m.conversation_id and mine.user_id = (select auth.uid())
         where m.author_id = p.id)
     )
$$;

-- Verified people the caller may start a conversation with: those in the directory
-- and those they already share a conversation with.
create or replace function public.chat_find_people(q text, max_rows int) returns table (id uuid, display_name text)
language sql stable security definer set search_path = ''
as $$
  select p.id, p.display_name
    from public.profiles p
   where public.is_verified()
     and p.verification_status = 'verified'
     and p.id <> (select auth.uid())
     and (q is null or p.display_name ilike '%' || replace(replace(replace(q, '\', '\\'), '%', '\%'), '_', '\_') || '%')
     and (
       p.directory_opt_in
       or exists (
         select 1 from public.conversation_members mine
         join public.conversation_members theirs on theirs.conversation_id = mine.conversation_id
         where mine.user_id = (select auth.uid()) and theirs.user_id = p.id)
     )
   order by p.display_name
   limit least(greatest(max_rows, 1), 50)
$$;

revoke all on function public.my_conversation_ids(), public.is_conversation_member(uuid), public.can_manage_conversation(uuid),
  public.may_add_conversation_member(uuid, uuid, text), public.may_remove_conversation_member(uuid, uuid),
  public.chat_profiles(uuid[]), public.chat_find_people(text, int) from public;
grant execute on function public.my_conversation_ids(), public.is_conversation_member(uuid), public.can_manage_conversation(uuid),
  public.may_add_conversation_member(uuid, uuid, text), public.may_remove_conversation_member(uuid, uuid),
  public.chat_profiles(uuid[]), public.chat_find_people(text, int) to authenticated, service_role;

-- ── Triggers: derived state the client never writes ───────────────────────────
create trigger conversations_touch before update on public.conversations
  for each row execute function public.touch_updated_at();

-- Members move their read position forward only.
create or replace function public.conversation_members_read_forward() returns trigger
language plpgsql
as $$
begin
  if new.last_read_message_id < old.last_read_message_id then
    new.last_read_message_id := old.last_read_message_id;
  end if;
  if new.last_read_message_id <> old.last_read_message_id then
    new.last_read_at := now();
  end if;
  return new;
end
$$;
create trigger conversation_members_read_forward before update on public.conversation_members
  for each row execute function public.conversation_members_read_forward();

-- When the owner leaves a group or private channel, the longest-standing member takes over.
create or replace function public.conversation_members_pass_ownership() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  if old.role = 'owner' and not exists (
    select 1 from public.conversation_members where conversation_id = old.conversation_id and role = 'owner'
  ) then
    update public.conversation_members set role = 'owner'
     where (conversation_id, user_id) = (
       select conversation_id, user_id from public.conversation_members
        where conversation_id = old.conversation_id order by joined_at, user_id limit 1);
  end if;
  return old;
end
$$;
create trigger conversation_members_pass_ownership after delete on public.conversation_members
  for each row execute function public.conversation_members_pass_ownership();

-- New message: threads stay one level deep; the parent counts its replies (after the
-- insert: a retried message that hits ON CONFLICT DO NOTHING must not count twice).
create or replace function public.messages_before_insert() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  if new.parent_id is not null and exists (
    select 1 from public.messages p where p.id = new.parent_id and p.parent_id is not null
  ) then
    raise exception 'a thread reply cannot have replies' using errcode = 'check_violation';
  end if;
  new.updated_at := now();
  return new;
end
$$;
create trigger messages_before_insert before insert on public.messages
  for each row execute function public.messages_before_insert();

create or replace function public.messages_count_reply() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  update public.messages
     set reply_count = reply_count + 1, last_reply_at = new.created_at, updated_at = now()
   where id = new.parent_id;
  return null;
end
$$;
create trigger messages_count_reply after insert on public.messages
  for each row when (new.parent_id is not null) execute function public.messages_count_reply();

-- Edits and deletions by the author: a deleted or removed message stays so, and
-- deleting erases the text.
create or replace function public.messages_before_update() returns trigger
language plpgsql
as $$
begin
  if current_user = 'authenticated' then
    if old.deleted_at is not null or old.removed_at is not null then
      raise exception 'this message was deleted or removed' using errcode = 'check_violation';
    end if;
    if new.deleted_at is not null then
      new.deleted_at := now();
      new.body := '';
      new.mentions := '{}';
    elsif new.body is distinct from old.body then
      new.edited_at := now();
    end if;
  end if;
  new.updated_at := now();
  return new;
end
$$;
create trigger messages_before_update before update on public.messages
  for each row execute function public.messages_before_update();

-- A reaction moves the message's sync cursor (reactions are part of what a backfill returns).
create or replace function public.message_reactions_touch() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  update public.messages set updated_at = now() where id = coalesce(new.message_id, old.message_id);
  return null;
end
$$;
create trigger message_reactions_touch after insert or delete on public.message_reactions
  for each row execute function public.message_reactions_touch();

-- The report keeps what was reported, for the moderator.
create or replace function public.message_reports_snapshot() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  m public.messages;
begin
  select * into m from public.messages where id = new.message_id and conversation_id = new.conversation_id;
  if not found or m.deleted_at is not null or m.removed_at is not null then
    raise exception 'this message cannot be reported' using errcode = 'check_violation';
  end if;
  new.author_id := m.author_id;
  new.body_snapshot := m.body;
  new.status := 'open';
  new.resolved_by := null;
  new.resolved_at := null;
  return new;
end
$$;
create trigger message_reports_snapshot before insert on public.message_reports
  for each row execute function public.message_reports_snapshot();

create trigger notification_settings_touch before update on public.notification_settings
  for each row execute function public.touch_updated_at();

-- ── Moderation: removal of a reported message, always audited ────────────────
create or replace function public.moderate_message_report(report bigint, decision text, note text)
returns table (conversation_id uuid, message_id bigint)
language plpgsql volatile security definer set search_path = ''
as $$
#variable_conflict use_column
declare
  r public.message_reports;
begin
  if not (public.is_verified() and public.has_role('moderator')) then
    raise exception 'only moderators resolve reports' using errcode = 'insufficient_privilege';
  end if;
  if decision not in ('removed', 'dismissed') then
    raise exception 'unknown decision' using errcode = 'check_violation';
  end if;
  if note is null or char_length(btrim(note)) < 3 or char_length(note) > 1000 then
    raise exception 'a note of 3 to 1000 characters is required' using errcode = 'check_violation';
  end if;
  select * into r from public.message_reports where id = report for update;
  if not found then
    raise exception 'no such report' using errcode = 'no_data_found';
  end if;
  if r.status <> 'open' then
    raise exception 'report already resolved' using errcode = 'check_violation';
  end if;
  if decision = 'removed' then
    update public.messages
       set removed_at = now(), removed_by = (select auth.uid()), body = '', mentions = '{}'
     where id = r.message_id and removed_at is null;
    -- Every open report of that message is settled by the removal.
    update public.message_reports set status = 'removed', resolved_by = (select auth.uid()), resolved_at = now()
     where message_reports.message_id = r.message_id and status = 'open';
  else
    update public.message_reports set status = 'dismissed', resolved_by = (select auth.uid()), resolved_at = now()
     where id = report;
  end if;
  insert into public.audit_log (actor_id, action, target_type, target_id, details)
  values ((select auth.uid()), case when decision = 'removed' then 'chat.message_removed' else 'chat.report_dismissed' end,
          'chat_message', r.message_id::text,
          jsonb_build_object('conversation_id', r.conversation_id, 'report_id', r.id, 'author_id', r.author_id,
                             'reason', r.reason, 'note', note));
  return query select r.conversation_id, r.message_id;
end
$$;
revoke all on function public.moderate_message_report(bigint, text, text) from public;
grant execute on function public.moderate_message_report(bigint, text, text) to authenticated, service_role;

-- ── Chat notifications: a direct message, a mention ──────────────────────────
-- Self-authorising (callable by the author of a message just sent, nothing else),
-- so it is safe to expose (Supabase's data API exposes functions to members).
create or replace function public.notify_chat_message(message bigint)
returns table (id bigint, user_id uuid, kind text, payload jsonb, count int, created_at timestamptz, inserted boolean)
language plpgsql volatile security definer set search_path = ''
as $$
#variable_conflict use_column
declare
  m public.messages;
  c public.conversations;
  actor text;
begin
  select * into m from public.messages where messages.id = message;
  if not found or m.author_id is distinct from (select auth.uid()) or m.created_at < now() - interval '5 minutes'
     or m.deleted_at is not null or m.removed_at is not null then
    return;
  end if;
  select * into c from public.conversations where conversations.id = m.conversation_id;
  select p.display_name into actor from public.profiles p where p.id = m.author_id;

  if c.kind = 'direct' then
    return query
      insert into public.notifications as n (user_id, kind, payload, dedupe_key)
      select cm.user_id, 'chat.direct',
             jsonb_build_object('conversationId', c.id, 'messageId', m.id, 'actorName', actor, 'url', '/chat/' || c.id),
             'chat.direct:' || c.id
        from public.conversation_members cm
       where cm.conversation_id = c.id and cm.user_id <> m.author_id
      on conflict (user_id, dedupe_key) where read_at is null and dedupe_key is not null
      do update set count = n.count + 1, payload = excluded.payload, created_at = now()
      returning n.id, n.user_id, n.kind, n.payload, n.count, n.created_at, (n.count = 1);
  else
    return query
      insert into public.notifications as n (user_id, kind, payload, dedupe_key)
      select cm.user_id, 'chat.mention',
             jsonb_build_object('conversationId', c.id, 'messageId', m.id, 'actorName', actor,
                                'title', c.title, 'url', '/chat/' || c.id || '#message-' || m.id),
             'chat.mention:' || m.id
        from public.conversation_members cm
       where cm.conversation_id = c.id and cm.user_id <> m.author_id and cm.user_id = any(m.mentions)
      on conflict (user_id, dedupe_key) where read_at is null and dedupe_key is not null do nothing
      returning n.id, n.user_id, n.kind, n.payload, n.count, n.created_at, true;
  end if;
end
$$;
revoke all on function public.notify_chat_message(bigint) from public;
grant execute on function public.notify_chat_message(bigint) to authenticated, service_role;

-- ── Row-level security ───────────────────────────────────────────────────────
alter table public.conversations enable row level security;
alter table public.conversation_members enable row level security;
alter table public.messages enable row level security;
alter table public.message_reactions enable row level security;
alter table public.message_reports enable row level security;
alter table public.presence enable row level security;
alter table public.notifications enable row level security;
alter table public.notification_settings enable row level security;

-- Policies call (select auth.uid()) and the helpers through (select …), so they are evaluated
-- once per statement rather than once per row (Supabase's advice for RLS performance).
create policy conversations_select on public.conversations for select to authenticated using (
  id in (select public.my_conversation_ids())
  or (kind = 'channel' and visibility = 'verified' and (select public.is_verified()))
);
create policy conversations_insert on public.conversations for insert to authenticated with check (
  (select public.is_verified())
  and created_by = (select auth.uid())
  and (kind <> 'direct' or split_part(direct_key, ':', 1) = (select auth.uid())::text or split_part(direct_key, ':', 2) = (select auth.uid())::text)
  -- Sorted as uuids (byte order), whatever the database's collation.
  and (kind <> 'direct' or split_part(direct_key, ':', 1)::uuid < split_part(direct_key, ':', 2)::uuid)
  -- Public channels (and channels of a region) are the moderators'.
  and (kind <> 'channel' or (visibility = 'members' and region_code is null) or (select public.has_role('moderator')))
);
create policy conversations_update on public.conversations for update to authenticated
  using (public.can_manage_conversation(id)) with check (public.can_manage_conversation(id));

create policy conversation_members_select on public.conversation_members for select to authenticated
  using (user_id = (select auth.uid()) or conversation_id in (select public.my_conversation_ids()));
create policy conversation_members_insert on public.conversation_members for insert to authenticated
  with check (added_by = (select auth.uid()) and public.may_add_conversation_member(conversation_id, user_id, role));
create policy conversation_members_update on public.conversation_members for update to authenticated
  using (user_id = (select auth.uid()) and conversation_id in (select public.my_conversation_ids()))
  with check (user_id = (select auth.uid()));
create policy conversation_members_delete on public.conversation_members for delete to authenticated
  using (public.may_remove_conversation_member(conversation_id, user_id));

create policy messages_select on public.messages for select to authenticated
  using (conversation_id in (select public.my_conversation_ids()));
create policy messages_insert on public.messages for insert to authenticated
  with check (author_id = (select auth.uid()) and conversation_id in (select public.my_conversation_ids()));
create policy messages_update on public.messages for update to authenticated
  using (author_id = (select auth.uid()) and conversation_id in (select public.my_conversation_ids()))
  with check (author_id = (select auth.uid()));

create policy message_reactions_select on public.message_reactions for select to authenticated
  using (conversation_id in (select public.my_conversation_ids()));
create policy message_reactions_insert on public.message_reactions for insert to authenticated
  with check (user_id = (select auth.uid()) and conversation_id in (select public.my_conversation_ids()));
create policy message_reactions_delete on public.message_reactions for delete to authenticated
  using (user_id = (select auth.uid()));

create policy message_reports_select on public.message_reports for select to authenticated
  using (reporter_id = (select auth.uid()) or ((select public.is_verified()) and (select public.has_role('moderator'))));
create policy message_reports_insert on public.message_reports for insert to authenticated
  with check (reporter_id = (select auth.uid()) and conversation_id in (select public.my_conversation_ids()));

create policy presence_select on public.presence for select to authenticated using (user_id = (select auth.uid()));
create policy presence_insert on public.presence for insert to authenticated with check (user_id = (select auth.uid()));
create policy presence_update on public.presence for update to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));

create policy notifications_select on public.notifications for select to authenticated using (user_id = (select auth.uid()));
create policy notifications_update on public.notifications for update to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));

create policy notification_settings_select on public.notification_settings for select to authenticated
  using (user_id = (select auth.uid()));
create policy notification_settings_insert on public.notification_settings for insert to authenticated
  with check (user_id = (select auth.uid()));
create policy notification_settings_update on public.notification_settings for update to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));

-- Column grants: what a member may write, and nothing derived.
grant select on public.conversations to authenticated;
grant insert (id, kind, visibility, title, topic, region_code, direct_key, created_by) on public.conversations to authenticated;
grant update (title, topic) on public.conversations to authenticated;
grant select, delete on public.conversation_members to authenticated;
grant insert (conversation_id, user_id, role, added_by) on public.conversation_members to authenticated;
grant update (last_read_message_id) on public.conversation_members to authenticated;
grant select on public.messages to authenticated;
grant insert (conversation_id, author_id, client_id, parent_id, body, mentions) on public.messages to authenticated;
grant update (body, mentions, deleted_at) on public.messages to authenticated;
grant select, delete on public.message_reactions to authenticated;
grant insert (conversation_id, message_id, user_id, emoji) on public.message_reactions to authenticated;
grant select on public.message_reports to authenticated;
grant insert (conversation_id, message_id, reporter_id, reason) on public.message_reports to authenticated;
grant select on public.presence to authenticated;
grant insert (user_id, visible) on public.presence to authenticated;
grant update (visible) on public.presence to authenticated;
grant select on public.notifications to authenticated;
grant update (read_at) on public.notifications to authenticated;
grant select on public.notification_settings to authenticated;
grant insert (user_id, email_delay_minutes) on public.notification_settings to authenticated;
grant update (email_delay_minutes) on public.notification_settings to authenticated;
grant all on public.conversations, public.conversation_members, public.messages, public.message_reactions,
  public.message_reports, public.presence, public.notifications, public.notification_settings to service_role;
grant usage, select on all sequences in schema public to service_role;

-- ── One public channel per health region (moderators manage them) ─────────────
insert into public.conversations (kind, visibility, title, topic, region_code)
select 'channel', 'verified', r.name_fr,
       'Échanges entre membres de la région ' || r.code || ' — ' || r.name_fr || '.', r.code
  from public.regions r
 order by r.code;
