import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { listAudit } from "~/modules/accounts/accounts.server";
import { requireRole, requireViewer } from "~/modules/accounts/guards.server";
import { useI18n } from "~/utils/i18n";
import { getLocale } from "~/utils/locale.server";
import { pageTitle } from "~/utils/meta";
import { TableRegion } from "~/components/table-region";

export const meta: MetaFunction = (args) => pageTitle(args, "admin.auditTitle");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request, context);
  requireRole(viewer, "admin");
  return json({ entries: await listAudit(context.db, viewer, await getLocale(request)) });
}

export default function Audit() {
  const { t, tx, date, colon } = useI18n();
  const { entries } = useLoaderData<typeof loader>();
  return (
    <div className="container stack stack--l">
      <p>
        <Link to="/admin">← {t("admin.back")}</Link>
      </p>
      <h1 id="audit-title">{t("admin.auditTitle")}</h1>
      <TableRegion labelledBy="audit-title">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t("admin.when")}</th>
              <th scope="col">{t("admin.who")}</th>
              <th scope="col">{t("admin.action")}</th>
              <th scope="col">{t("admin.target")}</th>
              <th scope="col">{t("admin.details")}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.id}>
                <td>{date(e.created_at, "datetime")}</td>
                <td>{e.actor_name ?? t("admin.system")}</td>
                <td>{tx(`audit.${e.action}`)}</td>
                <td>{e.target_name ?? "—"}</td>
                <td>
                  {e.summary.length === 0 ? (
                    "—"
                  ) : (
                    <ul className="audit-details">
                      {e.summary.map((part) => (
                        <li key={part.label}>
                          {part.label}
                          {colon}
                          {part.href ? <Link to={part.href}>{part.value}</Link> : part.value}
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableRegion>
    </div>
  );
}
