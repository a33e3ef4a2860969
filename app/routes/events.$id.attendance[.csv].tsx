// The attendance list of an event as CSV (organisers): name, profession, region, when
// they registered, minutes in the room, the organiser's adjustment and whether the
// attendance earns the attestation. Escaping and the BOM: attendanceCsv.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireRole, requireViewer } from "~/modules/accounts/guards.server";
import { attendanceCsv, listAttendance } from "~/modules/events/attendance.server";
import { csvResponse } from "~/utils/csv.server";
import { getLocale } from "~/utils/locale.server";

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request, context);
  requireRole(viewer, "organiser");
  const attendance = await listAttendance(context.db, viewer, params.id ?? "");
  if (!attendance) throw new Response("not_found", { status: 404 });
  // The language of the page the organiser is reading (the language switch), not her profile's.
  return csvResponse(attendanceCsv(attendance.lines, await getLocale(request)), `attendance-${params.id ?? ""}.csv`);
}
