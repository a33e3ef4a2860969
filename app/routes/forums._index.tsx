import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { getOptionalViewer } from "~/modules/accounts/guards.server";
import { categoryLabel, spaceLabel } from "~/modules/forums/components/breadcrumbs";
import { TopicList } from "~/modules/forums/components/topic-list";
import { listForumIndex, listLatestTopics } from "~/modules/forums/forums.server";
import { canManageForums } from "~/modules/forums/manage.server";
import { hasRole } from "~/modules/accounts/accounts.server";
import { useI18n } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => pageTitle(args, "forums.title");

const GROUPS = ["community", "region", "discipline", "group"] as const;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = await getOptionalViewer(request, context);
  const claims = viewer?.claims ?? null;
  const [spaces, latest, canManage] = await Promise.all([
    listForumIndex(context.db, claims),
    listLatestTopics(context.db, claims, null, 10),
    viewer ? canManageForums(context.db, viewer) : Promise.resolve(false),
  ]);
  return json({
    spaces,
    latest: latest.topics,
    signedIn: Boolean(viewer),
    verified: viewer?.verified ?? false,
    canModerate: canManage || hasRole(viewer, "moderator"),
    canManage,
  });
}

export default function ForumIndex() {
  const { t, tx, date, label, locale } = useI18n();
  const data = useLoaderData<typeof loader>();
  // Province-wide spaces each under their own heading; regions, disciplines and private spaces grouped.
  const sections = [
    ...data.spaces.filter((s) => s.kind === "community").map((s) => ({ key: s.slug, heading: label(s), spaces: [s] })),
    ...GROUPS.filter((g) => g !== "community").map((g) => ({
      key: g,
      heading: tx(`forums.groups.${g}`),
      spaces: data.spaces.filter((s) => s.kind === g),
    })),
  ];
  return (
    <div className="container stack stack--l">
      <header className="page-header stack stack--s">
        <h1>{t("forums.title")}</h1>
        <p className="lead">{t("forums.lead")}</p>
        {data.signedIn ? (
          <ul className="cluster">
            <li>
              <Link to="/forums/bookmarks">{t("forums.bookmarks")}</Link>
            </li>
            <li>
              <Link to="/forums/settings">{t("forums.settingsLink")}</Link>
            </li>
            {data.canModerate ? (
              <li>
                <Link to="/forums/moderation">{t("forums.moderationLink")}</Link>
              </li>
            ) : null}
            {data.canManage ? (
              <li>
                <Link to="/forums/manage">{t("forums.manageLink")}</Link>
              </li>
            ) : null}
          </ul>
        ) : null}
      </header>
      {!data.signedIn ? (
        <p className="alert alert--info" role="note">
          {t("forums.anonNotice")}
        </p>
      ) : null}
      {data.signedIn && !data.verified ? (
        <p className="alert alert--info" role="note">
          {t("forums.unverifiedNotice")}
        </p>
      ) : null}

      {sections.map(({ key, heading, spaces }) => {
        if (spaces.length === 0) return null;
        return (
          <section key={key} className="stack" aria-labelledby={`group-${key}`}>
            <h2 id={`group-${key}`} className="section-title">
              {heading}
            </h2>
            {spaces.map((space) => (
              <div key={space.id} className="stack stack--s">
                {spaces.length > 1 ? (
                  <h3>
                    {spaceLabel(locale, space)} <span className="badge badge--state">{tx(`forums.visibility.${space.visibility}`)}</span>
                  </h3>
                ) : null}
                <ul className="category-list">
                  {space.categories.map((c) => (
                    <li key={c.id}>
                      <div>
                        <p className="category-list__name">
                          <Link to={`/forums/c/${c.slug}`}>{categoryLabel(locale, c, space)}</Link>
                        </p>
                        {label({ name_fr: c.description_fr, name_en: c.description_en }) || null ? (
                          <p className="meta">{label({ name_fr: c.description_fr, name_en: c.description_en })}</p>
                        ) : null}
                      </div>
                      <p className="meta">
                        {tx("forums.counts.topics", { count: c.topic_count })} · {tx("forums.counts.posts", { count: c.post_count })}
                        <br />
                        {c.last_posted_at ? t("forums.lastActivity", { date: date(c.last_posted_at, "datetime") }) : t("forums.noActivity")}
                      </p>
                    </li>
                  ))}
                </ul>
              </div>
            ))}
          </section>
        );
      })}

      {data.latest.length > 0 ? (
        <section className="stack" aria-labelledby="latest-title">
          <h2 id="latest-title" className="section-title">
            {t("forums.latestTitle")}
          </h2>
          <TopicList topics={data.latest} labelledBy="latest-title" />
          <p>
            <Link to="/forums/latest">{t("forums.latestAll")}</Link>
          </p>
        </section>
      ) : null}
    </div>
  );
}
