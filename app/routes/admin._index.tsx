import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { listMembersForAdmin } from "~/modules/accounts/accounts.server";
import { readDashboard } from "~/modules/admin-dashboard/admin-dashboard.server";
import { FigureSection } from "~/modules/admin-dashboard/components/figure-section";
import { useProfileOptions } from "~/modules/accounts/components/use-options";
import { requireRole, requireViewer } from "~/modules/accounts/guards.server";
import { useI18n } from "~/utils/i18n";
import { regionLabel } from "~/utils/reference-labels";
import { pageTitle } from "~/utils/meta";
import { TableRegion } from "~/components/table-region";

export const meta: MetaFunction = (args) => pageTitle(args, "admin.title");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request, context);
  requireRole(viewer, "admin");
  const members = await listMembersForAdmin(context.db, viewer, {});
  const figures = await readDashboard(context.db, viewer);
  return json({ members, figures });
}

export default function AdminHome() {
  const { t, tx, date, locale } = useI18n();
  const { members, figures } = useLoaderData<typeof loader>();
  const options = useProfileOptions();
  const pending = members.filter((m) => m.verification_status === "unverified");
  const row = (m: (typeof members)[number]) => (
    <tr key={m.id}>
      <th scope="row">
        <Link to={`/admin/members/${m.id}`}>{m.display_name}</Link>
      </th>
      <td>{options.disciplines.find((d) => d.value === m.discipline)?.label}</td>
      <td>{regionLabel(m.region_code, locale)}</td>
      <td>{m.order_code ? `${m.order_code} ${m.permit_number ?? ""}` : "—"}</td>
      <td>
        <span className={m.verification_status === "verified" ? "badge badge--verified" : "badge badge--unverified"}>
          {tx(`status.${m.verification_status}`)}
        </span>
      </td>
      <td>{m.roles.map((r) => tx(`roles.${r}`)).join(", ") || t("roles.member")}</td>
      <td>{date(m.created_at)}</td>
    </tr>
  );
  const head = (
    <thead>
      <tr>
        <th scope="col">{t("fields.displayName")}</th>
        <th scope="col">{t("fields.discipline")}</th>
        <th scope="col">{t("fields.region")}</th>
        <th scope="col">{t("admin.order")}</th>
        <th scope="col">{t("admin.status")}</th>
        <th scope="col">{t("admin.roles")}</th>
        <th scope="col">{t("admin.joined")}</th>
      </tr>
    </thead>
  );
  return (
    <div className="container stack stack--l">
      <header className="page-header">
        <h1>{t("admin.title")}</h1>
        <p className="cluster">
          <Link to="/admin/audit">{t("admin.auditLink")}</Link>
          <Link to="/admin/jobs">{t("admin.jobsLink")}</Link>
          <Link to="/admin/incidents">{t("admin.incidentsLink")}</Link>
          <Link to="/admin/reverification">{t("permit.admin.link")}</Link>
        </p>
      </header>
      <section className="stack stack--l" aria-labelledby="dashboard-title">
        <h2 id="dashboard-title">{t("admin.dashboard.title")}</h2>
        <p>{t("admin.dashboard.lead")}</p>
        <div className="dashboard-grid">
          {figures.map((figure) => (
            <FigureSection key={figure.name} figure={figure} />
          ))}
        </div>
      </section>
      <section className="stack" aria-labelledby="pending-title">
        <h2 id="pending-title" className="section-title">
          {tx("admin.pending", { count: pending.length })}
        </h2>
        {pending.length ? (
          <TableRegion labelledBy="pending-title">
            <table className="table">
              {head}
              <tbody>{pending.map(row)}</tbody>
            </table>
          </TableRegion>
        ) : (
          <p className="empty-state">{t("admin.noPending")}</p>
        )}
      </section>
      <section className="stack" aria-labelledby="all-title">
        <h2 id="all-title" className="section-title">
          {t("admin.allMembers")}
        </h2>
        <TableRegion labelledBy="all-title">
          <table className="table">
            {head}
            <tbody>{members.map(row)}</tbody>
          </table>
        </TableRegion>
      </section>
    </div>
  );
}
