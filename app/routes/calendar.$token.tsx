// The personal calendar feed: /calendar/<secret>.ics. A wrong, malformed or revoked
// token is a plain 404 that says nothing about why.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { calendarFeed } from "~/modules/events/events.server";

export async function loader({ params, context }: LoaderFunctionArgs) {
  const match = /^(.+)\.ics$/.exec(params.token ?? "");
  const feed = match?.[1] ? await calendarFeed(context.db, match[1], context.env.publicUrl) : null;
  if (!feed)
    return new Response("Not Found", {
      status: 404,
      headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
    });
  return new Response(feed, {
    headers: { "Content-Type": "text/calendar; charset=utf-8", "Cache-Control": "private, no-store", "X-Robots-Tag": "noindex" },
  });
}
