// "My tools": what the member bookmarked (with a nudge when a newer version exists),
// and the suggestions they sent.
import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireViewer } from "~/modules/accounts/guards.server";
import { useToolLabels } from "~/modules/tools/components/labels";
import { isPastDue } from "~/modules/tools/limits";
import { listMySuggestions, listMyTools } from "~/modules/tools/tools.server";
import { useI18n } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";
import { localToday } from "~/utils/local-time";

export const meta: MetaFunction = (args) => pageTitle(args, "tools.mine.title");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request, context);
  const [tools, suggestions] = await Promise.all([listMyTools(context.db, viewer), listMySuggestions(context.db, viewer)]);
  return json({ tools, suggestions, today: localToday() });
}

export default function MyTools() {
  const { t, tx, date } = useI18n();
  const labels = useToolLabels();
  const { tools, suggestions, today } = useLoaderData<typeof loader>();
  return (
    <div className="container container--narrow stack stack--l">
      <p>
        <Link to="/tools">← {t("tools.item.back")}</Link>
      </p>
      <header className="page-header stack stack--s">
        <h1>{t("tools.mine.title")}</h1>
        <p className="lead">{t("tools.mine.lead")}</p>
      </header>
      {tools.length === 0 ? (
        <div className="empty-state">
          <p>{t("tools.mine.empty")}</p>
          <p>
            <Link className="btn btn--primary" to="/tools">
              {t("tools.mine.browse")}
            </Link>
          </p>
        </div>
      ) : (
        <ul className="stack stack--s">
          {tools.map((tool) => (
            <li key={tool.id} className="card">
              <h2 className="card__title">
                <Link to={`/tools/${tool.id}`}>{tool.title}</Link>
              </h2>
              <p className="card__meta">
                {[labels.kind(tool.kind), labels.publisher(tool.publisher), labels.published(tool.published_on), tool.version_label]
                  .filter(Boolean)
                  .join(" · ")}
              </p>
              {tool.superseded_by ? (
                <p>
                  <span className="badge badge--unverified">{t("tools.card.superseded")}</span>{" "}
                  <Link to={`/tools/${tool.superseded_by}`}>{t("tools.mine.newer", { title: tool.newer_title ?? "" })}</Link>
                </p>
              ) : null}
              {isPastDue(tool.review_due_on, today) ? (
                <p>
                  <span className="badge badge--unverified">{t("tools.card.pastDue")}</span>
                </p>
              ) : null}
              <p className="meta">{t("tools.mine.savedOn", { date: date(tool.created_at) })}</p>
            </li>
          ))}
        </ul>
      )}
      {suggestions.length ? (
        <section className="stack stack--s" aria-labelledby="my-suggestions">
          <h2 id="my-suggestions" className="section-title">
            {t("tools.mine.suggestions")}
          </h2>
          <ul className="stack stack--s">
            {suggestions.map((s) => (
              <li key={s.id}>
                {s.title} ·{" "}
                <span className="meta">
                  {tx(`tools.mine.suggestionStatus.${s.status}`)} · {date(s.created_at)}
                </span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
