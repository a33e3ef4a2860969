// One post as JSON, read with the asker's own rights: how a reply that arrived live is shown.
import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { getOptionalViewer, invariantResponse } from "~/modules/accounts/guards.server";
import { getPostView } from "~/modules/forums/forums.server";

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const id = params.id && /^[1-9][0-9]{0,15}$/.test(params.id) ? Number(params.id) : null;
  invariantResponse(id, "not_found");
  const viewer = await getOptionalViewer(request, context);
  const found = await getPostView(context.db, viewer?.claims ?? null, id);
  invariantResponse(found, "not_found");
  return json(found, { headers: { "Cache-Control": "private, no-store" } });
}
