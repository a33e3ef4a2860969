-- An event's slides are published to its readers once the event has ended; its hosts
-- (organisers who may see it, linked speakers) read them from the moment they are
-- uploaded, to check them before the talk. Before, every reader of the event could read
-- a slide row (and so download its file through /files/:id) while the event page listed
-- slides only after the end. The file follows its slide: files_select asks for a
-- readable event_slides row, so the same rule holds for downloads.
-- Two policies (they are OR'ed): anonymous readers may not call is_event_host.
drop policy event_slides_select on public.event_slides;
create policy event_slides_select on public.event_slides for select to anon, authenticated
  using (public.can_see_event(event_id) and public.event_has_ended(event_id));
create policy event_slides_select_hosts on public.event_slides for select to authenticated
  using (public.is_event_host(event_id));
