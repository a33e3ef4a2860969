// /search?q=… — a GET form that works without JavaScript; results are what the person may read.
import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { useProfileOptions } from "~/modules/accounts/components/use-options";
import { getOptionalViewer } from "~/modules/accounts/guards.server";
import { isDatabaseOverload, parseSearchQuery, search, SearchBusyError, searchFilters } from "~/modules/search/search.server";
import { resultSummary, SEARCH_LIMITS, SEARCH_SOURCES, type Excerpt } from "~/modules/search/limits";
import { documentLang, useI18n } from "~/utils/i18n";
import { publisherLabel } from "~/utils/reference-labels";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => pageTitle(args, "forums.search.title");

const NOT_SEARCHED = { hits: [], more: false, searched: false, tools: { hits: [], total: 0 }, cases: { hits: [], total: 0 } };
/** Seconds a browser (or a script) is told to wait after a 503. */
const RETRY_AFTER_SECONDS = 5;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = await getOptionalViewer(request, context);
  const claims = viewer?.claims ?? null;
  const url = new URL(request.url);
  // The filter choices are a small read; under overload the form still works without them.
  const noFilters: Awaited<ReturnType<typeof searchFilters>> = { categories: [] };
  const filters = await searchFilters(context.db, claims).catch((error: unknown) => {
    if (isDatabaseOverload(error)) return noFilters;
    throw error;
  });
  const noErrors: Partial<Record<string, string[]>> = {};
  const parsed = parseSearchQuery(url.searchParams);
  if (!parsed.ok) {
    // Bad input: 400 with the field's message, nothing searched.
    return json({ query: parsed.query, results: NOT_SEARCHED, filters, errors: parsed.errors, busy: false }, { status: 400 });
  }
  const query = parsed.query;
  try {
    const results = await search(context.db, claims, query);
    return json({ query, results, filters, errors: noErrors, busy: false });
  } catch (error) {
    if (!(error instanceof SearchBusyError)) throw error;
    context.logger.warn({ reason: error.reason }, "search: busy, answered 503");
    return json(
      { query, results: NOT_SEARCHED, filters, errors: noErrors, busy: true },
      { status: 503, headers: { "Retry-After": String(RETRY_AFTER_SECONDS), "Cache-Control": "no-store" } },
    );
  }
}

function Runs({ runs }: { runs: Excerpt }) {
  return <>{runs.map((r, i) => (r.mark ? <mark key={i}>{r.text}</mark> : <span key={i}>{r.text}</span>))}</>;
}

