// The fields of an event, shared by the organisers' create and edit forms so both post the
// one contract (`eventFormSchema`) with the same names. The route keeps its surroundings:
// the form element, its intent, the submit button. Plain inputs: nothing needs JavaScript.
import { RichTextField } from "~/components/rich-text/field";
import { useI18n } from "~/utils/i18n";
import { AUDIENCES, EVENT_KINDS, EVENT_LANGUAGES, MAX_SPEAKERS, type SpeakerFormRow } from "../schemas";

type Errors = Record<string, string[] | undefined>;
type TextName = "title" | "date" | "start" | "end" | "capacity" | "cpdHours" | "cpdBody" | "cpdCategory";
type FieldName = TextName | "endsNextDay" | "kind" | "seriesId" | "audience" | "language" | "region" | "description" | "descriptionJson";

/** What the fields start from: the stored event, or what the organiser typed before a refusal. */
export type EventFieldValues = Partial<Record<FieldName, string>> & {
  topics?: readonly string[];
  speakers?: readonly SpeakerFormRow[];
};

/** Empty speaker rows offered after the filled ones (more appear after saving: no JavaScript needed). */
const EMPTY_SPEAKER_ROWS = 2;

interface Coded {
  code: string;
  name_fr: string;
  name_en?: string | null;
}

export interface EventFieldsProps {
  /** Prefix of every id (`<prefix>-title`, `<prefix>-title-error`), distinct per form. */
  idPrefix: string;
  errors: Errors;
  series: readonly { id: string; title: string }[];
  topics: readonly Coded[];
  regions: readonly Coded[];
  /** Absent: an empty form (the browser's first options). */
  values?: EventFieldValues;
  /** The event's space: only an event already in a space keeps the "space" audience (sent back hidden). */
  spaceId?: string;
  /** The rich-text description (edit form only for now). */
  withDescription?: boolean;
}

export function FieldError({ id, messages }: { id: string; messages?: string[] }) {
  const { tx } = useI18n();
  return messages?.length ? (
    <p className="field__error" id={id}>
      {messages.map((m) => tx(m)).join(" ")}
    </p>
  ) : null;
}

export function EventFields({ idPrefix, errors, series, topics, regions, values, spaceId, withDescription = false }: EventFieldsProps) {
  const { t, tx, label } = useI18n();
  const id = (name: string) => `${idPrefix}-${name}`;
  const value = (name: FieldName) => (values ? (values[name] ?? "") : undefined);
  const chosenTopics = values?.topics ?? [];
  const described = (name: string) => (errors[name] ? id(`${name}-error`) : undefined);
  const text = (name: TextName, labelKey: string, type = "text", extra: Record<string, string | boolean> = {}) => (
    <div className={errors[name] ? "field field--invalid" : "field"}>
      <label className="field__label" htmlFor={id(name)}>
        {tx(labelKey)}
      </label>
      <input
        id={id(name)}
        name={name}
        type={type}
        className="input"
        defaultValue={value(name)}
        {...extra}
        aria-invalid={errors[name] ? true : undefined}
        aria-describedby={described(name)}
      />
      <FieldError id={id(`${name}-error`)} messages={errors[name]} />
    </div>
  );
  return (
    <>
      {text("title", "events.manage.fields.title", "text", { required: true })}
      <div className="field">
        <label className="field__label" htmlFor={id("kind")}>
          {t("events.manage.fields.kind")}
        </label>
        <select id={id("kind")} name="kind" className="select" defaultValue={value("kind")}>
          {EVENT_KINDS.map((k) => (
            <option key={k} value={k}>
              {tx(`events.kinds.${k}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label className="field__label" htmlFor={id("seriesId")}>
          {t("events.manage.fields.series")}
        </label>
        <select id={id("seriesId")} name="seriesId" className="select" defaultValue={value("seriesId")}>
          <option value="">{t("events.manage.fields.noSeries")}</option>
          {series.map((s) => (
            <option key={s.id} value={s.id}>
              {s.title}
            </option>
          ))}
        </select>
      </div>
      {text("date", "events.manage.fields.date", "date", { required: true })}
      {text("start", "events.manage.fields.start", "time", { required: true })}
      {text("end", "events.manage.fields.end", "time", { required: true })}
      <div className="field">
        <label className="checkbox">
          <input type="checkbox" id={id("endsNextDay")} name="endsNextDay" defaultChecked={value("endsNextDay") === "on"} />{" "}
          {t("events.manage.fields.endsNextDay")}
        </label>
      </div>
      <div className={errors.audience || errors.spaceId ? "field field--invalid" : "field"}>
        <label className="field__label" htmlFor={id("audience")}>
          {t("events.manage.fields.audience")}
        </label>
        <select
          id={id("audience")}
          name="audience"
          className="select"
          defaultValue={value("audience")}
          aria-describedby={described("audience")}
        >
          {AUDIENCES.filter((a) => a !== "space" || spaceId).map((a) => (
            <option key={a} value={a}>
              {tx(`events.audiences.${a}`)}
            </option>
          ))}
        </select>
        {spaceId ? <input type="hidden" name="spaceId" value={spaceId} /> : null}
        <FieldError id={id("audience-error")} messages={[...(errors.audience ?? []), ...(errors.spaceId ?? [])]} />
      </div>
      {text("capacity", "events.manage.fields.capacity", "number", { min: "1", inputMode: "numeric" })}
      <div className="field">
        <label className="field__label" htmlFor={id("language")}>
          {t("events.manage.fields.language")}
        </label>
        <select id={id("language")} name="language" className="select" defaultValue={value("language")}>
          {EVENT_LANGUAGES.map((l) => (
            <option key={l} value={l}>
              {tx(`events.languages.${l}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label className="field__label" htmlFor={id("region")}>
          {t("events.manage.fields.region")}
        </label>
        <select id={id("region")} name="region" className="select" defaultValue={value("region")}>
          <option value="">{t("events.list.any")}</option>
          {regions.map((r) => (
            <option key={r.code} value={r.code}>
              {label(r)}
            </option>
          ))}
        </select>
      </div>
      <fieldset className="stack stack--s">
        <legend className="field__label">{t("events.manage.fields.topics")}</legend>
        <div className="cluster">
          {topics.map((o) => (
            <label key={o.code} className="checkbox">
              <input type="checkbox" name="topics" value={o.code} defaultChecked={chosenTopics.includes(o.code)} /> {label(o)}
            </label>
          ))}
        </div>
      </fieldset>
      <SpeakerRows idPrefix={idPrefix} errors={errors} rows={values?.speakers ?? []} />
      {withDescription ? (
        <RichTextField
          id={id("description")}
          name="description"
          jsonName="descriptionJson"
          label={t("events.manage.fields.description")}
          errors={errors.description}
          defaultText={value("description")}
          defaultJson={value("descriptionJson")}
          rows={6}
        />
      ) : null}
      {text("cpdHours", "events.manage.fields.cpdHours", "number", { step: "0.25", min: "0" })}
      {text("cpdBody", "events.manage.fields.cpdBody")}
      {text("cpdCategory", "events.manage.fields.cpdCategory")}
    </>
  );
}

/**
 * The speakers: one group of fields per speaker, in order, and empty rows to add more.
 * The three inputs of every row are always sent, so the server lines them up by
 * position; an empty row is no speaker. The email links a member's account: that
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
