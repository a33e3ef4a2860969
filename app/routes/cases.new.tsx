// Presenting a case with the structured template. Works without JavaScript: a plain
// form; the server runs the identifier guard and lists each finding with its excerpt
// (with JavaScript they are also highlighted in the text, as the person types).
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { requireVerified } from "~/modules/accounts/guards.server";
import { CaseForm, templateInput, typedValues } from "~/modules/cases/case-form";
import { createCase, detailsTextOf, listMySpaces } from "~/modules/cases/cases.server";
import { overridesFromForm } from "~/modules/identifier-guard/schemas";
import { useI18n } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => pageTitle(args, "cases.new");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = await requireVerified(request, context);
  return json({ spaces: await listMySpaces(context.db, viewer.claims, viewer.id) });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const viewer = await requireVerified(request, context);
  const form = await request.formData();
  const outcome = await createCase(context.db, viewer.claims, templateInput(form), overridesFromForm(form));
  if (!outcome.ok) return json({ outcome, typed: typedValues(form, detailsTextOf(form)) }, { status: outcome.status });
  return redirect(`/cases/${outcome.id}`);
}

export default function NewCase() {
  const { t } = useI18n();
  const { spaces } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  return (
    <div className="container container--narrow stack stack--l">
      <p>
        <Link to="/cases">← {t("cases.back")}</Link>
      </p>
      <header className="page-header">
        <h1>{t("cases.new")}</h1>
        <p>{t("cases.lead")}</p>
      </header>
      <CaseForm
        spaces={spaces}
        refusal={data?.outcome}
        initial={data?.typed ?? { values: {}, multi: { substances: [], conditions: [] } }}
        submitLabel={t("cases.form.save")}
      />
    </div>
  );
}
