// Curators add an item (a draft): metadata, and a link or an uploaded file.
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData } from "@remix-run/react";
import { requireRole, requireViewer } from "~/modules/accounts/guards.server";
import { ToolForm } from "~/modules/tools/components/tool-form";
import { readToolSubmission } from "~/modules/tools/form.server";
import { createTool } from "~/modules/tools/tools.server";
import { useI18n } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => pageTitle(args, "tools.form.newTitle");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request, context);
  requireRole(viewer, "curator");
  return json({});
}

export async function action({ request, context }: ActionFunctionArgs) {
  const viewer = await requireViewer(request, context);
  requireRole(viewer, "curator");
  const submission = await readToolSubmission(request);
  if (!submission.ok) return json(submission.reply, { status: 400 });
  const outcome = await createTool(
    { db: context.db, storage: context.storage, logger: context.logger },
    viewer,
    submission.value,
    submission.file,
  );
  if (!outcome.ok) return json(submission.reply(outcome), { status: outcome.status });
  return redirect(`/tools/${outcome.id}?done=created`);
}

export default function NewTool() {
  const { t } = useI18n();
  const lastResult = useActionData<typeof action>();
  return (
    <div className="container container--narrow stack stack--l">
      <p>
        <Link to="/tools">← {t("tools.item.back")}</Link>
      </p>
      <header className="page-header">
        <h1>{t("tools.form.newTitle")}</h1>
      </header>
      <ToolForm lastResult={lastResult} defaults={{}} currentFile={null} submitLabel={t("tools.form.create")} />
    </div>
  );
}
