-- The live chat of an event (decision 019): one members-only chat channel per event,
-- created by the server the first time someone in the room opens it. The link lives in
-- its own table, written only on the system path after the events module has checked
-- that the person may be in the room: an organiser editing an event could otherwise
-- point it at any conversation and have the room's people added to it.
create table public.event_chats (
  event_id uuid primary key references public.events (id) on delete cascade,
  conversation_id uuid not null unique references public.conversations (id) on delete cascade,
  created_at timestamptz not null default now()
);
alter table public.event_chats enable row level security;
-- People in the room see which conversation is the event's; nobody writes it directly.
create policy event_chats_select on public.event_chats for select to authenticated
  using (public.can_join_event_live(event_id));
grant select on public.event_chats to authenticated;
grant all on public.event_chats to service_role;

-- A registration that ends (unregistered, cancelled, deleted) takes the person out of
-- the event's chat: only people in the room read and write it. Organisers are added
-- again when they next open the chat from the room.
create or replace function public.event_chat_leave_on_unregister() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  if old.status = 'registered' and (tg_op = 'DELETE' or new.status <> 'registered') then
    delete from public.conversation_members m
     using public.event_chats c
     where c.event_id = old.event_id and m.conversation_id = c.conversation_id and m.user_id = old.user_id;
  end if;
  return null;
end
$$;
revoke all on function public.event_chat_leave_on_unregister() from public;
create trigger event_registrations_leave_chat after update of status or delete on public.event_registrations
  for each row execute function public.event_chat_leave_on_unregister();
