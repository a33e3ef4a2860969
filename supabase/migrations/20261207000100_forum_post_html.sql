-- A forum post's HTML, rendered once by the server when the post is written or edited
-- (app/modules/forums/post-html.server.ts), so a topic page does not render every post
-- from its JSON at every request. Derived data only: `body` stays the source of truth.
--  - body_html_version: the renderer version that produced body_html. The server renders
--    again, in the background at start, every post whose version is not the current one
--    (null: never rendered, e.g. rows written by this migration's predecessors or by SQL).
--  - Members never write these columns (no insert/update grant): only the system path does,
--    after checking the document, so a member cannot store HTML of their own.
--  - A change of body that does not also set the HTML drops it: a stale rendering is never served.
alter table public.forum_posts
  add column body_html text,
  add column body_html_version smallint;

-- The start's "anything to render again?" is an index lookup, not a scan of every post.
create index forum_posts_html_version_idx on public.forum_posts (body_html_version);

create or replace function public.forum_posts_html_follows_body() returns trigger
language plpgsql set search_path = ''
as $$
begin
  if new.body is distinct from old.body and new.body_html is not distinct from old.body_html then
    new.body_html := null;
    new.body_html_version := null;
  end if;
  return new;
end
$$;
create trigger forum_posts_html_follows_body before update of body on public.forum_posts
  for each row execute function public.forum_posts_html_follows_body();
