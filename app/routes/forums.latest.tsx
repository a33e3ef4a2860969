import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { getOptionalViewer } from "~/modules/accounts/guards.server";
import { Breadcrumbs } from "~/modules/forums/components/breadcrumbs";
import { TopicList } from "~/modules/forums/components/topic-list";
import { useLoadMore } from "~/modules/forums/components/use-load-more";
import { cursorSchema, listLatestTopics } from "~/modules/forums/forums.server";
import { useI18n } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => pageTitle(args, "forums.latestTitle");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = await getOptionalViewer(request, context);
  const raw = new URL(request.url).searchParams.get("cursor");
  const cursor = raw ? cursorSchema.safeParse(raw) : null;
  if (cursor && !cursor.success) throw new Response("bad cursor", { status: 400 });
  const page = await listLatestTopics(context.db, viewer?.claims ?? null, cursor?.data ?? null);
  return json({ ...page, paged: Boolean(cursor) });
}

export default function Latest() {
  const { t } = useI18n();
  const data = useLoaderData<typeof loader>();
  const { items, next, loadMoreProps } = useLoadMore(data.topics, data.nextCursor);
  return (
    <div className="container stack stack--l">
      <Breadcrumbs items={[{ label: t("forums.title"), to: "/forums" }, { label: t("forums.latestTitle") }]} />
      <h1 id="latest-title">{t("forums.latestTitle")}</h1>
      <TopicList topics={items} labelledBy="latest-title" />
      {next ? (
        <p>
          <Link {...loadMoreProps}>{t("forums.category.loadMore")}</Link>
        </p>
      ) : null}
    </div>
  );
}
