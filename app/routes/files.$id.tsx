// Downloads of uploaded files (the one `files` table). Served through the app, only
// to people allowed to see the item holding the file (RLS on files decides), as an
// attachment with nosniff and a sandboxing CSP: an uploaded file never runs as a page
// of this origin.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { invariantResponse } from "~/modules/accounts/guards.server";
import { contentDisposition } from "~/modules/tools/file-types";
import { isUuid } from "~/modules/tools/limits";
import { getFileForDownload } from "~/modules/tools/tools.server";

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  invariantResponse(isUuid(params.id), "not_found");
  const claims = await context.auth.getClaims(request.headers.get("Cookie"));
  const file = await getFileForDownload(context.db, claims, params.id);
  invariantResponse(file, "not_found");
  const body = await context.storage.open(file.storage_key);
  if (!body) {
    // A row without its blob should never happen (see tools.server.ts): say so loudly.
    context.logger.error({ fileId: file.id }, "files: stored object missing");
    throw new Response("not_found", { status: 404 });
  }
  // X-Content-Type-Options: nosniff comes from helmet on every response (server/http.ts);
  // repeating it here would send it twice.
  return new Response(body, {
    headers: {
      "Content-Type": file.content_type,
      "Content-Length": String(file.byte_size),
      "Content-Disposition": contentDisposition(file.original_name),
      "Content-Security-Policy": "default-src 'none'; sandbox",
      "Cross-Origin-Resource-Policy": "same-origin",
      // Visibility can change (archived, unpublished): never cache in shared caches.
      "Cache-Control": "private, no-store",
    },
  });
}
