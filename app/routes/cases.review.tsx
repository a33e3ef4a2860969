// Case review for moderators and case coordinators (moderators of a private space):
// cases waiting for review in the spaces they moderate, the guard's overrides
// (passages authors marked as not identifying, with their reason), and the designated
// experts who may write recommendations. The database decides what each person sees
// and changes (can_moderate_case, RLS): anyone else gets empty lists and 403s.
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { requireVerified } from "~/modules/accounts/guards.server";
import { designateExpert, getExpertsPanel, getReviewQueue, removeExpert, type Refused } from "~/modules/cases/cases.server";
import { overridesPerKind } from "~/modules/identifier-guard/review.server";
import { useI18n } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";
import { TableRegion } from "~/components/table-region";

export const meta: MetaFunction = (args) => pageTitle(args, "cases.review.title");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = await requireVerified(request, context);
  const { waiting, overrides } = await getReviewQueue(context.db, viewer.claims);
  const experts = await getExpertsPanel(context.db, viewer.claims);
  const perKind = await overridesPerKind(context.db, viewer.claims);
  return json({
    perKind,
    waiting: waiting.map((w) => ({ ...w, submittedAt: w.submittedAt ? w.submittedAt.toISOString() : null })),
    overrides: overrides.map((o) => ({ ...o, createdAt: o.createdAt.toISOString() })),
    experts,
  });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const viewer = await requireVerified(request, context);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  let outcome: { ok: true } | Refused;
  if (intent === "designate")
    outcome = await designateExpert(context.db, viewer.claims, { userId: form.get("userId") ?? "", spaceId: form.get("spaceId") ?? "" });
  else if (intent === "remove") outcome = await removeExpert(context.db, viewer.claims, { expertId: form.get("expertId") ?? "" });
  else outcome = { ok: false, status: 400, formError: "cases.errors.invalid" };
  if (!outcome.ok) return json({ outcome }, { status: outcome.status });
  return redirect("/cases/review#h-experts");
}

