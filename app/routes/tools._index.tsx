// The library: a GET form (works without JavaScript) with French-aware full text,
// facets with counts, sorts, and paginated results. Anyone may browse what is published.
import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { hasRole } from "~/modules/accounts/accounts.server";
import { getOptionalViewer } from "~/modules/accounts/guards.server";
import { useToolLabels } from "~/modules/tools/components/labels";
import { ToolCard } from "~/modules/tools/components/tool-card";
import { FACETS, SORTS, type Facet } from "~/modules/tools/limits";
import { parseSearchParams, type ToolSearchParams } from "~/modules/tools/schemas";
import { searchTools } from "~/modules/tools/tools.server";
import { useI18n } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";
import { localToday } from "~/utils/local-time";

export const meta: MetaFunction = (args) => pageTitle(args, "tools.title");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = await getOptionalViewer(request, context);
  const params = parseSearchParams(new URL(request.url).searchParams);
  const result = await searchTools(context.db, viewer?.claims ?? null, params);
  return json({
    params,
    ...result,
    today: localToday(),
    can: { bookmark: Boolean(viewer), suggest: Boolean(viewer?.verified), curate: hasRole(viewer, "curator") },
  });
}

function pageHref(params: ToolSearchParams, page: number): string {
  const search = new URLSearchParams();
  if (params.q) search.set("q", params.q);
  for (const f of FACETS) {
    const value = params[f];
    if (value) search.set(f, value);
  }
  search.set("sort", params.sort);
  if (params.superseded) search.set("superseded", "1");
  if (page > 1) search.set("page", String(page));
  return `/tools?${search.toString()}`;
}

export default function ToolsLibrary() {
  const { t, tx } = useI18n();
  const labels = useToolLabels();
  const { params, items, total, facets, pageCount, today, can } = useLoaderData<typeof loader>();
  const facetLabel = (facet: Facet, value: string) =>
    facet === "kind"
      ? labels.kind(value)
      : facet === "topic"
        ? labels.topic(value)
        : facet === "discipline"
          ? labels.discipline(value)
          : facet === "language"
            ? labels.language(value)
            : facet === "publisher"
              ? labels.publisherName(value)
              : value;
  const countText = params.q ? tx("tools.search.resultsFor", { count: total, q: params.q }) : tx("tools.search.results", { count: total });
  return (
    <div className="container stack stack--l">
      <header className="page-header stack stack--s">
        <h1>{t("tools.title")}</h1>
        <p className="lead">{t("tools.lead")}</p>
        <ul className="cluster">
          {can.bookmark ? (
            <li>
              <Link className="btn btn--small btn--secondary" to="/tools/mine">
                {t("tools.actions.mine")}
              </Link>
            </li>
          ) : null}
          {can.suggest ? (
            <li>
              <Link className="btn btn--small btn--secondary" to="/tools/suggest">
                {t("tools.actions.suggest")}
              </Link>
            </li>
          ) : null}
          {can.curate ? (
            <li>
              <Link className="btn btn--small btn--secondary" to="/tools/curation">
                {t("tools.actions.curation")}
              </Link>
            </li>
          ) : null}
          {can.curate ? (
            <li>
              <Link className="btn btn--small btn--primary" to="/tools/new">
                {t("tools.actions.new")}
              </Link>
            </li>
          ) : null}
        </ul>
      </header>

      <div className="tools-layout">
        <Form method="get" className="form stack tools-filters" role="search" aria-label={t("tools.search.label")}>
          <div className="field">
            <label className="field__label" htmlFor="tools-q">
              {t("tools.search.label")}
            </label>
            <p className="field__hint" id="tools-q-hint">
              {t("tools.search.hint")}
            </p>
            <input
              id="tools-q"
              className="input"
              type="search"
              name="q"
              defaultValue={params.q}
              maxLength={200}
              aria-describedby="tools-q-hint"
            />
          </div>
          <fieldset className="stack stack--s">
            <legend className="field__label">{t("tools.search.filters")}</legend>
            {FACETS.map((facet) => {
              const options = facets[facet];
              const selected = params[facet];
              const hasSelected = !selected || options.some((o) => o.value === selected);
              return (
                <div className="field" key={facet}>
                  <label className="field__label" htmlFor={`facet-${facet}`}>
                    {tx(`tools.facets.${facet}`)}
                  </label>
                  <select id={`facet-${facet}`} name={facet} className="select" defaultValue={selected ?? ""}>
                    <option value="">{t("tools.search.any")}</option>
                    {!hasSelected && selected ? (
                      <option value={selected}>{t("tools.search.facetOption", { label: facetLabel(facet, selected), count: 0 })}</option>
                    ) : null}
                    {options.map((o) => (
                      <option key={o.value} value={o.value}>
                        {t("tools.search.facetOption", { label: facetLabel(facet, o.value), count: o.count })}
                      </option>
                    ))}
                  </select>
                </div>
              );
            })}
          </fieldset>
          <div className="field">
            <label className="field__label" htmlFor="tools-sort">
              {t("tools.search.sort")}
            </label>
            <select id="tools-sort" name="sort" className="select" defaultValue={params.sort}>
              {SORTS.map((s) => (
                <option key={s} value={s}>
                  {tx(`tools.search.sorts.${s}`)}
                </option>
              ))}
            </select>
          </div>
          <label className="checkbox">
            <input type="checkbox" name="superseded" value="1" defaultChecked={params.superseded} />
            <span>{t("tools.search.superseded")}</span>
          </label>
          <div className="form-actions">
            <button type="submit" className="btn btn--primary">
              {t("tools.search.submit")}
            </button>
            <Link className="btn" to="/tools">
              {t("tools.search.reset")}
            </Link>
          </div>
        </Form>

        <section className="stack" aria-labelledby="tools-results-title">
          <h2 id="tools-results-title" className="section-title">
            {t("tools.search.results")}
          </h2>
          <p role="status" className="meta">
            {countText}
          </p>
          {items.length === 0 ? (
            <div className="empty-state">
              <p>{t("tools.search.empty")}</p>
              <p className="meta">{t("tools.search.emptyHint")}</p>
            </div>
          ) : (
            <ul className="stack stack--s tools-results">
              {items.map((tool) => (
                <ToolCard key={tool.id} tool={tool} today={today} />
              ))}
            </ul>
          )}
          {pageCount > 1 ? (
            <nav className="pagination" aria-label={t("tools.search.pagination")}>
              <ul>
                <li>
                  {params.page > 1 ? (
                    <Link to={pageHref(params, params.page - 1)} rel="prev">
                      {t("tools.search.previous")}
                    </Link>
                  ) : (
                    <span aria-disabled="true">{t("tools.search.previous")}</span>
                  )}
                </li>
                <li>
                  <span aria-current="page">{t("tools.search.page", { page: params.page, count: pageCount })}</span>
                </li>
                <li>
                  {params.page < pageCount ? (
                    <Link to={pageHref(params, params.page + 1)} rel="next">
                      {t("tools.search.next")}
                    </Link>
                  ) : (
                    <span aria-disabled="true">{t("tools.search.next")}</span>
                  )}
                </li>
              </ul>
            </nav>
          ) : null}
        </section>
      </div>
    </div>
  );
}
