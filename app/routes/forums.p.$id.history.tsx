import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { RichTextView } from "~/components/rich-text/field";
import { invariantResponse, requireViewer } from "~/modules/accounts/guards.server";
import { getPostHistory } from "~/modules/forums/forums.server";
import { useI18n } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => pageTitle(args, "forums.history.title");

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request, context);
  const id = params.id && /^[1-9][0-9]{0,15}$/.test(params.id) ? Number(params.id) : null;
  invariantResponse(id, "not_found");
  const history = await getPostHistory(context.db, viewer, id);
  if (history.status !== 200) throw new Response(history.status === 404 ? "not_found" : "forbidden", { status: history.status });
  return json({ post: history.post, revisions: history.revisions });
}

export default function History() {
  const { t, date } = useI18n();
  const { post, revisions } = useLoaderData<typeof loader>();
  return (
    <div className="container container--narrow stack stack--l">
      <p>
        <Link to={`/forums/p/${post.id}`}>← {t("forums.edit.back")}</Link>
      </p>
      <h1>{t("forums.history.title")}</h1>
      <section className="card stack" aria-labelledby="current-title">
        <h2 id="current-title">{t("forums.history.current")}</h2>
        {post.title ? <p className="meta">{t("forums.history.previousTitle", { title: post.title })}</p> : null}
        <RichTextView html={post.html} />
      </section>
      {revisions.length === 0 ? <p>{t("forums.history.none")}</p> : null}
      {revisions.map((r) => (
        <section key={r.id} className="card stack" aria-labelledby={`rev-${r.id}`}>
          <h2 id={`rev-${r.id}`}>{t("forums.history.revision", { date: date(r.createdAt, "datetime") })}</h2>
          {r.editor ? <p className="meta">{t("forums.history.editedBy", { name: r.editor.display_name })}</p> : null}
          {r.title ? <p className="meta">{t("forums.history.previousTitle", { title: r.title })}</p> : null}
          <RichTextView html={r.html} />
        </section>
      ))}
    </div>
  );
}
