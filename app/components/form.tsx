// Accessible form fields on top of conform: every input has a label, its hint and
// error are tied to it with aria-describedby, and errors (i18n keys from the zod
// schemas) are translated here.
import { getInputProps, getSelectProps, getTextareaProps, type FieldMetadata } from "@conform-to/react";
import type { ReactNode } from "react";
import { useI18n } from "~/utils/i18n";

type Option = { value: string; label: string };

function describedBy(field: FieldMetadata<unknown>, hint?: ReactNode) {
  const ids = [hint ? `${field.id}-hint` : null, field.errors?.length ? field.errorId : null].filter(Boolean);
  return ids.length ? ids.join(" ") : undefined;
}

function FieldError({ field }: { field: FieldMetadata<unknown> }) {
  const { tx } = useI18n();
  if (!field.errors?.length) return null;
  return (
    <p className="field__error" id={field.errorId}>
      {field.errors.map((e) => tx(e)).join(" ")}
    </p>
  );
}

export function TextField({
  field,
  label,
  hint,
  type = "text",
  autoComplete,
  required,
  inputMode,
  min,
  step,
  maxLength,
}: {
  field: FieldMetadata<string | undefined>;
  label: string;
  hint?: ReactNode;
  type?: "text" | "email" | "password" | "search" | "url" | "date" | "time" | "number";
  autoComplete?: string;
  required?: boolean;
  /** Bounds the browser may hint with; the zod contract on the server stays the rule. */
  inputMode?: "numeric" | "decimal";
  min?: string;
  step?: string;
  maxLength?: number;
}) {
  const invalid = Boolean(field.errors?.length);
  const { key, ...props } = getInputProps(field, { type, ariaAttributes: false });
  const bounds = { inputMode, min, step, maxLength };
  return (
    <div className={invalid ? "field field--invalid" : "field"}>
      <label className="field__label" htmlFor={field.id}>
        {label}
      </label>
      {hint ? (
        <p className="field__hint" id={`${field.id}-hint`}>
          {hint}
        </p>
      ) : null}
      <input
        key={key}
        {...props}
        {...bounds}
        className="input"
        autoComplete={autoComplete}
        required={required}
        aria-invalid={invalid || undefined}
        aria-describedby={describedBy(field, hint)}
      />
      <FieldError field={field} />
    </div>
  );
}

export function TextAreaField({
  field,
  label,
  hint,
  rows = 5,
}: {
  field: FieldMetadata<string | undefined>;
  label: string;
  hint?: ReactNode;
  rows?: number;
}) {
  const invalid = Boolean(field.errors?.length);
  const { key, ...props } = getTextareaProps(field, { ariaAttributes: false });
  return (
    <div className={invalid ? "field field--invalid" : "field"}>
      <label className="field__label" htmlFor={field.id}>
        {label}
      </label>
      {hint ? (
        <p className="field__hint" id={`${field.id}-hint`}>
          {hint}
        </p>
      ) : null}
      <textarea
        key={key}
        {...props}
        rows={rows}
        className="input"
        aria-invalid={invalid || undefined}
        aria-describedby={describedBy(field, hint)}
      />
      <FieldError field={field} />
    </div>
  );
}

export function SelectField({
  field,
  label,
  hint,
  options,
  placeholder,
  required,
}: {
  field: FieldMetadata<string | undefined>;
  label: string;
  hint?: ReactNode;
  options: Option[];
  placeholder?: string;
  required?: boolean;
}) {
  const invalid = Boolean(field.errors?.length);
  const { key, ...props } = getSelectProps(field, { ariaAttributes: false });
  return (
    <div className={invalid ? "field field--invalid" : "field"}>
      <label className="field__label" htmlFor={field.id}>
        {label}
      </label>
      {hint ? (
        <p className="field__hint" id={`${field.id}-hint`}>
          {hint}
        </p>
      ) : null}
      <select
        key={key}
        {...props}
        className="select"
        required={required}
        aria-invalid={invalid || undefined}
        aria-describedby={describedBy(field, hint)}
      >
        {placeholder !== undefined ? <option value="">{placeholder}</option> : null}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      <FieldError field={field} />
    </div>
  );
}

export function CheckboxGroup({
  field,
  legend,
  hint,
  options,
}: {
  field: FieldMetadata<string[] | undefined>;
  legend: string;
  hint?: ReactNode;
  options: Option[];
}) {
  const invalid = Boolean(field.errors?.length);
  const selected = new Set(Array.isArray(field.initialValue) ? field.initialValue : field.initialValue ? [field.initialValue] : []);
  return (
    <fieldset
      className={invalid ? "field checkbox-list field--invalid" : "field checkbox-list"}
      aria-describedby={describedBy(field, hint)}
    >
      <legend className="field__label">{legend}</legend>
      {hint ? (
        <p className="field__hint" id={`${field.id}-hint`}>
          {hint}
        </p>
      ) : null}
      {options.map((o) => (
        <label className="checkbox" key={o.value}>
          <input type="checkbox" name={field.name} value={o.value} defaultChecked={selected.has(o.value)} form={field.formId} />
          <span>{o.label}</span>
        </label>
      ))}
      <FieldError field={field} />
    </fieldset>
  );
}

export function Checkbox({ field, label, hint }: { field: FieldMetadata<boolean | undefined>; label: ReactNode; hint?: ReactNode }) {
  const invalid = Boolean(field.errors?.length);
  const { key, ...props } = getInputProps(field, { type: "checkbox", ariaAttributes: false });
  return (
    <div className={invalid ? "field field--invalid" : "field"}>
      <label className="checkbox">
        <input key={key} {...props} aria-invalid={invalid || undefined} aria-describedby={describedBy(field, hint)} />
        <span>{label}</span>
      </label>
      {hint ? (
        <p className="field__hint" id={`${field.id}-hint`}>
          {hint}
        </p>
      ) : null}
      <FieldError field={field} />
    </div>
  );
}

type ErrorSource = { errors?: string[]; id: string; name: string };

/** Summary at the top of a form: the form-level error and a link to each invalid field, named by its label. */
export function FormErrors({ form, fields }: { form: { errors?: string[]; errorId: string }; fields: Array<[ErrorSource, string]> }) {
  const { t, tx } = useI18n();
  const invalid = fields.filter(([f]) => f.errors?.length);
  if (!form.errors?.length && invalid.length === 0) return null;
  return (
    <div className="form-errors" role="alert" id={form.errorId} tabIndex={-1}>
      <h2>{t("form.errorSummary")}</h2>
      {form.errors?.length ? <p>{form.errors.map((e) => tx(e)).join(" ")}</p> : null}
      {invalid.length ? (
        <ul>
          {invalid.map(([f, label]) => (
            <li key={f.name}>
              <a href={`#${f.id}`}>
                {label} : {tx(f.errors?.[0] ?? "errors.invalid")}
              </a>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
