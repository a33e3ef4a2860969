// A conversation's composer (the timeline's, or a thread's): a plain form that posts
// without JavaScript; with it, the page sends through the socket (the handlers come
// from the page). Shows the field's error, the identifier guard's findings with a box
// to mark each, and mention suggestions.
import { Form } from "@remix-run/react";
import type { FormEvent, KeyboardEvent, RefObject } from "react";
import { useI18n } from "~/utils/i18n";
import { GuardFindings } from "~/modules/identifier-guard/components";
import { MESSAGE_MAX_LENGTH } from "../limits";

/** A finding of the identifier guard as the page shows it (the field is always "body" in chat). */
export interface Finding {
  field: string;
  kind: string;
  before: string;
  match: string;
  after: string;
}

export interface ComposerProps {
  parentId: number | null;
  label: string;
  idSuffix: string;
  clientId: string;
  defaultValue: string;
  error: string | null;
  findings: Finding[];
  /** true: found in the browser before sending; false: refused by the server. */
  foundBeforeSending: boolean;
  mentionCandidates: Array<{ id: string; name: string }>;
  offline: boolean;
  fieldRef?: RefObject<HTMLTextAreaElement>;
  onSubmit(form: HTMLFormElement, event: FormEvent): void;
  onInput(event: FormEvent<HTMLTextAreaElement>): void;
  onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>): void;
  onBlur(): void;
  onMention(name: string): void;
}

export function Composer(props: ComposerProps) {
  const { t, tx } = useI18n();
  const { idSuffix, error, findings } = props;
  return (
    <Form method="post" className="chat-composer stack stack--s" onSubmit={(e) => props.onSubmit(e.currentTarget, e)}>
      <input type="hidden" name="intent" value="send" />
      <input type="hidden" name="clientId" value={props.clientId} />
      {props.parentId ? <input type="hidden" name="parentId" value={props.parentId} /> : null}
      <div className={error ? "field field--invalid" : "field"}>
        <label className="field__label" htmlFor={`composer-${idSuffix}`}>
          {props.label}
        </label>
        <textarea
          ref={props.fieldRef}
          id={`composer-${idSuffix}`}
          name="body"
          className="input chat-composer__input"
          rows={2}
          maxLength={MESSAGE_MAX_LENGTH}
          defaultValue={props.defaultValue}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `composer-${idSuffix}-hint composer-${idSuffix}-error` : `composer-${idSuffix}-hint`}
          onInput={props.onInput}
          onKeyDown={props.onKeyDown}
          onBlur={props.onBlur}
        />
        <p className="field__hint" id={`composer-${idSuffix}-hint`}>
          {t("chat.composer.hint")}
        </p>
        {error && !findings.length ? (
          <p className="field__error" id={`composer-${idSuffix}-error`} role="alert">
            {tx(error)}
          </p>
        ) : null}
      </div>
      {findings.length ? (
        <div
          id={`composer-${idSuffix}-guard`}
          className="alert alert--warning stack stack--s"
          role="alert"
          tabIndex={-1}
          data-testid="chat-guard"
        >
          <p>{t(props.foundBeforeSending ? "chat.guard.warning" : "chat.guard.refused")}</p>
          <GuardFindings findings={findings} fieldLabel={() => t("chat.guard.fields.body")} idPrefix={`composer-${idSuffix}-override`} />
          {error && error.startsWith("identifierGuard.") ? <p className="field__error">{tx(error)}</p> : null}
        </div>
      ) : null}
      {props.mentionCandidates.length > 0 ? (
        <div className="chat-mentions cluster" role="group" aria-label={t("chat.composer.mentionSuggestions")}>
          {props.mentionCandidates.map((m) => (
            <button key={m.id} type="button" className="btn btn--small" onClick={() => props.onMention(m.name)}>
              @{m.name}
            </button>
          ))}
        </div>
      ) : null}
      <div className="cluster">
        <button type="submit" className="btn btn--primary">
          {t("chat.composer.send")}
        </button>
        {props.offline ? (
          <span className="meta" role="status">
            {t("chat.composer.offline")}
          </span>
        ) : null}
      </div>
    </Form>
  );
}
