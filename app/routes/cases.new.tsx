// Presenting a case with the structured template. Works without JavaScript: a plain
// form; the server runs the identifier guard and lists each finding with its excerpt.
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { requireVerified } from "~/modules/accounts/guards.server";
import { createCase } from "~/modules/cases/cases.server";
import { AGE_DECADES, CARE_SETTINGS, CONDITIONS, DOSE_RANGES, GENDERS, HOUSING, SUBSTANCES, TREATMENTS } from "~/modules/cases/template";
import { GuardFindings } from "~/modules/cases/components";
import { useI18n } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => pageTitle(args, "cases.new");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = await requireVerified(request, context);
  const spaces = await context.db.withUser(viewer.claims, (tx) => tx.selectFrom("space_members as m").innerJoin("spaces as s", "s.id", "m.space_id")
    .select(["s.id", "s.name_fr", "s.name_en"]).where("m.user_id", "=", viewer.id).where("s.visibility", "=", "members").execute());
  return json({ spaces });
}

const MULTI = ["substances", "conditions"] as const;

export async function action({ request, context }: ActionFunctionArgs) {
  const viewer = await requireVerified(request, context);
  const form = await request.formData();
  const input: Record<string, unknown> = Object.fromEntries([...form.keys()].map((k) => [k, form.get(k)]));
  for (const k of MULTI) input[k] = form.getAll(k);
  const outcome = await createCase(context.db, viewer.claims, input);
  if (!outcome.ok) {
    const values = Object.fromEntries([...form.keys()].filter((k) => !MULTI.includes(k as (typeof MULTI)[number])).map((k) => [k, String(form.get(k) ?? "")]));
    return json({ outcome, values, multi: { substances: form.getAll("substances").map(String), conditions: form.getAll("conditions").map(String) } }, { status: outcome.status });
  }
  return redirect(`/cases/${outcome.id}`);
}

export default function NewCase() {
  const { t, tx, label } = useI18n();
  const { spaces } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const v = data?.values ?? {};
  const errors = data?.outcome.fieldErrors ?? {};
  const fieldError = (name: string) => errors[name]?.length
    ? <ul id={`${name}-error`} className="field-error">{errors[name]!.map((m) => <li key={m}>{m.startsWith("cases.") || m.startsWith("forums.") ? tx(m) : m}</li>)}</ul>
    : null;
  const select = (name: string, options: readonly (string | number)[], prefix: string, required = false) => (
    <div className="field">
      <label htmlFor={name}>{tx(`cases.form.${name}`)}</label>
      <select id={name} name={name} defaultValue={v[name] ?? ""} required={required} aria-describedby={errors[name] ? `${name}-error` : undefined}>
        <option value="">{t("cases.form.choose")}</option>
        {options.map((o) => <option key={o} value={o}>{prefix ? tx(`${prefix}.${o}`) : `${o}–${Number(o) + 9}`}</option>)}
      </select>
      {fieldError(name)}
    </div>
  );
  const checks = (name: "substances" | "conditions", options: readonly string[], prefix: string) => (
    <fieldset className="field">
      <legend>{tx(`cases.form.${name}`)}</legend>
      {options.map((o) => (
        <label key={o} className="checkbox"><input type="checkbox" name={name} value={o} defaultChecked={data?.multi[name].includes(o)} /> {tx(`${prefix}.${o}`)}</label>
      ))}
    </fieldset>
  );
  const text = (name: string, rows?: number, required = false) => (
    <div className="field">
      <label htmlFor={name}>{tx(`cases.form.${name}`)}</label>
      {rows ? <textarea id={name} name={name} rows={rows} defaultValue={v[name] ?? ""} required={required} aria-invalid={errors[name] ? true : undefined} aria-describedby={errors[name] ? `${name}-error` : undefined} />
        : <input id={name} name={name} className="input" defaultValue={v[name] ?? ""} required={required} aria-invalid={errors[name] ? true : undefined} aria-describedby={errors[name] ? `${name}-error` : undefined} />}
      {fieldError(name)}
    </div>
  );
  return (
    <div className="container container--narrow stack stack--l">
      <p><Link to="/cases">← {t("cases.back")}</Link></p>
      <header className="page-header"><h1>{t("cases.new")}</h1><p>{t("cases.lead")}</p></header>
      {data?.outcome.formError ? <div className="alert alert--error" role="alert"><p>{tx(data.outcome.formError)}</p>
        {data.outcome.findings?.length ? <GuardFindings findings={data.outcome.findings} /> : null}</div> : null}
      <Form method="post" className="form stack" noValidate>
        {text("title", undefined, true)}
        {text("question", 4, true)}
        {select("careSetting", CARE_SETTINGS, "cases.careSettings", true)}
        {select("ageDecade", AGE_DECADES, "")}
        {select("gender", GENDERS, "cases.genders")}
        {checks("substances", SUBSTANCES, "cases.substancesList")}
        {select("treatment", TREATMENTS, "cases.treatments")}
        {select("doseRange", DOSE_RANGES, "cases.doseRanges")}
        {checks("conditions", CONDITIONS, "cases.conditionsList")}
        {select("housing", HOUSING, "cases.housingList")}
        {text("socialSituation", 3)}
        {text("whatTried", 4)}
        {text("details", 8)}
        {text("topics")}
        {text("pseudonym")}
        <div className="field">
          <label htmlFor="spaceId">{t("cases.form.space")}</label>
          <select id="spaceId" name="spaceId" defaultValue={v.spaceId ?? ""}>
            <option value="">{t("cases.form.spaceVerified")}</option>
            {spaces.map((s) => <option key={s.id} value={s.id}>{label(s)}</option>)}
          </select>
        </div>
        <div className="form-actions"><button type="submit" className="btn btn--primary">{t("cases.form.save")}</button></div>
      </Form>
    </div>
  );
}
