// The curators' desk: drafts and reviews, items past their review date, members'
// suggestions (accept → a draft to complete, or decline), archived items.
import { parseWithZod } from "@conform-to/zod";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { requireRole, requireViewer } from "~/modules/accounts/guards.server";
import { useToolLabels } from "~/modules/tools/components/labels";
import { resolveSuggestionSchema } from "~/modules/tools/schemas";
import { listCuration, resolveSuggestion } from "~/modules/tools/tools.server";
import { useI18n } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";
import { TableRegion } from "~/components/table-region";

export const meta: MetaFunction = (args) => pageTitle(args, "tools.curation.title");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request, context);
  requireRole(viewer, "curator");
  return json(await listCuration(context.db, viewer));
}

export async function action({ request, context }: ActionFunctionArgs) {
  const viewer = await requireViewer(request, context);
  requireRole(viewer, "curator");
  const submission = parseWithZod(await request.formData(), { schema: resolveSuggestionSchema });
  if (submission.status !== "success") return json({ formError: "errors.invalid" }, { status: 400 });
  const outcome = await resolveSuggestion(context.db, viewer, submission.value.suggestionId, submission.value.decision);
  if (!outcome.ok) return json({ formError: outcome.formError ?? "errors.invalid" }, { status: outcome.status });
  return redirect(outcome.toolId ? `/tools/${outcome.toolId}/edit?suggestion=1` : "/tools/curation?done=declined");
}

export default function Curation() {
  const { t, tx, date } = useI18n();
  const labels = useToolLabels();
  const { inProgress, toReview, archived, suggestions } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const [params] = useSearchParams();
  const done = params.get("done");
  const table = (rows: typeof inProgress, label: string, due: boolean) => (
    <TableRegion label={label}>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">{t("tools.curation.columns.title")}</th>
            <th scope="col">{t("tools.curation.columns.status")}</th>
            <th scope="col">{due ? t("tools.curation.columns.due") : t("tools.curation.columns.updated")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id}>
              <td>
                <Link to={`/tools/${r.id}`}>{r.title}</Link>
                {r.version_label ? ` · ${r.version_label}` : ""}
              </td>
              <td>{labels.status(r.status)}</td>
              <td>{due ? (r.review_due_on ? date(r.review_due_on) : "") : date(r.updated_at)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableRegion>
  );
  return (
    <div className="container stack stack--l">
      <p>
        <Link to="/tools">← {t("tools.item.back")}</Link>
      </p>
      <header className="page-header stack stack--s">
        <h1>{t("tools.curation.title")}</h1>
        <p className="lead">{t("tools.curation.lead")}</p>
        <p>
          <Link className="btn btn--primary" to="/tools/new">
            {t("tools.actions.new")}
          </Link>
        </p>
      </header>
      {done === "deleted" ? (
        <p className="alert alert--success" role="status">
          {t("tools.curate.deleted")}
        </p>
      ) : null}
      {done === "declined" ? (
        <p className="alert alert--success" role="status">
          {t("tools.curation.declined")}
        </p>
      ) : null}
      {data?.formError ? (
        <p className="alert alert--error" role="alert">
          {tx(data.formError)}
        </p>
      ) : null}

      <section className="stack" aria-labelledby="to-review">
        <h2 id="to-review" className="section-title">
          {t("tools.curation.toReview")}
        </h2>
        {toReview.length === 0 ? (
          <p className="meta">{t("tools.curation.toReviewEmpty")}</p>
        ) : (
          table(toReview, t("tools.curation.toReview"), true)
        )}
      </section>

      <section className="stack" aria-labelledby="in-progress">
        <h2 id="in-progress" className="section-title">
          {t("tools.curation.inProgress")}
        </h2>
        {inProgress.length === 0 ? (
          <p className="meta">{t("tools.curation.inProgressEmpty")}</p>
        ) : (
          table(inProgress, t("tools.curation.inProgress"), false)
        )}
      </section>

      <section className="stack" aria-labelledby="suggestions">
        <h2 id="suggestions" className="section-title">
          {t("tools.curation.suggestions")}
        </h2>
        {suggestions.length === 0 ? (
          <p className="meta">{t("tools.curation.suggestionsEmpty")}</p>
        ) : (
          <ul className="stack stack--s">
            {suggestions.map((s) => (
              <li key={s.id} className="card stack stack--s">
                <h3 className="card__title">{s.title}</h3>
                <p className="card__meta">
                  {t("tools.curation.suggestedBy", {
                    name: s.suggested_by_name ?? t("tools.curation.anonymous"),
                    date: date(s.created_at),
                  })}
                </p>
                {s.publisher ? <p>{s.publisher}</p> : null}
                {s.url ? (
                  <p>
                    <a href={s.url} rel="noopener noreferrer" target="_blank">
                      {s.url}
                    </a>
                  </p>
                ) : null}
                {s.note ? <p>{s.note}</p> : null}
                <div className="cluster">
                  <Form method="post">
                    <input type="hidden" name="suggestionId" value={s.id} />
                    <input type="hidden" name="decision" value="accept" />
                    <button type="submit" className="btn btn--small btn--primary">
                      {t("tools.curation.accept")}
                    </button>
                  </Form>
                  <Form method="post">
                    <input type="hidden" name="suggestionId" value={s.id} />
                    <input type="hidden" name="decision" value="decline" />
                    <button type="submit" className="btn btn--small">
                      {t("tools.curation.decline")}
                    </button>
                  </Form>
                </div>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="stack" aria-labelledby="archived">
        <h2 id="archived" className="section-title">
          {t("tools.curation.archived")}
        </h2>
        {archived.length === 0 ? (
          <p className="meta">{t("tools.curation.archivedEmpty")}</p>
        ) : (
          table(archived, t("tools.curation.archived"), false)
        )}
      </section>
    </div>
  );
}