export default function CaseReview() {
  const { t, tx, date, label } = useI18n();
  const { waiting, overrides, experts, perKind } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const refusal = data && !data.outcome.ok ? data.outcome : null;
  return (
    <div className="container stack stack--l">
      <p>
        <Link to="/cases">← {t("cases.back")}</Link>
      </p>
      <header className="page-header">
        <h1>{t("cases.review.title")}</h1>
        <p>{t("cases.review.lead")}</p>
      </header>
      <section className="stack stack--s" aria-labelledby="h-waiting">
        <h2 id="h-waiting">{t("cases.review.waiting")}</h2>
        {waiting.length === 0 ? (
          <p>{t("cases.review.none")}</p>
        ) : (
          <ul className="stack stack--s">
            {waiting.map((w) => (
              <li key={w.id} className="card">
                <Link to={`/cases/${w.id}`}>{w.title}</Link>
                <p className="meta">
                  {tx(`cases.statuses.${w.status}`)} · {tx(`cases.careSettings.${w.careSetting}`)}
                  {w.spaceName ? ` · ${w.spaceName}` : ""}
                  {w.submittedAt ? ` · ${date(w.submittedAt, "datetime")}` : ""}
                </p>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="stack stack--s" aria-labelledby="h-override-rates">
        <h2 id="h-override-rates">{t("identifierGuard.overrideRates.title")}</h2>
        {perKind.length === 0 ? (
          <p>{t("identifierGuard.overrideRates.none")}</p>
        ) : (
          <table className="table" data-testid="override-rates">
            <thead>
              <tr>
                <th scope="col">{t("identifierGuard.overrideRates.kind")}</th>
                <th scope="col">{t("identifierGuard.overrideRates.count")}</th>
              </tr>
            </thead>
            <tbody>
              {perKind.map((k) => (
                <tr key={k.kind}>
                  <td>{tx(`identifierGuard.kinds.${k.kind}`)}</td>
                  <td>{k.count}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="stack stack--s" aria-labelledby="h-overrides">
        <h2 id="h-overrides">{t("cases.review.overrides")}</h2>
        {overrides.length === 0 ? (
          <p>{t("cases.review.noOverrides")}</p>
        ) : (
          <TableRegion labelledBy="h-overrides">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{t("cases.review.case")}</th>
                  <th scope="col">{t("cases.review.field")}</th>
                  <th scope="col">{t("cases.review.kind")}</th>
                  <th scope="col">{t("cases.review.match")}</th>
                  <th scope="col">{t("cases.review.reason")}</th>
                  <th scope="col">{t("cases.review.who")}</th>
                  <th scope="col">{t("cases.review.when")}</th>
                </tr>
              </thead>
              <tbody>
                {overrides.map((o) => (
                  <tr key={o.id}>
                    <td>
                      <Link to={`/cases/${o.caseId}${o.postId ? `#post-${o.postId}` : ""}`}>{o.caseTitle}</Link>
                    </td>
                    <td>{tx(`cases.form.${o.field}`)}</td>
                    <td>{tx(`identifierGuard.kinds.${o.kind}`)}</td>
                    <td>{o.match}</td>
                    <td>{o.reason}</td>
                    <td>{o.authorName ?? ""}</td>
                    <td>{date(o.createdAt, "datetime")}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableRegion>
        )}
      </section>
      {experts ? (
        <section className="stack stack--s" aria-labelledby="h-experts">
          <h2 id="h-experts">{t("cases.experts.title")}</h2>
          <p>{t("cases.experts.lead")}</p>
          {refusal ? (
            <div className="alert alert--error" role="alert">
              <p>{tx(refusal.formError ?? "cases.errors.invalid")}</p>
              {Object.values(refusal.fieldErrors ?? {})
                .flat()
                .map((m) => (
                  <p key={m}>{tx(m)}</p>
                ))}
            </div>
          ) : null}
          {experts.experts.length === 0 ? (
            <p>{t("cases.experts.none")}</p>
          ) : (
            <ul className="stack stack--s">
              {experts.experts.map((e) => (
                <li key={e.id} className="cluster">
                  <span>
                    {e.name ?? t("cases.experts.unknown")} — {e.spaceName ?? t("cases.experts.everywhere")}
                  </span>
                  <Form method="post">
                    <input type="hidden" name="intent" value="remove" />
                    <input type="hidden" name="expertId" value={e.id} />
                    <button
                      type="submit"
                      className="btn btn--small btn--danger"
                      aria-label={t("cases.experts.remove", { name: e.name ?? t("cases.experts.unknown") })}
                    >
                      ×
                    </button>
                  </Form>
                </li>
              ))}
            </ul>
          )}
          <Form method="post" className="form cluster">
            <input type="hidden" name="intent" value="designate" />
            <div className="field">
              <label className="field__label" htmlFor="expert-user">
                {t("cases.experts.person")}
              </label>
              <select className="select" id="expert-user" name="userId" defaultValue="">
                <option value="">{t("cases.form.choose")}</option>
                {experts.candidates.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label className="field__label" htmlFor="expert-scope">
                {t("cases.experts.scope")}
              </label>
              <select
                className="select"
                id="expert-scope"
                name="spaceId"
                defaultValue={experts.canDesignateEverywhere ? "" : (experts.scopes[0]?.id ?? "")}
              >
                {experts.canDesignateEverywhere ? <option value="">{t("cases.experts.everywhere")}</option> : null}
                {experts.scopes.map((s) => (
                  <option key={s.id} value={s.id}>
                    {label(s)}
                  </option>
                ))}
              </select>
            </div>
            <div className="form-actions">
              <button type="submit" className="btn btn--primary">
                {t("cases.experts.designate")}
              </button>
            </div>
          </Form>
        </section>
      ) : null}
    </div>
  );
}
