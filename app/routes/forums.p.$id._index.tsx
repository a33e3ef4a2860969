// Permalink of a post: its topic's page, at the right place.
import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { getOptionalViewer, invariantResponse } from "~/modules/accounts/guards.server";
import { locatePost } from "~/modules/forums/forums.server";
import { POSTS_PAGE_SIZE } from "~/modules/forums/limits";

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const id = params.id && /^[1-9][0-9]{0,15}$/.test(params.id) ? Number(params.id) : null;
  invariantResponse(id, "not_found");
  const viewer = await getOptionalViewer(request, context);
  const found = await locatePost(context.db, viewer?.claims ?? null, id);
  invariantResponse(found, "not_found");
  const after = Math.floor((found.post_number - 1) / POSTS_PAGE_SIZE) * POSTS_PAGE_SIZE;
  return redirect(`/forums/t/${found.topic_id}${after > 0 ? `?after=${after}` : ""}#p-${found.post_number}`);
}
