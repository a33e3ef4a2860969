// The registration list of an event as CSV (organisers), in the language of the page the
// organiser reads. Escaping, formula injection and the BOM: spreadsheetCsv.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireRole, requireViewer } from "~/modules/accounts/guards.server";
import { listRegistrations } from "~/modules/events/events.server";
import { csvResponse, spreadsheetCsv } from "~/utils/csv.server";
import { translate } from "~/utils/i18n.server";
import { getLocale } from "~/utils/locale.server";

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request, context);
  requireRole(viewer, "organiser");
  const rows = await listRegistrations(context.db, viewer, params.id ?? "");
  if (!rows) throw new Response("not_found", { status: 404 });
  const l = await getLocale(request);
  const header = (["name", "status", "position", "date"] as const).map((c) => translate(l, `events.manage.columns.${c}`));
  const csv = spreadsheetCsv(
    header,
    rows.map((r) => [
      r.display_name,
      translate(l, `events.manage.statuses.${r.status}`),
      r.waitlist_position,
      new Date(r.created_at).toISOString(),
    ]),
  );
  return csvResponse(csv, `registrations-${params.id ?? ""}.csv`);
}
