// The register of confidentiality incidents and the privacy figures, for admins (the
// person in charge of personal information acts as one). A plain form: an entry is
// recorded without JavaScript; a refused entry keeps what was typed and names each field.
import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { FormErrors, SelectField, TextAreaField, TextField } from "~/components/form";
import { requireRole, requireViewer } from "~/modules/accounts/guards.server";
import { listIncidents, privacyFigures, recordIncident } from "~/modules/privacy/incidents.server";
import { incidentSchema } from "~/modules/privacy/incident-schema";
import { useI18n } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";
import { TableRegion } from "~/components/table-region";

export const meta: MetaFunction = (args) => pageTitle(args, "admin.incidents.title");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request, context);
  requireRole(viewer, "admin");
  const [incidents, figures] = await Promise.all([listIncidents(context.db, viewer), privacyFigures(context.db, viewer)]);
  return json({ incidents, figures }, { headers: { "Cache-Control": "no-store" } });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const viewer = await requireViewer(request, context);
  requireRole(viewer, "admin");
  const submission = parseWithZod(await request.formData(), { schema: incidentSchema });
  if (submission.status !== "success") return json(submission.reply(), { status: 400 });
  const outcome = await recordIncident(context.db, viewer, submission.value);
  if (!outcome.ok) return json(submission.reply({ formErrors: [outcome.formError ?? "errors.invalid"] }), { status: outcome.status });
  return redirect(`/admin/incidents?recorded=${outcome.id}#incident-${outcome.id}`);
}

