// Case review for moderators and case coordinators (moderators of a private space):
// cases waiting for review in the spaces they moderate, and the guard's overrides
// (passages authors marked as not identifying, with their reason). The database
// decides what each person sees (can_moderate_case, RLS): anyone else gets empty lists.
import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireVerified } from "~/modules/accounts/guards.server";
import { getReviewQueue } from "~/modules/cases/cases.server";
import { useI18n } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => pageTitle(args, "cases.review.title");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = await requireVerified(request, context);
  const { waiting, overrides } = await getReviewQueue(context.db, viewer.claims);
  return json({
    waiting: waiting.map((w) => ({ ...w, submittedAt: w.submittedAt ? w.submittedAt.toISOString() : null })),
    overrides: overrides.map((o) => ({ ...o, createdAt: o.createdAt.toISOString() })),
  });
}

export default function CaseReview() {
  const { t, tx, date } = useI18n();
  const { waiting, overrides } = useLoaderData<typeof loader>();
  return (
    <div className="container stack stack--l">
      <p><Link to="/cases">← {t("cases.back")}</Link></p>
      <header className="page-header"><h1>{t("cases.review.title")}</h1><p>{t("cases.review.lead")}</p></header>
      <section className="stack stack--s" aria-labelledby="h-waiting">
        <h2 id="h-waiting">{t("cases.review.waiting")}</h2>
        {waiting.length === 0 ? <p>{t("cases.review.none")}</p> : (
          <ul className="stack stack--s">
            {waiting.map((w) => (
              <li key={w.id} className="card">
                <Link to={`/cases/${w.id}`}>{w.title}</Link>
                <p className="meta">{tx(`cases.statuses.${w.status}`)} · {tx(`cases.careSettings.${w.careSetting}`)}{w.spaceName ? ` · ${w.spaceName}` : ""}
                  {w.submittedAt ? ` · ${date(w.submittedAt, "datetime")}` : ""}</p>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="stack stack--s" aria-labelledby="h-overrides">
        <h2 id="h-overrides">{t("cases.review.overrides")}</h2>
        {overrides.length === 0 ? <p>{t("cases.review.noOverrides")}</p> : (
          <div className="table-wrap">
            <table className="table">
              <thead><tr>
                <th scope="col">{t("cases.review.case")}</th><th scope="col">{t("cases.review.field")}</th><th scope="col">{t("cases.review.kind")}</th>
                <th scope="col">{t("cases.review.match")}</th><th scope="col">{t("cases.review.reason")}</th><th scope="col">{t("cases.review.who")}</th>
                <th scope="col">{t("cases.review.when")}</th>
              </tr></thead>
              <tbody>
                {overrides.map((o) => (
                  <tr key={o.id}>
                    <td><Link to={`/cases/${o.caseId}${o.postId ? `#post-${o.postId}` : ""}`}>{o.caseTitle}</Link></td>
                    <td>{tx(`cases.form.${o.field}`)}</td><td>{tx(`cases.kinds.${o.kind}`)}</td><td>{o.match}</td><td>{o.reason}</td>
                    <td>{o.authorName ?? ""}</td><td>{date(o.createdAt, "datetime")}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}
