// Curators edit an item (any status but archived), replace or remove its file.
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { invariantResponse, requireRole, requireViewer } from "~/modules/accounts/guards.server";
import { ToolForm } from "~/modules/tools/components/tool-form";
import { readToolSubmission } from "~/modules/tools/form.server";
import { isUuid } from "~/modules/tools/limits";
import { getTool, updateTool } from "~/modules/tools/tools.server";
import { useI18n } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => pageTitle(args, "tools.curate.edit");

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request, context);
  requireRole(viewer, "curator");
  invariantResponse(isUuid(params.id), "not_found");
  const item = await getTool(context.db, viewer.claims, params.id);
  invariantResponse(item, "not_found");
  invariantResponse(item.tool.status !== "archived", "archived", { status: 409 });
  const previous = item.tool.supersedes_id ? (item.versions.find((v) => v.id === item.tool.supersedes_id) ?? null) : null;
  return json({ tool: item.tool, previous });
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const viewer = await requireViewer(request, context);
  requireRole(viewer, "curator");
  invariantResponse(isUuid(params.id), "not_found");
  const submission = await readToolSubmission(request);
  if (!submission.ok) return json(submission.reply, { status: 400 });
  const outcome = await updateTool(
    { db: context.db, storage: context.storage, logger: context.logger },
    viewer,
    params.id,
    submission.value,
    submission.file,
  );
  if (!outcome.ok) return json(submission.reply(outcome), { status: outcome.status });
  return redirect(`/tools/${outcome.id}?done=saved`);
}

export default function EditTool() {
  const { t } = useI18n();
  const { tool, previous } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [params] = useSearchParams();
  return (
    <div className="container container--narrow stack stack--l">
      <p>
        <Link to={`/tools/${tool.id}`}>← {tool.title}</Link>
      </p>
      <header className="page-header stack stack--s">
        <h1>{previous ? t("tools.form.newVersionOf", { title: previous.title }) : t("tools.form.editTitle", { title: tool.title })}</h1>
        {params.get("version") ? (
          <p className="alert alert--info" role="status">
            {t("tools.curate.newVersionHint")}
          </p>
        ) : null}
        {params.get("suggestion") ? (
          <p className="alert alert--success" role="status">
            {t("tools.curation.accepted")}
          </p>
        ) : null}
      </header>
      <ToolForm
        lastResult={lastResult}
        currentFile={tool.file_name ? { name: tool.file_name } : null}
        submitLabel={t("tools.form.save")}
        defaults={{
          title: tool.title,
          kind: tool.kind,
          publisher: tool.publisher,
          publishedOn: tool.published_on,
          versionLabel: tool.version_label,
          language: tool.language,
          topics: tool.topics,
          disciplines: tool.disciplines,
          url: tool.url,
          summaryFr: tool.summary_fr,
          summaryEn: tool.summary_en,
          lastReviewedOn: tool.last_reviewed_on,
          reviewDueOn: tool.review_due_on,
        }}
      />
    </div>
  );
}