export default function Search() {
  const { t, tx, label, date, locale } = useI18n();
  const { query, results, filters, errors, busy } = useLoaderData<typeof loader>();
  const options = useProfileOptions();
  const nextParams = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== "" && k !== "offset") nextParams.set(k, String(v));
  nextParams.set("offset", String(query.offset + SEARCH_LIMITS.pageSize));
  const qError = errors.q?.[0];
  const tooShort = query.q.length > 0 && query.q.length < SEARCH_LIMITS.queryMin;
  const fieldError = qError ? tx(qError, { max: SEARCH_LIMITS.queryMax }) : tooShort ? t("forums.search.tooShort") : null;
  const found = resultSummary(results);
  return (
    <div className="container stack stack--l">
      <h1>{t("forums.search.title")}</h1>
      <Form method="get" action="/search" className="form search-form" role="search">
        <div className="cluster">
          <div className="field">
            <label className="field__label" htmlFor="search-q">
              {t("forums.search.label")}
            </label>
            <input
              className="input"
              id="search-q"
              name="q"
              type="search"
              defaultValue={query.q}
              maxLength={SEARCH_LIMITS.queryMax}
              aria-describedby={fieldError ? "search-q-error" : undefined}
              aria-invalid={fieldError ? true : undefined}
            />
            {fieldError ? (
              <p className="field__error" id="search-q-error">
                {fieldError}
              </p>
            ) : null}
          </div>
          <button type="submit" className="btn btn--primary">
            {t("forums.search.submit")}
          </button>
        </div>
        <details
          open={Boolean(
            errors.from ||
            errors.to ||
            query.category ||
            query.region ||
            query.tag ||
            query.author ||
            query.from ||
            query.to ||
            query.source !== "all",
          )}
        >
          <summary>{t("forums.search.filters")}</summary>
          <div className="grid">
            <div className="field">
              <label className="field__label" htmlFor="search-source">
                {t("tools.siteSearch.source")}
              </label>
              <select className="select" id="search-source" name="source" defaultValue={query.source}>
                {SEARCH_SOURCES.map((s) => (
                  <option key={s} value={s}>
                    {tx(`tools.siteSearch.sources.${s}`)}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label className="field__label" htmlFor="search-category">
                {t("forums.search.category")}
              </label>
              <select className="select" id="search-category" name="category" defaultValue={query.category ?? ""}>
                <option value="">{t("forums.search.any")}</option>
                {filters.categories.map((c) => (
                  <option key={c.slug} value={c.slug}>
                    {label(c)}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label className="field__label" htmlFor="search-region">
                {t("forums.search.region")}
              </label>
              <select className="select" id="search-region" name="region" defaultValue={query.region ?? ""}>
                <option value="">{t("forums.search.any")}</option>
                {options.regions.map((r) => (
                  <option key={r.value} value={r.value}>
                    {r.label}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label className="field__label" htmlFor="search-tag">
                {t("forums.search.tag")}
              </label>
              <select className="select" id="search-tag" name="tag" defaultValue={query.tag ?? ""}>
                <option value="">{t("forums.search.any")}</option>
                {options.topics.map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label className="field__label" htmlFor="search-author">
                {t("forums.search.author")}
              </label>
              <p className="field__hint" id="search-author-hint">
                {t("forums.search.authorHint")}
              </p>
              <input
                className="input"
                id="search-author"
                name="author"
                defaultValue={query.author ?? ""}
                aria-describedby="search-author-hint"
                maxLength={SEARCH_LIMITS.authorMax}
              />
            </div>
            <div className="field">
              <label className="field__label" htmlFor="search-from">
                {t("forums.search.from")}
              </label>
              <input
                className="input"
                id="search-from"
                name="from"
                type="date"
                defaultValue={query.from ?? ""}
                aria-describedby={errors.from ? "search-from-error" : undefined}
                aria-invalid={errors.from ? true : undefined}
              />
              {errors.from ? (
                <p className="field__error" id="search-from-error">
                  {t("forums.search.badDate")}
                </p>
              ) : null}
            </div>
            <div className="field">
              <label className="field__label" htmlFor="search-to">
                {t("forums.search.to")}
              </label>
              <input
                className="input"
                id="search-to"
                name="to"
                type="date"
                defaultValue={query.to ?? ""}
                aria-describedby={errors.to ? "search-to-error" : undefined}
                aria-invalid={errors.to ? true : undefined}
              />
              {errors.to ? (
                <p className="field__error" id="search-to-error">
                  {t("forums.search.badDate")}
                </p>
              ) : null}
            </div>
          </div>
        </details>
      </Form>

      {busy ? (
        <p className="alert alert--error" role="alert">
          {t("forums.search.busy")}
        </p>
      ) : null}
      {results.searched && found.nothing ? (
        <p role="status">
          {query.source === "tool" ? t("tools.siteSearch.none", { query: query.q }) : t("forums.search.none", { query: query.q })}
        </p>
      ) : null}

      {results.searched && results.tools.hits.length > 0 ? (
        <section className="stack" aria-labelledby="tool-results-title">
          <h2 id="tool-results-title" className="section-title">
            {t("tools.siteSearch.title")}
          </h2>
          <p className="meta">{tx("tools.siteSearch.count", { count: found.tools, query: query.q })}</p>
          <ul className="result-list">
            {results.tools.hits.map((hit) => (
              <li key={hit.url}>
                <p className="topic-list__title">
                  <Link to={hit.url} lang={documentLang(hit.language)}>
                    <Runs runs={hit.title} />
                  </Link>
                </p>
                <p className="meta">
                  {[tx(`toolKinds.${hit.kind}`), hit.publisher ? publisherLabel(hit.publisher, locale) : null].filter(Boolean).join(" · ")}
                </p>
                <p lang="fr-CA">
                  <Runs runs={hit.excerpt} />
                </p>
              </li>
            ))}
          </ul>
          {found.tools > results.tools.hits.length ? (
            <p>
              <Link to={`/tools?q=${encodeURIComponent(query.q)}`}>{t("tools.siteSearch.all", { count: found.tools })}</Link>
            </p>
          ) : null}
        </section>
      ) : null}

      {results.searched && results.cases.hits.length > 0 ? (
        <section className="stack" aria-labelledby="case-results-title">
          <h2 id="case-results-title" className="section-title">
            {t("cases.search.title")}
          </h2>
          <p className="meta">{tx("cases.search.count", { count: found.cases, query: query.q })}</p>
          <ul className="result-list">
            {results.cases.hits.map((hit) => (
              <li key={hit.url}>
                <p className="topic-list__title">
                  <Link to={hit.url}>
                    <Runs runs={hit.title} />
                  </Link>
                </p>
                <p className="meta">
                  {tx(`cases.statuses.${hit.status}`)} · {tx(`cases.careSettings.${hit.careSetting}`)}
                </p>
                <p>
                  <Runs runs={hit.excerpt} />
                </p>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {query.source === "tool" || (results.searched && found.nothing) ? null : (
        <section className="stack" aria-labelledby="results-title">
          <h2 id="results-title" className="section-title">
            {t("forums.search.forumResults")}
          </h2>
          {busy ? null : !results.searched ? (
            <p className="meta">{t("forums.search.prompt")}</p>
          ) : results.hits.length === 0 ? (
            <p role="status">{t("forums.search.noneInForums", { query: query.q })}</p>
          ) : (
            <>
              <p className="meta" role="status">
                {results.more
                  ? t("forums.search.resultsMany", { count: query.offset + results.hits.length, query: query.q })
                  : tx("forums.search.results", { count: query.offset + results.hits.length, query: query.q })}
              </p>
              <ol className="result-list" start={query.offset + 1}>
                {results.hits.map((hit) => (
                  <li key={hit.url}>
                    <p className="topic-list__title">
                      <Link to={hit.url}>
                        <Runs runs={hit.title} />
                      </Link>
                    </p>
                    <p className="meta">
                      {hit.kind === "topic" ? t("forums.search.topicMatch") : t("forums.search.replyMatch", { number: hit.postNumber })}
                      {" · "}
                      {t("forums.search.in", { category: label(hit.category) })}
                      {hit.author ? ` · ${hit.author}` : ""} · {date(hit.createdAt, "short")}
                    </p>
                    <p>
                      <Runs runs={hit.excerpt} />
                    </p>
                  </li>
                ))}
              </ol>
              {results.more ? (
                <p>
                  <Link to={`/search?${nextParams.toString()}`}>{t("forums.search.more")}</Link>
                </p>
              ) : null}
            </>
          )}
        </section>
      )}
    </div>
  );
}
