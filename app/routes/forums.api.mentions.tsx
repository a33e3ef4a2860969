// Editor suggestions: members who may be mentioned in a space (names only).
import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { requireViewer } from "~/modules/accounts/guards.server";
import { mentionCandidates } from "~/modules/forums/forums.server";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request, context);
  const url = new URL(request.url);
  const space = url.searchParams.get("space") ?? "";
  const q = (url.searchParams.get("q") ?? "").trim().slice(0, 80);
  if (!UUID.test(space) || q.length === 0) return json({ items: [] });
  const rows = await mentionCandidates(context.db, viewer, space, q);
  return json({ items: rows.map((r) => ({ id: r.id, label: r.display_name })) }, { headers: { "Cache-Control": "private, no-store" } });
}
