// Pieces the mentoring pages share: the refusal of a form (its message, each field's,
// and the identifier guard's findings), and reason labels.
import { GuardFindings } from "~/modules/identifier-guard/components";
import type { GuardFinding } from "~/modules/identifier-guard/guard.server";
import { TOPICS } from "~/modules/accounts/reference";
import { useI18n } from "~/utils/i18n";
import type { Reason } from "./matching";

export interface ActionResult {
  intent?: string;
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
