// Downloads the member's own export zip: RLS shows the request to them only (anyone
// else gets a 404), an expired link answers 410, each download is audited.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireViewer } from "~/modules/accounts/guards.server";
import { openExport } from "~/modules/privacy/privacy.server";

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request, context);
  const id = /^[1-9][0-9]{0,15}$/.test(params.id ?? "") ? Number(params.id) : null;
  if (id === null) throw new Response("not_found", { status: 404 });
  const outcome = await openExport({ db: context.db, storage: context.storage }, viewer, id);
  if (!outcome.ok) throw new Response(outcome.status === 410 ? "expired" : "not_found", { status: outcome.status });
  const headers = new Headers({
    "Content-Type": "application/zip",
    "Content-Disposition": `attachment; filename="passerelle-export-${id}.zip"`,
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
  });
  if (outcome.size) headers.set("Content-Length", String(outcome.size));
  return new Response(outcome.stream, { status: 200, headers });
}
