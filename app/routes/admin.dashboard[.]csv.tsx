// One dashboard figure as CSV (admins only), headers and names in the admin's language,
// through the one spreadsheet CSV writer. An unknown figure is a 404, not an error.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireRole, requireViewer } from "~/modules/accounts/guards.server";
import { figureCsvRows, isFigureName, readFigure } from "~/modules/admin-dashboard/admin-dashboard.server";
import { csvResponse, spreadsheetCsv } from "~/utils/csv.server";
import { translate } from "~/utils/i18n.server";
import { getLocale } from "~/utils/locale.server";
import { localToday } from "~/utils/local-time";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request, context);
  requireRole(viewer, "admin");
  const name = new URL(request.url).searchParams.get("figure");
  if (!isFigureName(name)) throw new Response("Not Found", { status: 404, statusText: "Not Found" });
  const locale = await getLocale(request);
  const figure = await readFigure(context.db, viewer, name);
  const { header, rows } = figureCsvRows(figure, locale, (key) => translate(locale, key));
  return csvResponse(spreadsheetCsv(header, rows), `tableau-de-bord-${name}-${localToday()}.csv`);
}
