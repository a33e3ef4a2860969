// One item of the library: summary, details, file or link, review state, versions,
// where it is cited; bookmarks for members; the editorial workflow for curators.
import { parseWithZod } from "@conform-to/zod";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { hasRole } from "~/modules/accounts/accounts.server";
import { getOptionalViewer, invariantResponse, requireViewer } from "~/modules/accounts/guards.server";
import { documentLang, useToolLabels } from "~/modules/tools/components/labels";
import { isPastDue, isUuid, TOOL_TRANSITIONS } from "~/modules/tools/limits";
import { statusSchema } from "~/modules/tools/schemas";
import { createNewVersion, deleteTool, getTool, setBookmark, setToolStatus } from "~/modules/tools/tools.server";
import { useI18n } from "~/utils/i18n";
import { metaI18n, siteTitle } from "~/utils/meta";
import { localToday } from "~/utils/local-time";

export const meta: MetaFunction<typeof loader> = ({ data, matches, location }) => {
  const { t } = metaI18n({ matches, location });
  const title = data?.item.tool.title ?? t("tools.errors.not_found");
  return [{ title: siteTitle(title, t("tools.title")) }];
};

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  invariantResponse(isUuid(params.id), "not_found");
  const viewer = await getOptionalViewer(request, context);
  const item = await getTool(context.db, viewer?.claims ?? null, params.id);
  invariantResponse(item, "not_found");
  return json({
    item,
    today: localToday(),
    citeUrl: `${context.env.publicUrl}/tools/${item.tool.id}`,
    signedIn: Boolean(viewer),
    curator: hasRole(viewer, "curator"),
  });
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const viewer = await requireViewer(request, context);
  invariantResponse(isUuid(params.id), "not_found");
  const id = params.id;
  const formData = await request.formData();
  const intent = formData.get("intent");
  const deps = { db: context.db, storage: context.storage, logger: context.logger };
  if (intent === "bookmark" || intent === "unbookmark") {
    const outcome = await setBookmark(context.db, viewer, id, intent === "bookmark");
    if (!outcome.ok) return json({ formError: outcome.formError ?? "errors.invalid" }, { status: outcome.status });
    return redirect(`/tools/${id}?done=${intent}`);
  }
  if (intent === "status") {
    const submission = parseWithZod(formData, { schema: statusSchema });
    if (submission.status !== "success") return json({ formError: "errors.invalid" }, { status: 400 });
    const outcome = await setToolStatus(deps, viewer, id, submission.value.to);
    if (!outcome.ok) return json({ formError: outcome.formError ?? "errors.invalid" }, { status: outcome.status });
    return redirect(`/tools/${id}?done=status`);
  }
  if (intent === "new_version") {
    const outcome = await createNewVersion(deps, viewer, id);
    if (!outcome.ok) return json({ formError: outcome.formError ?? "errors.invalid" }, { status: outcome.status });
    return redirect(`/tools/${outcome.id}/edit?version=1`);
  }
  if (intent === "delete") {
    const outcome = await deleteTool(deps, viewer, id);
    if (!outcome.ok) return json({ formError: outcome.formError ?? "errors.invalid" }, { status: outcome.status });
    return redirect("/tools/curation?done=deleted");
  }
  return json({ formError: "errors.invalid" }, { status: 400 });
}

