// People to write to or invite: a search (a GET form, so it works without
// JavaScript) and the verified members it found, as checkboxes or one-click buttons.
import { Form } from "@remix-run/react";
import { useI18n } from "~/utils/i18n";

export interface Candidate {
  id: string;
  name: string;
}

export function PeopleSearch({ q, label }: { q: string; label: string }) {
  const { t } = useI18n();
  return (
    <Form method="get" className="cluster chat-search" role="search" aria-label={label}>
      <div className="field">
        <label className="field__label" htmlFor="people-q">
          {t("chat.people.search")}
        </label>
        <input id="people-q" name="q" type="search" className="input" defaultValue={q} maxLength={80} />
      </div>
      <div className="form-actions">
        <button type="submit" className="btn btn--secondary">
          {t("chat.people.searchSubmit")}
        </button>
      </div>
    </Form>
  );
}

export function PeopleCheckboxes({
  people,
  legend,
  error,
  form,
}: {
  people: Candidate[];
  legend: string;
  error?: string | null;
  form?: string;
}) {
  const { t, tx } = useI18n();
  if (people.length === 0) return <p className="meta">{t("chat.people.none")}</p>;
  return (
    <fieldset
      className={error ? "field checkbox-list field--invalid" : "field checkbox-list"}
      aria-describedby={error ? "people-error" : undefined}
    >
      <legend className="field__label">{legend}</legend>
      <ul>
        {people.map((p) => (
          <li key={p.id}>
            <label className="checkbox">
              <input type="checkbox" name="members" value={p.id} form={form} />
              <span>{p.name}</span>
            </label>
          </li>
        ))}
      </ul>
      {error ? (
        <p className="field__error" id="people-error">
          {tx(error)}
        </p>
      ) : null}
    </fieldset>
  );
}
