// Clinical cases the viewer may see (RLS decides): verified members only.
import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireVerified } from "~/modules/accounts/guards.server";
import { canReviewCases, listCases } from "~/modules/cases/cases.server";
import { useI18n } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => pageTitle(args, "cases.title");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = await requireVerified(request, context);
  const cases = await listCases(context.db, viewer.claims);
  const canReview = await canReviewCases(context.db, viewer.claims, viewer.id);
  return json({ cases: cases.map((c) => ({ ...c, createdAt: c.createdAt.toISOString() })), canReview });
}

export default function CasesIndex() {
  const { t, tx, date } = useI18n();
  const { cases, canReview } = useLoaderData<typeof loader>();
  return (
    <div className="container stack stack--l">
      <header className="page-header">
        <h1>{t("cases.title")}</h1>
        <p>{t("cases.lead")}</p>
        <p className="cluster">
          <Link className="btn btn--primary" to="/cases/new">
            {t("cases.new")}
          </Link>
          {canReview ? (
            <Link className="btn btn--secondary" to="/cases/review">
              {t("cases.review.nav")}
            </Link>
          ) : null}
        </p>
      </header>
      {cases.length === 0 ? (
        <p>{t("cases.empty")}</p>
      ) : (
        <ul className="stack stack--s">
          {cases.map((c) => (
            <li key={c.id} className="card">
              <Link to={`/cases/${c.id}`}>{c.title}</Link>
              <p className="meta">
                {tx(`cases.statuses.${c.status}`)} · {tx(`cases.careSettings.${c.careSetting}`)} · {date(c.createdAt)}
              </p>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
