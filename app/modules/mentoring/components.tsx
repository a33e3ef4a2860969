// Pieces the mentoring pages share: the refusal of a form (its message, each field's,
// and the identifier guard's findings), reason labels, and the sessions' forms.
import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { Form } from "@remix-run/react";
import { Checkbox, SelectField, TextField } from "~/components/form";
import { GuardFindings } from "~/modules/identifier-guard/components";
import type { GuardFinding } from "~/modules/identifier-guard/guard.server";
import { TOPICS } from "~/modules/accounts/reference";
import { useI18n } from "~/utils/i18n";
import { localIntervalDefaults } from "~/utils/local-time";
import type { Reason } from "./matching";
import { MODALITIES } from "./schemas";

export interface ActionResult {
  intent?: string;
  /** The session the refused move was for (each session has its own move form). */
  sessionId?: string;
  /** The refused form as conform's reply: what was typed, shown again with each field's message. */
  reply?: SubmissionResult<string[]>;
  ok?: boolean;
  formError?: string;
  fieldErrors?: Record<string, string[]>;
  findings?: GuardFinding[];
}

/** The refusal of the form `intent`, when the last post was that form's. */
export function ActionErrors({ result, intent }: { result: ActionResult | undefined; intent: string }) {
  const { t, tx } = useI18n();
  if (!result || result.ok || result.intent !== intent) return null;
  const fields = Object.entries(result.fieldErrors ?? {});
  return (
    <div className="alert alert--error stack stack--s" role="alert">
      {result.formError ? <p>{tx(result.formError)}</p> : <p>{t("mentoring.errors.form")}</p>}
      {result.findings?.length ? (
        <GuardFindings findings={result.findings} fieldLabel={(f) => tx(`mentoring.fields.${f}`)} overridable={false} />
      ) : null}
      {fields.length && !result.findings?.length ? (
        <ul>
          {fields.map(([field, errors]) => (
            <li key={field}>
              {tx(`mentoring.fields.${field}`)}
              {t("mentoring.colon")}
              {errors.map((e) => tx(e)).join(" ")}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

export function useTopicLabel() {
  const { label } = useI18n();
  const byCode = new Map(TOPICS.map((t) => [t.code, t]));
  return (code: string) => {
    const row = byCode.get(code);
    return row ? label(row) : code;
  };
}

/**
 * One checkbox per reference row (topics, disciplines, regions), in columns: the ask
 * form, the request form and the mentor profile all pick codes this way.
 */
export function CodeCheckboxes({
  name,
  legend,
  rows,
  checked,
}: {
  name: string;
  legend: string;
  rows: ReadonlyArray<{ code: string; name_fr: string; name_en?: string | null }>;
  checked: (code: string) => boolean;
}) {
  const { label } = useI18n();
  return (
    <fieldset className="field checkbox-list">
      <legend className="field__label">{legend}</legend>
      <div className="checkbox-columns">
        {rows.map((o) => (
          <label className="checkbox" key={o.code}>
            <input type="checkbox" name={name} value={o.code} defaultChecked={checked(o.code)} />
            <span>{label(o)}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

export function ReasonList({ reasons }: { reasons: Reason[] }) {
  const { t, tx } = useI18n();
  const topic = useTopicLabel();
  const text = (r: Reason) => {
    switch (r.code) {
      case "topic":
        return t("mentoring.reasons.topic", { topic: topic(r.topic) });
      case "language":
        return t("mentoring.reasons.language", { language: tx(`languages.${r.language}`) });
      case "modality":
        return t("mentoring.reasons.modality", { modality: tx(`mentoring.modalities.${r.modality}`) });
      case "freePlaces":
        return tx("mentoring.reasons.freePlaces", { count: r.free });
      default:
        return tx(`mentoring.reasons.${r.code}`);
    }
  };
  return (
    <ul className="tag-list">
      {reasons.map((r, i) => (
        <li key={i} className="tag">
          {text(r)}
        </li>
      ))}
    </ul>
  );
}

type SessionFormValues = { date: string; start: string; end: string; endsNextDay: boolean; modality: string };

/** The shared fields of a session's time: a date, a start, an end and the "ends the next day" box (Toronto). */
function SessionTimeFields({ fields }: { fields: ReturnType<typeof useForm<SessionFormValues>>[1] }) {
  const { t } = useI18n();
  return (
    <>
      <div className="cluster">
        <TextField field={fields.date} type="date" label={t("mentoring.fields.date")} required />
        <TextField field={fields.start} type="time" label={t("mentoring.fields.start")} required />
        <TextField field={fields.end} type="time" label={t("mentoring.fields.end")} required />
      </div>
      <Checkbox field={fields.endsNextDay} label={t("mentoring.fields.endsNextDay")} />
    </>
  );
}

/** Planning a session (ids `new-session-date`, `new-session-start`…; the section is `#session`); the server validates, no JavaScript needed. */
export function ScheduleSessionForm({ result }: { result: ActionResult | undefined }) {
  const { t, tx } = useI18n();
  const [form, fields] = useForm<SessionFormValues>({
    id: "new-session",
    lastResult: result?.intent === "session" ? result.reply : undefined,
    shouldValidate: "onSubmit",
  });
  return (
    <Form method="post" className="form stack stack--s" {...getFormProps(form)}>
      <input type="hidden" name="intent" value="session" />
      <SessionTimeFields fields={fields} />
      <SelectField
        field={fields.modality}
        label={t("mentoring.ask.modality")}
        options={MODALITIES.map((m) => ({ value: m, label: tx(`mentoring.modalities.${m}`) }))}
      />
      <p className="field__hint">{t("mentoring.workspace.timeZoneHint")}</p>
      <p>
        <button type="submit" className="btn">
          {t("mentoring.workspace.schedule")}
        </button>
      </p>
    </Form>
  );
}

/** Moving one planned session: starts from the stored times, the box ticked when it crosses midnight. */
export function MoveSessionForm({
  session,
  result,
}: {
  session: { id: string; starts_at: string; ends_at: string };
  result: ActionResult | undefined;
}) {
  const { t } = useI18n();
  const stored = localIntervalDefaults(session.starts_at, session.ends_at);
  const [form, fields] = useForm<SessionFormValues>({
    id: `move-${session.id}`,
    lastResult: result?.intent === "reschedule" && result.sessionId === session.id ? result.reply : undefined,
    defaultValue: { ...stored, endsNextDay: stored.endsNextDay === "on" },
    shouldValidate: "onSubmit",
  });
  return (
    <Form method="post" className="form stack stack--s" {...getFormProps(form)}>
      <input type="hidden" name="intent" value="reschedule" />
      <input type="hidden" name="sessionId" value={session.id} />
      <SessionTimeFields fields={fields} />
      <p className="field__hint">{t("mentoring.workspace.moveHint")}</p>
      <p>
        <button type="submit" className="btn">
          {t("mentoring.workspace.move")}
        </button>
      </p>
    </Form>
  );
}
