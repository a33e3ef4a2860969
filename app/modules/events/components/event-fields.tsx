// The fields of an event, shared by the organisers' create and edit forms so both post the
// one contract (`eventFormSchema`) with the same names. The route keeps its surroundings:
// the form element (conform's `useEventForm`), its intent, the submit button. The fields are
// the shared accessible ones (label, hint and error tied to each input); the server is the
// one that validates, so nothing needs JavaScript.
import { useForm, type FieldMetadata, type FormMetadata, type SubmissionResult } from "@conform-to/react";
import { Checkbox, CheckboxGroup, SelectField, TextField } from "~/components/form";
import { RichTextField } from "~/components/rich-text/field";
import { useI18n } from "~/utils/i18n";
import { AUDIENCES, EVENT_KINDS, EVENT_LANGUAGES, MAX_SPEAKERS, type SpeakerFormRow } from "../schemas";

type Errors = Record<string, string[] | undefined>;

/** The form's values as posted (every field a string, the topics and speaker columns lists). */
export type EventFormValues = {
  title: string;
  kind: string;
  seriesId: string;
  date: string;
  start: string;
  end: string;
  endsNextDay: boolean;
  audience: string;
  spaceId: string;
  capacity: string;
  language: string;
  region: string;
  topics: string[];
  description: string;
  descriptionJson: string;
  cpdHours: string;
  cpdBody: string;
  cpdCategory: string;
  speakerName: string[];
  speakerAffiliation: string[];
  speakerEmail: string[];
};

/** What the edit form starts from: the stored event (strings, the box "on" or ""). */
export type EventFieldValues = Partial<
  Record<Exclude<keyof EventFormValues, "endsNextDay" | "topics" | "speakerName" | "speakerAffiliation" | "speakerEmail">, string>
> & {
  endsNextDay?: string;
  topics?: readonly string[];
  speakers?: readonly SpeakerFormRow[];
};

/**
 * The organisers' event form: `id` prefixes every field's id (`<id>-title`, `<id>-title-error`),
 * `lastResult` is the action's refusal (what was typed and the messages), `values` the stored event.
 */
export function useEventForm(id: string, lastResult: SubmissionResult<string[]> | null | undefined, values?: EventFieldValues) {
  return useForm<EventFormValues>({
    id,
    lastResult,
    shouldValidate: "onSubmit",
    defaultValue: values
      ? {
          ...values,
          endsNextDay: values.endsNextDay === "on",
          topics: [...(values.topics ?? [])],
          speakerName: values.speakers?.map((r) => r.name),
          speakerAffiliation: values.speakers?.map((r) => r.affiliation),
          speakerEmail: values.speakers?.map((r) => r.email),
        }
      : undefined,
  });
}

/** Empty speaker rows offered after the filled ones (more appear after saving: no JavaScript needed). */
const EMPTY_SPEAKER_ROWS = 2;

interface Coded {
  code: string;
  name_fr: string;
  name_en?: string | null;
}

export interface EventFieldsProps {
  form: FormMetadata<EventFormValues>;
  fields: ReturnType<typeof useEventForm>[1];
  series: readonly { id: string; title: string }[];
  topics: readonly Coded[];
  regions: readonly Coded[];
  /** The event's space: only an event already in a space keeps the "space" audience (sent back hidden). */
  spaceId?: string;
  /** The rich-text description (edit form only for now). */
  withDescription?: boolean;
}

/** A field's message for markup that is not one of the shared fields (the series form, speaker rows). */
export function FieldError({ id, messages }: { id: string; messages?: string[] }) {
  const { tx } = useI18n();
  return messages?.length ? (
    <p className="field__error" id={id}>
      {messages.map((m) => tx(m)).join(" ")}
    </p>
  ) : null;
}

const asList = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === "string" ? [v] : []);
const asText = (field: FieldMetadata<string>) => (typeof field.initialValue === "string" ? field.initialValue : "");

