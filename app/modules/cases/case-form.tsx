// The case template form, shared by presenting a case and editing a draft. A plain
// form that works without JavaScript; with JavaScript, each free-text field shows its
// possible identifiers as the person types (FindingsPreview) and the details use the
// forums' rich-text field (tiptap loaded only when someone starts writing), where "#"
// cites a tool of the library or a forum topic.
import { Form } from "@remix-run/react";
import { RichTextField } from "~/components/rich-text/field";
import { useI18n } from "~/utils/i18n";
import type { Refused } from "./cases.server";
import { FindingsPreview, GuardFindings, loadIdentifierHighlighter } from "~/modules/identifier-guard/components";
import { AGE_DECADES, CARE_SETTINGS, CONDITIONS, DOSE_RANGES, GENDERS, HOUSING, SUBSTANCES, TREATMENTS } from "./template";

export const MULTI_FIELDS = ["substances", "conditions"] as const;

export interface CaseFormValues {
  values: Record<string, string>;
  multi: { substances: string[]; conditions: string[] };
}

export function CaseForm(props: {
  spaces: Array<{ id: string; name_fr: string; name_en: string }>;
  /** The last refusal, if any, with what was typed. */
  refusal?: Refused;
  initial: CaseFormValues;
  submitLabel: string;
  /** Editing a draft: the space is fixed once chosen. */
  spaceLocked?: boolean;
}) {
  const { t, tx, label } = useI18n();
  const v = props.initial.values;
  const errors = props.refusal?.fieldErrors ?? {};
  const guarded = Boolean(props.refusal?.findings?.length);
  const fieldError = (name: string) =>
    errors[name]?.length ? (
      <ul id={`${name}-error`} className="field__error">
        {errors[name]!.map((m) => (
          <li key={m}>{m.startsWith("cases.") || m.startsWith("forums.") || m.startsWith("identifierGuard.") ? tx(m) : m}</li>
        ))}
      </ul>
    ) : null;
  const select = (name: string, options: readonly (string | number)[], prefix: string, required = false) => (
    <div className={errors[name] ? "field field--invalid" : "field"}>
      <label className="field__label" htmlFor={name}>
        {tx(`cases.form.${name}`)}
      </label>
      <select
        className="select"
        id={name}
        name={name}
        defaultValue={v[name] ?? ""}
        aria-invalid={errors[name] ? true : undefined}
        required={required}
        aria-describedby={errors[name] ? `${name}-error` : undefined}
      >
        <option value="">{t("cases.form.choose")}</option>
        {options.map((o) => (
          <option key={o} value={o}>
            {prefix ? tx(`${prefix}.${o}`) : `${o}–${Number(o) + 9}`}
          </option>
        ))}
      </select>
      {fieldError(name)}
    </div>
  );
  const checks = (name: "substances" | "conditions", options: readonly string[], prefix: string) => (
    <fieldset className="field checkbox-list">
      <legend className="field__label">{tx(`cases.form.${name}`)}</legend>
      {options.map((o) => (
        <label key={o} className="checkbox">
          <input type="checkbox" name={name} value={o} defaultChecked={props.initial.multi[name].includes(o)} />{" "}
          <span>{tx(`${prefix}.${o}`)}</span>
        </label>
      ))}
    </fieldset>
  );
  const text = (name: string, rows?: number, required = false) => (
    <div className={errors[name] ? "field field--invalid" : "field"}>
      <label className="field__label" htmlFor={name}>
        {tx(`cases.form.${name}`)}
      </label>
      {rows ? (
        <textarea
          className="input"
          id={name}
          name={name}
          rows={rows}
          defaultValue={v[name] ?? ""}
          required={required}
          aria-invalid={errors[name] ? true : undefined}
          aria-describedby={errors[name] ? `${name}-error` : undefined}
        />
      ) : (
        <input
          id={name}
          name={name}
          className="input"
          defaultValue={v[name] ?? ""}
          required={required}
          aria-invalid={errors[name] ? true : undefined}
          aria-describedby={errors[name] ? `${name}-error` : undefined}
        />
      )}
      {fieldError(name)}
      <FindingsPreview fieldId={name} label={tx(`cases.form.${name}`)} active={guarded && Boolean(errors[name])} />
    </div>
  );
  return (
    <Form method="post" className="form stack" noValidate id="case-form">
      {props.refusal?.formError ? (
        <div className="alert alert--error" role="alert">
          <p>{tx(props.refusal.formError)}</p>
          {props.refusal.findings?.length ? (
            <GuardFindings findings={props.refusal.findings} fieldLabel={(f) => tx(`cases.form.${f}`)} />
          ) : null}
          {fieldError("overrides")}
        </div>
      ) : null}
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
      <div className="stack stack--2xs">
        <RichTextField
          id="details"
          name="details"
          jsonName="detailsJson"
          label={t("cases.form.details")}
          hint={t("cases.page.citeHint")}
          rows={8}
          defaultText={v.details ?? ""}
          referencesUrl="/forums/api/references"
          loadHighlighter={loadIdentifierHighlighter}
          errors={(errors.details ?? errors.detailsLinks)?.filter((m) => m.startsWith("forums.") || m.startsWith("cases."))}
        />
        {(errors.details ?? errors.detailsLinks)?.some((m) => !m.startsWith("forums.") && !m.startsWith("cases."))
          ? fieldError(errors.details ? "details" : "detailsLinks")
          : null}
        <FindingsPreview fieldId="details" label={t("cases.form.details")} active={guarded && Boolean(errors.details)} />
      </div>
      {text("topics")}
      {text("pseudonym")}
      <div className="field">
        <label className="field__label" htmlFor="spaceId">
          {t("cases.form.space")}
        </label>
        <select className="select" id="spaceId" name="spaceId" defaultValue={v.spaceId ?? ""} disabled={props.spaceLocked}>
          <option value="">{t("cases.form.spaceVerified")}</option>
          {props.spaces.map((s) => (
            <option key={s.id} value={s.id}>
              {label(s)}
            </option>
          ))}
        </select>
        {props.spaceLocked && v.spaceId ? <input type="hidden" name="spaceId" value={v.spaceId} /> : null}
      </div>
      <div className="form-actions">
        <button type="submit" className="btn btn--primary">
          {props.submitLabel}
        </button>
      </div>
    </Form>
  );
}

/** The template's input from a posted form (multi-choice fields as arrays). */
export function templateInput(form: FormData): Record<string, unknown> {
  const input: Record<string, unknown> = Object.fromEntries(
    [...form.keys()].filter((k) => !k.startsWith("overrides.")).map((k) => [k, form.get(k)]),
  );
  for (const k of MULTI_FIELDS) input[k] = form.getAll(k);
  return input;
}

/** What was typed, to show again after a refusal. */
export function typedValues(form: FormData, detailsText?: string): CaseFormValues {
  const values = Object.fromEntries(
    [...form.keys()]
      .filter((k) => !MULTI_FIELDS.includes(k as (typeof MULTI_FIELDS)[number]) && !k.startsWith("overrides."))
      .map((k) => [k, String(form.get(k) ?? "")]),
  );
  if (detailsText !== undefined) values.details = detailsText;
  return { values, multi: { substances: form.getAll("substances").map(String), conditions: form.getAll("conditions").map(String) } };
}
