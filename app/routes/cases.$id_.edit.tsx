// Editing a draft (the presenter only; also after a moderator sent the case back with
// a note). Same form, same guard as presenting a case.
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { invariantResponse, requireVerified } from "~/modules/accounts/guards.server";
import { CaseForm, templateInput, typedValues } from "~/modules/cases/case-form";
import { detailsTextOf, getDraftForEdit, listMySpaces, updateCase } from "~/modules/cases/cases.server";
import { overridesFromForm } from "~/modules/identifier-guard/schemas";
import { useI18n } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => pageTitle(args, "cases.form.editTitle");

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const viewer = await requireVerified(request, context);
  const draft = await getDraftForEdit(context.db, viewer.claims, params.id ?? "");
  invariantResponse(draft, "not_found");
  return json({ draft, spaces: await listMySpaces(context.db, viewer.claims, viewer.id) });
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const viewer = await requireVerified(request, context);
  const form = await request.formData();
  const outcome = await updateCase(context.db, viewer.claims, params.id ?? "", templateInput(form), overridesFromForm(form));
  if (!outcome.ok) return json({ outcome, typed: typedValues(form, detailsTextOf(form)) }, { status: outcome.status });
  return redirect(`/cases/${outcome.id}`);
}

export default function EditCase() {
  const { t } = useI18n();
  const { draft, spaces } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  return (
    <div className="container container--narrow stack stack--l">
      <p>
        <Link to={`/cases/${draft.id}`}>← {draft.values.title}</Link>
      </p>
      <header className="page-header">
        <h1>{t("cases.form.editTitle")}</h1>
        {draft.reviewNote ? (
          <div className="alert alert--info" role="note">
            <p>
              <strong>{t("cases.page.reviewNote")}</strong> : {draft.reviewNote}
            </p>
          </div>
        ) : null}
      </header>
      <CaseForm spaces={spaces} refusal={data?.outcome} initial={data?.typed ?? draft} submitLabel={t("cases.form.save")} spaceLocked />
    </div>
  );
}
