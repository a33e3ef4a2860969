// The incident register as CSV for the Commission d'accès à l'information (admins only;
// the export is in the audit log). A download: no page, no cache.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireRole, requireViewer } from "~/modules/accounts/guards.server";
import { exportIncidentsCsv } from "~/modules/privacy/incidents.server";
import { csvResponse } from "~/utils/csv.server";
import { getLocale } from "~/utils/locale.server";
import { localToday } from "~/utils/local-time";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request, context);
  requireRole(viewer, "admin");
  const locale = await getLocale(request);
  const csv = await exportIncidentsCsv(context.db, viewer, locale);
  return csvResponse(csv, `registre-incidents-${localToday()}.csv`);
}
