// The curators' create/edit form: one multipart form that works without JavaScript
// (conform validates in the browser when it runs; the server always does).
import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { Form } from "@remix-run/react";
import { Checkbox, CheckboxGroup, SelectField, TextAreaField, TextField } from "~/components/form";
import { useI18n, type Vars } from "~/utils/i18n";
import { ACCEPT_ATTRIBUTE, MAX_FILE_BYTES } from "../limits";
import { toolSchema } from "../schemas";
import { useToolLabels } from "./labels";

export interface ToolDefaults {
  title?: string;
  kind?: string;
  publisher?: string | null;
  publishedOn?: string | null;
  versionLabel?: string | null;
  language?: string;
  topics?: string[];
  disciplines?: string[];
  url?: string | null;
  summaryFr?: string;
  summaryEn?: string;
  lastReviewedOn?: string | null;
  reviewDueOn?: string | null;
}

export function ToolForm({
  lastResult,
  defaults,
  currentFile,
  submitLabel,
}: {
  lastResult: SubmissionResult<string[]> | null | undefined;
  defaults: ToolDefaults;
  currentFile: { name: string } | null;
  submitLabel: string;
}) {
  const { t, tx } = useI18n();
  const labels = useToolLabels();
  const [form, fields] = useForm({
    lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: toolSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    defaultValue: {
      title: defaults.title ?? "",
      kind: defaults.kind ?? "",
      publisher: defaults.publisher ?? "",
      publishedOn: defaults.publishedOn ?? "",
      versionLabel: defaults.versionLabel ?? "",
      language: defaults.language ?? "fr",
      topics: defaults.topics ?? [],
      disciplines: defaults.disciplines ?? [],
      url: defaults.url ?? "",
      summaryFr: defaults.summaryFr ?? "",
      summaryEn: defaults.summaryEn ?? "",
      lastReviewedOn: defaults.lastReviewedOn ?? "",
      reviewDueOn: defaults.reviewDueOn ?? "",
    },
  });
  const maxSize = labels.size(MAX_FILE_BYTES);
  const vars: Vars = { max: maxSize };
  // The file is not a schema field (its checks run on the bytes, on the server).
  const fileErrors = lastResult?.error?.file ?? [];
  const summary: Array<[{ id: string; errors?: string[]; name: string }, string]> = [
    [fields.title, t("tools.form.title")],
    [fields.kind, t("tools.form.kind")],
    [fields.publisher, t("tools.form.publisher")],
    [fields.publishedOn, t("tools.form.publishedOn")],
    [fields.versionLabel, t("tools.form.versionLabel")],
    [fields.language, t("tools.form.language")],
    [fields.topics, t("tools.form.topics")],
    [fields.disciplines, t("tools.form.disciplines")],
    [fields.url, t("tools.form.url")],
    [fields.summaryFr, t("tools.form.summaryFr")],
    [fields.summaryEn, t("tools.form.summaryEn")],
    [fields.lastReviewedOn, t("tools.form.lastReviewedOn")],
    [fields.reviewDueOn, t("tools.form.reviewDueOn")],
    [{ id: "tool-file", name: "file", errors: fileErrors }, t("tools.form.file")],
  ];
  const invalid = summary.filter(([f]) => f.errors?.length);
  return (
    <Form method="post" encType="multipart/form-data" className="form stack stack--l" {...getFormProps(form)} noValidate>
      {form.errors?.length || invalid.length ? (
        <div className="form-errors" role="alert" id={form.errorId} tabIndex={-1}>
          <h2>{t("form.errorSummary")}</h2>
          {form.errors?.length ? <p>{form.errors.map((e) => tx(e, vars)).join(" ")}</p> : null}
          {invalid.length ? (
            <ul>
              {invalid.map(([f, label]) => (
                <li key={f.name}>
                  <a href={`#${f.id}`}>
                    {label} : {tx(f.errors?.[0] ?? "errors.invalid", vars)}
                  </a>
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      <TextField field={fields.title} label={t("tools.form.title")} required />
      <SelectField field={fields.kind} label={t("tools.form.kind")} options={labels.kindOptions} placeholder={t("form.choose")} required />
      <TextField field={fields.publisher} label={t("tools.form.publisher")} hint={t("tools.form.publisherHint")} />
      <TextField field={fields.publishedOn} label={t("tools.form.publishedOn")} hint={t("tools.form.publishedOnHint")} />
      <TextField field={fields.versionLabel} label={t("tools.form.versionLabel")} hint={t("tools.form.versionLabelHint")} />
      <SelectField field={fields.language} label={t("tools.form.language")} options={labels.languageOptions} />
      <TextAreaField field={fields.summaryFr} label={t("tools.form.summaryFr")} hint={t("tools.form.summaryFrHint")} rows={4} />
      <TextAreaField field={fields.summaryEn} label={t("tools.form.summaryEn")} rows={4} />
      <CheckboxGroup field={fields.topics} legend={t("tools.form.topics")} options={labels.topicOptions} />
      <CheckboxGroup field={fields.disciplines} legend={t("tools.form.disciplines")} options={labels.disciplineOptions} />
      <TextField field={fields.url} type="url" label={t("tools.form.url")} hint={t("tools.form.urlHint")} />
      <div className={fileErrors.length ? "field field--invalid" : "field"}>
        <label className="field__label" htmlFor="tool-file">
          {currentFile ? t("tools.form.replaceFile") : t("tools.form.file")}
        </label>
        <p className="field__hint" id="tool-file-hint">
          {t("tools.form.fileHint", { max: maxSize })}
        </p>
        {currentFile ? <p className="meta">{t("tools.form.currentFile", { name: currentFile.name })}</p> : null}
        <input
          id="tool-file"
          name="file"
          type="file"
          accept={ACCEPT_ATTRIBUTE}
          className="input"
          aria-invalid={fileErrors.length ? true : undefined}
          aria-describedby={fileErrors.length ? "tool-file-hint tool-file-error" : "tool-file-hint"}
        />
        {fileErrors.length ? (
          <p className="field__error" id="tool-file-error">
            {fileErrors.map((e) => tx(e, vars)).join(" ")}
          </p>
        ) : null}
      </div>
      {currentFile ? <Checkbox field={fields.removeFile} label={t("tools.form.removeFile")} /> : null}
      <TextField field={fields.lastReviewedOn} label={t("tools.form.lastReviewedOn")} hint={t("tools.form.dateHint")} />
      <TextField field={fields.reviewDueOn} label={t("tools.form.reviewDueOn")} hint={t("tools.form.dateHint")} />
      <div className="form-actions">
        <button type="submit" className="btn btn--primary">
          {submitLabel}
        </button>
      </div>
    </Form>
  );
}