export default function AdminIncidents() {
  const { t, date } = useI18n();
  const { incidents, figures } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [params] = useSearchParams();
  const [form, fields] = useForm({
    lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: incidentSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  const dateHint = t("admin.incidents.dateHint");
  const figureRows: Array<[string, number]> = [
    [t("admin.incidents.figures.pendingExports"), figures.pendingExports],
    [t("admin.incidents.figures.readyExports"), figures.readyExports],
    [t("admin.incidents.figures.pendingDeletions"), figures.pendingDeletions],
    [t("admin.incidents.figures.deletionsDueSoon"), figures.deletionsDueSoon],
    [t("admin.incidents.figures.incidents"), figures.incidents],
    [t("admin.incidents.figures.seriousIncidents"), figures.seriousIncidents],
    [t("admin.incidents.figures.seriousUnnotified"), figures.seriousUnnotified],
  ];
  const yesNo = (value: boolean) => (value ? t("admin.incidents.yes") : t("admin.incidents.no"));
  return (
    <div className="container stack stack--l">
      <p>
        <Link to="/admin">← {t("admin.title")}</Link>
      </p>
      <header className="page-header">
        <h1>{t("admin.incidents.title")}</h1>
        <p className="lead">{t("admin.incidents.lead")}</p>
        <p>
          {/* A download, not a page: a plain link (reloadDocument) so the browser saves the file. */}
          <Link to="/admin/incidents.csv" reloadDocument download>
            {t("admin.incidents.exportCsv")}
          </Link>
        </p>
      </header>
      {params.get("recorded") ? (
        <p className="alert alert--success" role="status">
          {t("admin.incidents.recorded")}
        </p>
      ) : null}
      {params.get("updated") ? (
        <p className="alert alert--success" role="status">
          {t("admin.incidents.updated")}
        </p>
      ) : null}

      <section className="stack" aria-labelledby="figures-title">
        <h2 id="figures-title" className="section-title">
          {t("admin.incidents.figures.title")}
        </h2>
        <TableRegion labelledBy="figures-title">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t("admin.incidents.figures.what")}</th>
                <th scope="col">{t("admin.incidents.figures.count")}</th>
              </tr>
            </thead>
            <tbody>
              {figureRows.map(([label, value]) => (
                <tr key={label}>
                  <th scope="row">{label}</th>
                  <td>{value}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      </section>

      <section className="stack" aria-labelledby="register-title">
        <h2 id="register-title" className="section-title">
          {t("admin.incidents.register")}
        </h2>
        {incidents.length === 0 ? (
          <p>{t("admin.incidents.empty")}</p>
        ) : (
          incidents.map((i) => (
            <article key={i.id} id={`incident-${i.id}`} className="card stack stack--s" aria-labelledby={`incident-${i.id}-title`}>
              <h3 id={`incident-${i.id}-title`}>{t("admin.incidents.entry", { id: i.id, date: date(i.discoveredOn) })}</h3>
              <dl className="stack stack--s">
                <div>
                  <dt>{t("admin.incidents.fields.description")}</dt>
                  <dd>{i.description}</dd>
                </div>
                <div>
                  <dt>{t("admin.incidents.fields.circumstances")}</dt>
                  <dd>{i.circumstances}</dd>
                </div>
                <div>
                  <dt>{t("admin.incidents.fields.period")}</dt>
                  <dd>{i.occurredTo ? `${date(i.occurredFrom)} – ${date(i.occurredTo)}` : date(i.occurredFrom)}</dd>
                </div>
                <div>
                  <dt>{t("admin.incidents.fields.peopleCount")}</dt>
                  <dd>{i.peopleCount}</dd>
                </div>
                <div>
                  <dt>{t("admin.incidents.fields.informationConcerned")}</dt>
                  <dd>{i.informationConcerned}</dd>
                </div>
                <div>
                  <dt>{t("admin.incidents.fields.seriousRisk")}</dt>
                  <dd>
                    {yesNo(i.seriousRisk)} — {i.riskAssessment}
                  </dd>
                </div>
                <div>
                  <dt>{t("admin.incidents.fields.commissionNotifiedOn")}</dt>
                  <dd>{i.commissionNotifiedOn ? date(i.commissionNotifiedOn) : t("admin.incidents.notYet")}</dd>
                </div>
                <div>
                  <dt>{t("admin.incidents.fields.peopleNotifiedOn")}</dt>
                  <dd>{i.peopleNotifiedOn ? date(i.peopleNotifiedOn) : t("admin.incidents.notYet")}</dd>
                </div>
                <div>
                  <dt>{t("admin.incidents.fields.measures")}</dt>
                  <dd>{i.measures}</dd>
                </div>
              </dl>
              <p>
                <Link to={`/admin/incidents/${i.id}`} aria-describedby={`incident-${i.id}-title`}>
                  {t("admin.incidents.editLink")}
                </Link>
              </p>
            </article>
          ))
        )}
      </section>

      <section className="stack" aria-labelledby="new-incident-title">
        <h2 id="new-incident-title" className="section-title">
          {t("admin.incidents.new")}
        </h2>
        <Form method="post" className="form stack" {...getFormProps(form)} noValidate>
          <FormErrors
            form={form}
            fields={[
              [fields.description, t("admin.incidents.fields.description")],
              [fields.circumstances, t("admin.incidents.fields.circumstances")],
              [fields.occurredFrom, t("admin.incidents.fields.occurredFrom")],
              [fields.occurredTo, t("admin.incidents.fields.occurredTo")],
              [fields.discoveredOn, t("admin.incidents.fields.discoveredOn")],
              [fields.peopleCount, t("admin.incidents.fields.peopleCount")],
              [fields.informationConcerned, t("admin.incidents.fields.informationConcerned")],
              [fields.seriousRisk, t("admin.incidents.fields.seriousRisk")],
              [fields.riskAssessment, t("admin.incidents.fields.riskAssessment")],
              [fields.commissionNotifiedOn, t("admin.incidents.fields.commissionNotifiedOn")],
              [fields.peopleNotifiedOn, t("admin.incidents.fields.peopleNotifiedOn")],
              [fields.measures, t("admin.incidents.fields.measures")],
            ]}
          />
          <TextAreaField field={fields.description} label={t("admin.incidents.fields.description")} rows={3} />
          <TextAreaField field={fields.circumstances} label={t("admin.incidents.fields.circumstances")} rows={3} />
          <TextField field={fields.occurredFrom} label={t("admin.incidents.fields.occurredFrom")} hint={dateHint} required />
          <TextField field={fields.occurredTo} label={t("admin.incidents.fields.occurredTo")} hint={dateHint} />
          <TextField field={fields.discoveredOn} label={t("admin.incidents.fields.discoveredOn")} hint={dateHint} required />
          <TextField field={fields.peopleCount} label={t("admin.incidents.fields.peopleCount")} required />
          <TextAreaField field={fields.informationConcerned} label={t("admin.incidents.fields.informationConcerned")} rows={2} />
          <SelectField
            field={fields.seriousRisk}
            label={t("admin.incidents.fields.seriousRisk")}
            hint={t("admin.incidents.riskHint")}
            options={[
              { value: "yes", label: t("admin.incidents.yes") },
              { value: "no", label: t("admin.incidents.no") },
            ]}
            placeholder={t("form.choose")}
            required
          />
          <TextAreaField field={fields.riskAssessment} label={t("admin.incidents.fields.riskAssessment")} rows={3} />
          <TextField field={fields.commissionNotifiedOn} label={t("admin.incidents.fields.commissionNotifiedOn")} hint={dateHint} />
          <TextField field={fields.peopleNotifiedOn} label={t("admin.incidents.fields.peopleNotifiedOn")} hint={dateHint} />
          <TextAreaField field={fields.measures} label={t("admin.incidents.fields.measures")} rows={3} />
          <div className="form-actions">
            <button type="submit" className="btn btn--primary">
              {t("admin.incidents.submit")}
            </button>
          </div>
        </Form>
      </section>
    </div>
  );
}
