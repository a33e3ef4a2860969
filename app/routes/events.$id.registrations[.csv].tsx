// The registration list of an event as CSV (organisers), written by csv-stringify so
// commas, quotes, line breaks and formula-looking names are escaped properly.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { stringify } from "csv-stringify/sync";
import { requireRole, requireViewer } from "~/modules/accounts/guards.server";
import { listRegistrations } from "~/modules/events/events.server";
import { translate } from "~/utils/i18n.server";

/** A cell a spreadsheet would run as a formula is prefixed with a quote (CSV injection). */
const cell = (v: string) => (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v);

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request, context);
  requireRole(viewer, "organiser");
  const rows = await listRegistrations(context.db, viewer, params.id ?? "");
  if (!rows) throw new Response("not_found", { status: 404 });
  const l = viewer.locale;
  const csv = stringify([
    [
      translate(l, "events.manage.columns.name"),
      translate(l, "events.manage.columns.status"),
      translate(l, "events.manage.columns.position"),
      translate(l, "events.manage.columns.date"),
    ],
    ...rows.map((r) => [
      cell(r.display_name),
      translate(l, `events.manage.statuses.${r.status}`),
      r.waitlist_position ?? "",
      new Date(r.created_at).toISOString(),
    ]),
  ]);
  return new Response(`\ufeff${csv}`, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="registrations-${params.id}.csv"`,
      "Cache-Control": "no-store",
    },
  });
}