export function EventFields({ form, fields, series, topics, regions, spaceId, withDescription = false }: EventFieldsProps) {
  const { t, tx, label } = useI18n();
  const names = asList(fields.speakerName.initialValue);
  const affiliations = asList(fields.speakerAffiliation.initialValue);
  const emails = asList(fields.speakerEmail.initialValue);
  const speakers = names.map((name, i) => ({ name, affiliation: affiliations[i] ?? "", email: emails[i] ?? "" }));
  return (
    <>
      <TextField field={fields.title} label={t("events.manage.fields.title")} required />
      <SelectField
        field={fields.kind}
        label={t("events.manage.fields.kind")}
        options={EVENT_KINDS.map((k) => ({ value: k, label: tx(`events.kinds.${k}`) }))}
      />
      <SelectField
        field={fields.seriesId}
        label={t("events.manage.fields.series")}
        placeholder={t("events.manage.fields.noSeries")}
        options={series.map((s) => ({ value: s.id, label: s.title }))}
      />
      <TextField field={fields.date} type="date" label={t("events.manage.fields.date")} required />
      <TextField field={fields.start} type="time" label={t("events.manage.fields.start")} required />
      <TextField field={fields.end} type="time" label={t("events.manage.fields.end")} required />
      <Checkbox field={fields.endsNextDay} label={t("events.manage.fields.endsNextDay")} />
      {/* A missing space is told on the audience (parseEventForm puts it there). */}
      <SelectField
        field={fields.audience}
        label={t("events.manage.fields.audience")}
        options={AUDIENCES.filter((a) => a !== "space" || spaceId).map((a) => ({ value: a, label: tx(`events.audiences.${a}`) }))}
      />
      {spaceId ? <input type="hidden" name="spaceId" value={spaceId} form={form.id} /> : null}
      <TextField field={fields.capacity} type="number" label={t("events.manage.fields.capacity")} min="1" inputMode="numeric" />
      <SelectField
        field={fields.language}
        label={t("events.manage.fields.language")}
        options={EVENT_LANGUAGES.map((l) => ({ value: l, label: tx(`events.languages.${l}`) }))}
      />
      <SelectField
        field={fields.region}
        label={t("events.manage.fields.region")}
        placeholder={t("events.list.any")}
        options={regions.map((r) => ({ value: r.code, label: label(r) }))}
      />
      <CheckboxGroup
        field={fields.topics}
        legend={t("events.manage.fields.topics")}
        options={topics.map((o) => ({ value: o.code, label: label(o) }))}
      />
      <SpeakerRows idPrefix={form.id} errors={form.allErrors} rows={speakers} />
      {withDescription ? (
        <RichTextField
          id={fields.description.id}
          name="description"
          jsonName="descriptionJson"
          label={t("events.manage.fields.description")}
          errors={fields.description.errors}
          defaultText={asText(fields.description)}
          defaultJson={asText(fields.descriptionJson)}
          rows={6}
        />
      ) : null}
      <TextField field={fields.cpdHours} type="number" label={t("events.manage.fields.cpdHours")} step="0.25" min="0" />
      <TextField field={fields.cpdBody} label={t("events.manage.fields.cpdBody")} />
      <TextField field={fields.cpdCategory} label={t("events.manage.fields.cpdCategory")} />
    </>
  );
}

/**
 * The speakers: one group of fields per speaker, in order, and empty rows to add more.
 * The three inputs of every row are always sent, so the server lines them up by
 * position (the same name on every row, which conform's one-name fields do not model:
 * this markup stays here, with the shared field's classes and aria wiring); an empty row is no speaker. The email links a member's account: that
 * person hosts the live room (moderator, marks questions answered).
 */
function SpeakerRows({ idPrefix, errors, rows }: { idPrefix: string; errors: Errors; rows: readonly SpeakerFormRow[] }) {
  const { t, tx } = useI18n();
  const filled = rows.filter((r) => r.name || r.affiliation || r.email);
  const count = Math.min(MAX_SPEAKERS, Math.max(filled.length + EMPTY_SPEAKER_ROWS, 3));
  const all: SpeakerFormRow[] = Array.from({ length: count }, (_, i) => filled[i] ?? { name: "", affiliation: "", email: "" });
  const input = (i: number, field: "name" | "affiliation" | "email", row: SpeakerFormRow) => {
    const key = `speakers.${i}.${field}`;
    const fieldId = `${idPrefix}-speaker-${i}-${field}`;
    const hint = field === "email" ? `${fieldId}-hint` : undefined;
    const describedBy = [hint, errors[key] ? `${fieldId}-error` : undefined].filter(Boolean).join(" ") || undefined;
    const name = field === "name" ? "speakerName" : field === "affiliation" ? "speakerAffiliation" : "speakerEmail";
    return (
      <div className={errors[key] ? "field field--invalid" : "field"}>
        <label className="field__label" htmlFor={fieldId}>
          {t(`events.speakers.fields.${field}`)}
        </label>
        {hint ? (
          <p className="field__hint" id={hint}>
            {t("events.speakers.emailHint")}
          </p>
        ) : null}
        <input
          id={fieldId}
          name={name}
          type={field === "email" ? "email" : "text"}
          autoComplete="off"
          className="input"
          defaultValue={row[field]}
          maxLength={field === "name" ? 120 : field === "affiliation" ? 200 : 320}
          aria-invalid={errors[key] ? true : undefined}
          aria-describedby={describedBy}
        />
        <FieldError id={`${fieldId}-error`} messages={errors[key]} />
      </div>
    );
  };
  return (
    <fieldset className="stack stack--s speaker-rows" aria-describedby={`${idPrefix}-speakers-lead`}>
      <legend className="field__label">{t("events.speakers.legend")}</legend>
      <p className="field__hint" id={`${idPrefix}-speakers-lead`}>
        {t("events.speakers.lead")}
      </p>
      <FieldError id={`${idPrefix}-speakers-error`} messages={errors.speakers} />
      {all.map((row, i) => (
        <fieldset key={i} className="card stack stack--s" data-speaker-row={i}>
          <legend>{tx("events.speakers.row", { n: i + 1 })}</legend>
          {input(i, "name", row)}
          {input(i, "affiliation", row)}
          {input(i, "email", row)}
        </fieldset>
      ))}
    </fieldset>
  );
}
