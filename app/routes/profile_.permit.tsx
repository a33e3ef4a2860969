// The member's professional permit: its expiry, whether it lapsed (read-only until an
// admin confirms the renewal) and the renewal form (the expiry date on the renewed
// permit). Reachable while the permit has lapsed; works without JavaScript.
import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { FormErrors, TextField } from "~/components/form";
import { submitPermitRenewal } from "~/modules/accounts/accounts.server";
import { requireViewer } from "~/modules/accounts/guards.server";
import { permitRenewalSchema } from "~/modules/accounts/schemas";
import { useI18n } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => pageTitle(args, "permit.page.title");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request, context);
  return json({ permit: viewer.permit ?? null, verified: viewer.verified }, { headers: { "Cache-Control": "no-store" } });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const viewer = await requireViewer(request, context);
  const submission = parseWithZod(await request.formData(), { schema: permitRenewalSchema });
  if (submission.status !== "success") return json(submission.reply(), { status: 400 });
  const outcome = await submitPermitRenewal(context.db, viewer, submission.value);
  if (!outcome.ok)
    return json(submission.reply({ fieldErrors: outcome.fieldErrors, formErrors: outcome.formError ? [outcome.formError] : undefined }), {
      status: outcome.status,
    });
  return redirect("/profile/permit?submitted=1");
}

export default function MyPermit() {
  const { t, tx, date } = useI18n();
  const { permit } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [params] = useSearchParams();
  const [form, fields] = useForm({
    lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: permitRenewalSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  return (
    <div className="container container--narrow stack stack--l">
      <p>
        <Link to="/profile">← {t("permit.page.back")}</Link>
      </p>
      <header className="page-header">
        <h1>{t("permit.page.title")}</h1>
        <p className="lead">{t("permit.page.lead")}</p>
      </header>
      {params.get("submitted") ? (
        <p className="alert alert--success" role="status">
          {t("permit.page.submitted")}
        </p>
      ) : null}
      {permit ? (
        <>
          <dl className="definition-list">
            <dt>{t(permit.provisional ? "permit.page.provisionalOn" : "permit.page.expiresOn")}</dt>
            <dd>{date(permit.expiresOn)}</dd>
            <dt>{t("permit.page.status")}</dt>
            <dd>
              {permit.lapsed
                ? t("permit.page.statusLapsed")
                : permit.daysLeft <= 30
                  ? tx("permit.page.statusSoon", { count: Math.max(permit.daysLeft, 0) })
                  : t("permit.page.statusValid")}
            </dd>
            {permit.renewalExpiresOn ? (
              <>
                <dt>{t("permit.page.renewal")}</dt>
                <dd>{tx("permit.page.renewalWaiting", { date: date(permit.renewalExpiresOn) })}</dd>
              </>
            ) : null}
          </dl>
          {permit.lapsed ? <p>{t("permit.page.lapsedExplain")}</p> : null}
          <section className="stack" aria-labelledby="renewal-title">
            <h2 id="renewal-title" className="section-title">
              {t("permit.page.renewalTitle")}
            </h2>
            <p>{t("permit.page.renewalHint")}</p>
            <Form method="post" className="form stack" {...getFormProps(form)} noValidate>
              <FormErrors form={form} fields={[[fields.expiresOn, t("permit.page.newExpiresOn")]]} />
              <TextField field={fields.expiresOn} label={t("permit.page.newExpiresOn")} hint={t("permit.page.dateHint")} required />
              <div className="form-actions">
                <button type="submit" className="btn btn--primary">
                  {t("permit.page.submit")}
                </button>
              </div>
            </Form>
          </section>
        </>
      ) : (
        <p className="empty-state">{t("permit.page.none")}</p>
      )}
    </div>
  );
}
