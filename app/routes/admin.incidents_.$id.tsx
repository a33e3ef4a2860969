// Recording, after the entry, the notices to the Commission and to the people concerned and
// the measures taken (admins only; each change is audited with the change itself). A plain
// form: works without JavaScript; a refused change keeps what was typed and names each field.
import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { FormErrors, TextAreaField, TextField } from "~/components/form";
import { invariantResponse, requireRole, requireViewer } from "~/modules/accounts/guards.server";
import { getIncident, updateIncident } from "~/modules/privacy/incidents.server";
import { incidentUpdateSchema } from "~/modules/privacy/incident-schema";
import { useI18n } from "~/utils/i18n";
import { formIdNumber } from "~/utils/input-schemas";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => pageTitle(args, "admin.incidents.edit.title");

function incidentId(raw: string | undefined): number {
  const parsed = formIdNumber().safeParse(raw);
  invariantResponse(parsed.success, "not_found");
  return parsed.data;
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request, context);
  requireRole(viewer, "admin");
  const incident = await getIncident(context.db, viewer, incidentId(params.id));
  invariantResponse(incident, "not_found");
  return json({ incident }, { headers: { "Cache-Control": "no-store" } });
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const viewer = await requireViewer(request, context);
  requireRole(viewer, "admin");
  const id = incidentId(params.id);
  const submission = parseWithZod(await request.formData(), { schema: incidentUpdateSchema });
  if (submission.status !== "success") return json(submission.reply(), { status: 400 });
  const outcome = await updateIncident(context.db, viewer, id, submission.value);
  if (!outcome.ok) {
    if (outcome.status === 404) throw new Response("not_found", { status: 404 });
    return json(submission.reply({ fieldErrors: outcome.fieldErrors, formErrors: outcome.formError ? [outcome.formError] : undefined }), {
      status: outcome.status,
    });
  }
  return redirect(`/admin/incidents?updated=${id}#incident-${id}`);
}

export default function EditIncident() {
  const { t, date } = useI18n();
  const { incident } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [form, fields] = useForm({
    lastResult,
    defaultValue: {
      commissionNotifiedOn: incident.commissionNotifiedOn ?? "",
      peopleNotifiedOn: incident.peopleNotifiedOn ?? "",
      measures: incident.measures,
    },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: incidentUpdateSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  const dateHint = t("admin.incidents.edit.dateHint", { date: date(incident.discoveredOn) });
  return (
    <div className="container container--narrow stack stack--l">
      <p>
        <Link to={`/admin/incidents#incident-${incident.id}`}>← {t("admin.incidents.title")}</Link>
      </p>
      <header className="page-header">
        <h1>{t("admin.incidents.edit.title")}</h1>
        <p className="lead">{t("admin.incidents.entry", { id: incident.id, date: date(incident.discoveredOn) })}</p>
        <p>{incident.description}</p>
      </header>
      <Form method="post" className="form stack" {...getFormProps(form)} noValidate>
        <FormErrors
          form={form}
          fields={[
            [fields.commissionNotifiedOn, t("admin.incidents.fields.commissionNotifiedOn")],
            [fields.peopleNotifiedOn, t("admin.incidents.fields.peopleNotifiedOn")],
            [fields.measures, t("admin.incidents.fields.measures")],
          ]}
        />
        <TextField field={fields.commissionNotifiedOn} label={t("admin.incidents.fields.commissionNotifiedOn")} hint={dateHint} />
        <TextField field={fields.peopleNotifiedOn} label={t("admin.incidents.fields.peopleNotifiedOn")} hint={dateHint} />
        <TextAreaField field={fields.measures} label={t("admin.incidents.fields.measures")} rows={4} />
        <div className="form-actions">
          <button type="submit" className="btn btn--primary">
            {t("admin.incidents.edit.submit")}
          </button>
        </div>
      </Form>
    </div>
  );
}
