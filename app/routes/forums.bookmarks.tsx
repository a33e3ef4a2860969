import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireViewer } from "~/modules/accounts/guards.server";
import { Breadcrumbs } from "~/modules/forums/components/breadcrumbs";
import { listBookmarks } from "~/modules/forums/forums.server";
import { useI18n } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => pageTitle(args, "forums.bookmarksPage.title");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request, context);
  return json({ bookmarks: await listBookmarks(context.db, viewer) });
}

export default function Bookmarks() {
  const { t, date } = useI18n();
  const { bookmarks } = useLoaderData<typeof loader>();
  return (
    <div className="container stack stack--l">
      <Breadcrumbs items={[{ label: t("forums.title"), to: "/forums" }, { label: t("forums.bookmarksPage.title") }]} />
      <h1>{t("forums.bookmarksPage.title")}</h1>
      {bookmarks.length === 0 ? (
        <p className="empty-state">{t("forums.bookmarksPage.empty")}</p>
      ) : (
        <ul className="result-list">
          {bookmarks.map((b) => (
            <li key={b.postId}>
              <p>
                <Link to={`/forums/p/${b.postId}`}>
                  {t("forums.post.label", { number: b.postNumber, name: b.author?.display_name ?? t("forums.post.formerMember") })}
                </Link>{" "}
                <span className="meta">{t("forums.bookmarksPage.in", { title: b.title })}</span>
              </p>
              <p className="meta">{date(b.createdAt, "datetime")}</p>
              <p>{b.excerpt}</p>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
