// Editor suggestions: topics and tools to link to (what the writer may read).
import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { requireViewer } from "~/modules/accounts/guards.server";
import { referenceCandidates } from "~/modules/forums/forums.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request, context);
  const q = (new URL(request.url).searchParams.get("q") ?? "").trim().slice(0, 80);
  if (q.length < 2) return json({ items: [] });
  const items = await referenceCandidates(context.db, viewer, q);
  return json({ items }, { headers: { "Cache-Control": "private, no-store" } });
}