export default function ToolPage() {
  const { t, tx, locale, date } = useI18n();
  const labels = useToolLabels();
  const { item, today, citeUrl, signedIn, curator } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const [params] = useSearchParams();
  const { tool, versions, bookmarked, citations } = item;
  const lang = documentLang(tool.language);
  const pastDue = tool.status === "published" && isPastDue(tool.review_due_on, today);
  const newest = tool.superseded_by ? (versions.find((v) => v.id === tool.superseded_by) ?? null) : null;
  const summaryText = locale === "en-CA" && tool.summary_en ? tool.summary_en : tool.summary_fr;
  const summaryLang = locale === "en-CA" && tool.summary_en ? "en-CA" : "fr-CA";
  const done = params.get("done");
  const notice =
    done === "bookmark"
      ? t("tools.item.bookmarked")
      : done === "unbookmark"
        ? t("tools.item.unbookmarked")
        : done === "saved"
          ? t("tools.item.saved")
          : done === "created"
            ? t("tools.item.created")
            : done === "status"
              ? t("tools.item.statusChanged", { status: labels.status(tool.status) })
              : null;
  const details: Array<[string, string | null]> = [
    [t("tools.item.publisher"), tool.publisher ? labels.publisherName(tool.publisher) : null],
    [t("tools.item.publishedOn"), labels.published(tool.published_on)],
    [t("tools.item.version"), tool.version_label],
    [t("tools.item.language"), labels.language(tool.language)],
    [t("tools.item.lastReviewed"), tool.last_reviewed_on ? date(tool.last_reviewed_on) : null],
    [t("tools.item.reviewDue"), tool.review_due_on ? date(tool.review_due_on) : null],
  ];
  return (
    <div className="container container--narrow stack stack--l">
      <p>
        <Link to="/tools">← {t("tools.item.back")}</Link>
      </p>
      <header className="page-header stack stack--s">
        <p className="meta">{labels.kind(tool.kind)}</p>
        <h1 lang={lang}>{tool.title}</h1>
        <p className="cluster">
          {tool.status !== "published" ? <span className="badge badge--role">{labels.status(tool.status)}</span> : null}
          {tool.superseded_by ? <span className="badge badge--unverified">{t("tools.card.superseded")}</span> : null}
          {pastDue ? <span className="badge badge--unverified">{t("tools.card.pastDue")}</span> : null}
        </p>
      </header>
      {notice ? (
        <p className="alert alert--success" role="status">
          {notice}
        </p>
      ) : null}
      {data?.formError ? (
        <p className="alert alert--error" role="alert">
          {tx(data.formError)}
        </p>
      ) : null}

      {tool.superseded_by ? (
        <div className="alert alert--warning tool-notice" role="note">
          <h2>{t("tools.item.supersededTitle")}</h2>
          <p>{t("tools.item.supersededBody")}</p>
          {newest ? (
            <p>
              <Link to={`/tools/${newest.id}`}>{t("tools.item.supersededLink", { title: newest.title })}</Link>
            </p>
          ) : null}
        </div>
      ) : null}
      {pastDue && tool.review_due_on ? (
        <div className="alert alert--warning tool-notice" role="note">
          <h2>{t("tools.item.pastDueTitle")}</h2>
          <p>{t("tools.item.pastDueBody", { date: date(tool.review_due_on) })}</p>
        </div>
      ) : null}

      <section className="stack stack--s" aria-labelledby="tool-summary">
        <h2 id="tool-summary" className="section-title">
          {t("tools.item.summary")}
        </h2>
        {summaryText ? <p lang={summaryLang}>{summaryText}</p> : <p className="meta">{t("tools.item.none")}</p>}
        {locale === "en-CA" && !tool.summary_en && tool.summary_fr ? <p className="meta">{t("tools.item.summaryOtherLanguage")}</p> : null}
      </section>

      <section className="stack stack--s" aria-labelledby="tool-access">
        <h2 id="tool-access" className="section-title">
          {t("tools.item.access")}
        </h2>
        {tool.file_id && tool.file_name ? (
          <p>
            <a className="btn btn--primary" href={`/files/${tool.file_id}`} download>
              {t("tools.item.download", { name: tool.file_name })}
            </a>{" "}
            <span className="meta">
              {t("tools.item.fileMeta", { type: labels.fileType(tool.file_type ?? ""), size: labels.size(tool.file_size ?? 0) })}
            </span>
          </p>
        ) : null}
        {tool.url ? (
          <p>
            <a className="btn btn--secondary" href={tool.url} rel="noopener noreferrer" target="_blank" aria-describedby="tool-open-hint">
              {t("tools.item.open")}
            </a>{" "}
            <span className="meta" id="tool-open-hint">
              {t("tools.item.openHint")}
            </span>
          </p>
        ) : null}
        {!tool.file_id && !tool.url ? <p className="meta">{t("tools.item.noAccess")}</p> : null}
        {signedIn ? (
          <Form method="post">
            <input type="hidden" name="intent" value={bookmarked ? "unbookmark" : "bookmark"} />
            <button type="submit" className="btn btn--small btn--secondary">
              {bookmarked ? t("tools.item.unbookmark") : t("tools.item.bookmark")}
            </button>
          </Form>
        ) : (
          <p>
            <Link to={`/login?redirectTo=${encodeURIComponent(`/tools/${tool.id}`)}`}>{t("tools.item.signInToBookmark")}</Link>
          </p>
        )}
      </section>

      <section className="stack stack--s" aria-labelledby="tool-details">
        <h2 id="tool-details" className="section-title">
          {t("tools.item.details")}
        </h2>
        <dl className="definition-list">
          {details.map(([label, value]) => (
            <div key={label}>
              <dt>{label}</dt>
              <dd>{value ?? t("tools.item.none")}</dd>
            </div>
          ))}
          <div>
            <dt>{t("tools.item.topics")}</dt>
            <dd>
              {tool.topics.length ? (
                <ul className="tag-list">
                  {tool.topics.map((c) => (
                    <li key={c} className="tag">
                      {labels.topic(c)}
                    </li>
                  ))}
                </ul>
              ) : (
                t("tools.item.none")
              )}
            </dd>
          </div>
          <div>
            <dt>{t("tools.item.disciplines")}</dt>
            <dd>
              {tool.disciplines.length ? (
                <ul className="tag-list">
                  {tool.disciplines.map((c) => (
                    <li key={c} className="tag">
                      {labels.discipline(c)}
                    </li>
                  ))}
                </ul>
              ) : (
                t("tools.item.none")
              )}
            </dd>
          </div>
        </dl>
      </section>

      {versions.length > 1 ? (
        <section className="stack stack--s" aria-labelledby="tool-versions">
          <h2 id="tool-versions" className="section-title">
            {t("tools.item.versions")}
          </h2>
          <ul className="stack stack--s">
            {versions.map((v) => (
              <li key={v.id}>
                {v.id === tool.id ? (
                  <strong lang={lang}>{v.version_label ?? t("tools.item.versionUnlabelled")}</strong>
                ) : (
                  <Link to={`/tools/${v.id}`}>{v.version_label ?? t("tools.item.versionUnlabelled")}</Link>
                )}
                {" · "}
                {labels.published(v.published_on) ?? ""} · {labels.status(v.status)}
                {v.id === tool.id ? ` ${t("tools.item.versionShown")}` : ""}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section className="stack stack--s" aria-labelledby="tool-citations">
        <h2 id="tool-citations" className="section-title">
          {t("tools.item.citations")}
        </h2>
        {citations.length === 0 ? (
          <p className="meta">{t("tools.item.citationsEmpty")}</p>
        ) : (
          <ul className="stack stack--s">
            {citations.map((c) => (
              <li key={`${c.kind}-${c.postId}`}>
                <Link to={`/forums/t/${c.topicId}#p-${c.postNumber}`}>{t("tools.item.citationForum", { title: c.title })}</Link>{" "}
                <span className="meta">{date(c.createdAt)}</span>
              </li>
            ))}
          </ul>
        )}
        {tool.status === "published" ? <p className="meta tool-cite">{t("tools.item.citeHint", { url: citeUrl })}</p> : null}
      </section>

      {curator ? (
        <section className="stack stack--s card" aria-labelledby="tool-curate">
          <h2 id="tool-curate" className="section-title">
            {t("tools.curate.title")}
          </h2>
          <div className="cluster">
            {tool.status !== "archived" ? (
              <Link className="btn btn--small btn--secondary" to={`/tools/${tool.id}/edit`}>
                {t("tools.curate.edit")}
              </Link>
            ) : null}
            {TOOL_TRANSITIONS[tool.status].map((to) => (
              <Form method="post" key={to}>
                <input type="hidden" name="intent" value="status" />
                <input type="hidden" name="to" value={to} />
                <button type="submit" className={to === "published" ? "btn btn--small btn--primary" : "btn btn--small"}>
                  {tx(`tools.curate.moveTo.${to}`)}
                </button>
              </Form>
            ))}
          </div>
          {tool.status === "published" && !tool.superseded_by ? (
            <Form method="post" className="stack stack--s">
              <input type="hidden" name="intent" value="new_version" />
              <p className="field__hint" id="new-version-hint">
                {t("tools.curate.newVersionHint")}
              </p>
              <p>
                <button type="submit" className="btn btn--small btn--secondary" aria-describedby="new-version-hint">
                  {t("tools.curate.newVersion")}
                </button>
              </p>
            </Form>
          ) : null}
          {tool.status !== "published" ? (
            <Form method="post" className="stack stack--s">
              <input type="hidden" name="intent" value="delete" />
              <p className="field__hint" id="delete-hint">
                {t("tools.curate.deleteHint")}
              </p>
              <p>
                <button type="submit" className="btn btn--small btn--danger" aria-describedby="delete-hint">
                  {t("tools.curate.delete")}
                </button>
              </p>
            </Form>
          ) : null}
        </section>
      ) : null}
    </div>
  );
}
