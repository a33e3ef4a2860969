// The coordinator's dashboard: open requests and their age, median time to match,
// active pairs (existence and dates only), mentors at capacity, and coverage by
// health region (mentors with a free place versus open requests), as a chart and as
// the same figures in a table.
import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { requireViewer } from "~/modules/accounts/guards.server";
import { coordinationOverview } from "~/modules/mentoring/mentoring.server";
import { CoverageChart } from "~/modules/mentoring/coverage-chart";
import { useI18n } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";
import { regionLabel } from "~/utils/reference-labels";

export const meta: MetaFunction = (args) => pageTitle(args, "mentoring.coordination.title");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request, context);
  const overview = await coordinationOverview(context.db, viewer);
  if (!overview) throw new Response("forbidden", { status: 403 });
  return json({ overview, now: Date.now() });
}

export default function Coordination() {
  const { t, tx, date, locale } = useI18n();
  const { overview, now } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const active = overview.pairs.filter((p) => p.status === "active");
  const days = (iso: string) => Math.floor((now - new Date(iso).getTime()) / 86_400_000);
  const rows = overview.coverage.map((c) => ({ ...c, name: regionLabel(c.region, locale) }));
  return (
    <div className="container stack stack--l">
      <header className="page-header stack stack--s">
        <h1>{t("mentoring.coordination.title")}</h1>
      </header>
      {params.get("assigned") ? (
        <p className="alert alert--success" role="status">
          {t("mentoring.coordination.assigned")}
        </p>
      ) : null}
      <dl className="definition-list">
        <dt>{t("mentoring.coordination.openRequests")}</dt>
        <dd>{overview.openRequests.length}</dd>
        <dt>{t("mentoring.coordination.median")}</dt>
        <dd>
          {overview.medianHoursToMatch === null
            ? "—"
            : t("mentoring.coordination.hours", { hours: Math.round(overview.medianHoursToMatch * 10) / 10 })}
        </dd>
        <dt>{t("mentoring.coordination.activePairs")}</dt>
        <dd>{active.length}</dd>
        <dt>{t("mentoring.coordination.atCapacity")}</dt>
        <dd>{overview.mentorsAtCapacity}</dd>
        <dt>{t("mentoring.coordination.assessments")}</dt>
        <dd>
          {overview.assessments.count}
          {overview.assessments.averageRating ? ` · ${overview.assessments.averageRating} / 5` : ""}
        </dd>
      </dl>

      <section className="stack stack--s" aria-labelledby="coverage-title">
        <h2 id="coverage-title" className="section-title">
          {t("mentoring.coordination.coverage")}
        </h2>
        <p>{t("mentoring.coordination.coverageLead")}</p>
        <CoverageChart
          rows={rows}
          labels={{ mentors: t("mentoring.coordination.mentors"), requests: t("mentoring.coordination.requests") }}
        />
        <table className="table table--fit">
          <caption className="visually-hidden">{t("mentoring.coordination.coverage")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("mentoring.coordination.region")}</th>
              <th scope="col">{t("mentoring.coordination.mentors")}</th>
              <th scope="col">{t("mentoring.coordination.requests")}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.region} className={r.requests > r.mentors ? "row--gap" : undefined}>
                <th scope="row">
                  {r.region} – {r.name}
                </th>
                <td>{r.mentors}</td>
                <td>{r.requests}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section className="stack stack--s" aria-labelledby="open-title">
        <h2 id="open-title" className="section-title">
          {t("mentoring.coordination.openRequests")}
        </h2>
        {overview.openRequests.length === 0 ? (
          <p>{t("mentoring.coordination.none")}</p>
        ) : (
          <table className="table table--stack">
            <thead>
              <tr>
                <th scope="col">{t("mentoring.coordination.mentee")}</th>
                <th scope="col">{t("mentoring.coordination.mentor")}</th>
                <th scope="col">{t("mentoring.coordination.age")}</th>
                <th scope="col">{t("mentoring.coordination.assign")}</th>
              </tr>
            </thead>
            <tbody>
              {overview.openRequests.map((r) => (
                <tr key={r.id}>
                  <td data-label={t("mentoring.coordination.mentee")}>{r.mentee}</td>
                  <td data-label={t("mentoring.coordination.mentor")}>
                    {r.mentor}
                    {r.assigned ? ` (${t("mentoring.coordination.assignedMark")})` : ""}
                  </td>
                  <td data-label={t("mentoring.coordination.age")}>{tx("mentoring.coordination.days", { count: days(r.createdAt) })}</td>
                  <td data-label={t("mentoring.coordination.assign")}>
                    {r.coordinationOk ? (
                      <Link to={`/mentoring/coordination/requests/${r.id}`}>
                        {t("mentoring.coordination.assignLink", { name: r.mentee })}
                      </Link>
                    ) : (
                      <span className="meta">{t("mentoring.coordination.noConsent")}</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section className="stack stack--s" aria-labelledby="pairs-title">
        <h2 id="pairs-title" className="section-title">
          {t("mentoring.coordination.pairs")}
        </h2>
        {overview.pairs.length === 0 ? (
          <p>{t("mentoring.coordination.none")}</p>
        ) : (
          <table className="table table--stack">
            <thead>
              <tr>
                <th scope="col">{t("mentoring.coordination.mentor")}</th>
                <th scope="col">{t("mentoring.coordination.mentee")}</th>
                <th scope="col">{t("mentoring.coordination.status")}</th>
                <th scope="col">{t("mentoring.coordination.dates")}</th>
              </tr>
            </thead>
            <tbody>
              {overview.pairs.map((p) => (
                <tr key={p.id}>
                  <td data-label={t("mentoring.coordination.mentor")}>{p.mentor}</td>
                  <td data-label={t("mentoring.coordination.mentee")}>{p.mentee}</td>
                  <td data-label={t("mentoring.coordination.status")}>{tx(`mentoring.pairingStatus.${p.status}`)}</td>
                  <td data-label={t("mentoring.coordination.dates")}>
                    {date(p.startedAt)}
                    {p.endedAt ? ` – ${date(p.endedAt)}` : ""}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
