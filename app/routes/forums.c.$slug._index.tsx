import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { getOptionalViewer, invariantResponse, requireViewer } from "~/modules/accounts/guards.server";
import { Breadcrumbs, categoryLabel, forumTrail } from "~/modules/forums/components/breadcrumbs";
import { TopicList } from "~/modules/forums/components/topic-list";
import { useLoadMore } from "~/modules/forums/components/use-load-more";
import { WatchForm } from "~/modules/forums/components/watch-form";
import { cursorSchema, getCategory, listCategoryTopics, setCategoryWatch } from "~/modules/forums/forums.server";
import { parseWithZod, watchSchema } from "~/modules/forums/forms.server";
import { useI18n } from "~/utils/i18n";
import { metaI18n, siteTitle } from "~/utils/meta";

export const meta: MetaFunction<typeof loader> = ({ data, matches, location }) => {
  const { locale, t } = metaI18n({ matches, location });
  const name = data ? categoryLabel(locale, data.category, data.category) : t("forums.title");
  return [{ title: siteTitle(name, t("forums.title")) }];
};

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const viewer = await getOptionalViewer(request, context);
  const category = await getCategory(context.db, viewer?.claims ?? null, params.slug ?? "");
  invariantResponse(category, "not_found");
  const raw = new URL(request.url).searchParams.get("cursor");
  const cursor = raw ? cursorSchema.safeParse(raw) : null;
  if (cursor && !cursor.success) throw new Response("bad cursor", { status: 400 });
  const page = await listCategoryTopics(context.db, viewer?.claims ?? null, category.id, cursor?.data ?? null);
  return json({ category, ...page, signedIn: Boolean(viewer) });
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const viewer = await requireViewer(request, context);
  const category = await getCategory(context.db, viewer.claims, params.slug ?? "");
  invariantResponse(category, "not_found");
  const submission = parseWithZod(await request.formData(), { schema: watchSchema });
  if (submission.status !== "success") return json(submission.reply(), { status: 400 });
  const outcome = await setCategoryWatch(context.db, viewer, category.id, submission.value.level);
  if (!outcome.ok)
    return json(submission.reply({ formErrors: [outcome.formError ?? "forums.errors.forbidden"] }), { status: outcome.status });
  return redirect(`/forums/c/${category.slug}?watch=saved`);
}

export default function CategoryPage() {
  const { t, tx, label, locale } = useI18n();
  const data = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const { category } = data;
  const { items, next, loadMoreProps } = useLoadMore(data.topics, data.nextCursor);
  const description = label({ name_fr: category.description_fr, name_en: category.description_en });
  return (
    <div className="container stack stack--l">
      <Breadcrumbs
        items={forumTrail(
          locale,
          t("forums.title"),
          { name_fr: category.space_name_fr, name_en: category.space_name_en, region_code: category.region_code },
          category,
          { linkCategory: false },
        )}
      />
      <header className="page-header stack stack--s">
        <h1>{categoryLabel(locale, category, category)}</h1>
        {description ? <p className="lead">{description}</p> : null}
        <p className="meta">
          <span className="badge badge--state">{tx(`forums.visibility.${category.visibility}`)}</span>{" "}
          {tx("forums.counts.topics", { count: category.topic_count })} · {tx("forums.counts.posts", { count: category.post_count })}
        </p>
        <div className="cluster">
          {category.can_post ? (
            <Link className="btn btn--primary" to={`/forums/c/${category.slug}/new`}>
              {t("forums.category.newTopic")}
            </Link>
          ) : null}
          {data.signedIn ? <WatchForm id="category-watch" level={category.watch_level ?? "normal"} /> : null}
        </div>
      </header>
      {params.get("watch") ? (
        <p className="alert alert--success" role="status">
          {t("forums.watch.saved")}
        </p>
      ) : null}
      {category.archived_at ? (
        <p className="alert alert--warning" role="note">
          {t("forums.category.archived")}
        </p>
      ) : null}
      {data.signedIn && !category.can_post && !category.archived_at ? <p className="meta">{t("forums.category.cannotPost")}</p> : null}

      {data.pinned.length > 0 ? (
        <section className="stack stack--s" aria-labelledby="pinned-title">
          <h2 id="pinned-title" className="section-title">
            {t("forums.category.pinned")}
          </h2>
          <TopicList topics={data.pinned} labelledBy="pinned-title" />
        </section>
      ) : null}
      <section className="stack stack--s" aria-labelledby="topics-title">
        <h2 id="topics-title" className="section-title">
          {t("forums.category.topics")}
        </h2>
        {items.length === 0 && data.pinned.length === 0 ? (
          <div className="empty-state stack stack--s">
            <p>{t("forums.category.empty")}</p>
            {category.can_post ? (
              <p>
                <Link className="btn btn--primary" to={`/forums/c/${category.slug}/new`}>
                  {t("forums.category.emptyCta")}
                </Link>
              </p>
            ) : null}
          </div>
        ) : (
          <TopicList topics={items} labelledBy="topics-title" />
        )}
        {next ? (
          <p>
            <Link {...loadMoreProps}>{t("forums.category.loadMore")}</Link>
          </p>
        ) : null}
      </section>
    </div>
  );
}
