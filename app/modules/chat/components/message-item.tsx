// One message: author, time, text, its state (edited, deleted, removed), reactions,
// its thread link, read receipts, and its actions. Every action is a plain form or
// link, so it works without JavaScript; with it, the conversation view catches the
// submit and goes through the live connection instead.
import { Form, Link } from "@remix-run/react";
import type { FormEvent } from "react";
import { useI18n } from "~/utils/i18n";
import { MESSAGE_MAX_LENGTH, REACTIONS, REPORT_REASON_MAX_LENGTH } from "../limits";
import type { ChatMessage } from "../schemas";
import { MessageText } from "./message-text";

export interface MessageActions {
  onEdit?(event: FormEvent<HTMLFormElement>, message: ChatMessage): void;
  onDelete?(event: FormEvent<HTMLFormElement>, message: ChatMessage): void;
  onReact?(event: FormEvent<HTMLFormElement>, message: ChatMessage, emoji: string, on: boolean): void;
  onStartEdit?(message: ChatMessage): void;
  onCancelEdit?(): void;
}

export function MessageTime({ value }: { value: string }) {
  const { date } = useI18n();
  return <time dateTime={value}>{date(value, "datetime")}</time>;
}

export function MessageItem({
  message,
  me,
  editing,
  reporting,
  readBy,
  direct = false,
  threadHref,
  base,
  actions,
  reportError,
  formAction,
}: {
  message: ChatMessage;
  me: string;
  editing: boolean;
  reporting: boolean;
  /** Names of the people whose read position stops at this message. */
  readBy: string[];
  /** In a direct conversation the receipt just says "seen". */
  direct?: boolean;
  /** Link to the thread under this message (top-level messages only). */
  threadHref: string | null;
  /** The page's URL without action parameters (links to ?edit=, ?report=). */
  base: string;
  actions: MessageActions;
  reportError?: string | null;
  /** Where the forms post (the conversation's page when it is embedded in another page); unset: this page. */
  formAction?: string;
}) {
  const { t, tx } = useI18n();
  const mine = message.authorId === me;
  const active = message.state === "active";
  const author = message.authorName ?? t("chat.message.formerMember");
  const join = base.includes("?") ? "&" : "?";
  return (
    <li id={`message-${message.id}`} className={mine ? "chat-message chat-message--mine" : "chat-message"} tabIndex={-1}>
      <p className="chat-message__meta">
        <span className="chat-message__author">{mine ? t("chat.message.you") : author}</span>
        {" · "}
        <MessageTime value={message.createdAt} />
        {message.editedAt && active ? <span> · {t("chat.message.edited")}</span> : null}
      </p>
      {message.state === "deleted" ? (
        <p className="chat-message__body chat-message__body--gone">{t("chat.message.deleted")}</p>
      ) : message.state === "removed" ? (
        <p className="chat-message__body chat-message__body--gone">{t("chat.message.removed")}</p>
      ) : editing && mine ? (
        <Form method="post" action={formAction} className="chat-edit stack stack--s" onSubmit={(e) => actions.onEdit?.(e, message)}>
          <input type="hidden" name="intent" value="edit" />
          <input type="hidden" name="messageId" value={message.id} />
          <label className="field__label" htmlFor={`edit-${message.id}`}>
            {t("chat.message.editLabel")}
          </label>
          <textarea
            id={`edit-${message.id}`}
            name="body"
            className="input"
            rows={3}
            maxLength={MESSAGE_MAX_LENGTH}
            defaultValue={message.body}
            required
          />
          <div className="cluster">
            <button type="submit" className="btn btn--small btn--primary">
              {t("chat.message.save")}
            </button>
            {actions.onCancelEdit ? (
              <button type="button" className="btn btn--small" onClick={actions.onCancelEdit}>
                {t("chat.message.cancel")}
              </button>
            ) : (
              <Link to={base} className="btn btn--small">
                {t("chat.message.cancel")}
              </Link>
            )}
          </div>
        </Form>
      ) : (
        <MessageText message={message} />
      )}

      {active && message.reactions.length > 0 ? (
        <ul className="chat-reactions" aria-label={t("chat.message.reactions")}>
          {message.reactions.map((r) => {
            const on = r.userIds.includes(me);
            return (
              <li key={r.emoji}>
                <Form method="post" action={formAction} onSubmit={(e) => actions.onReact?.(e, message, r.emoji, !on)}>
                  <input type="hidden" name="intent" value="react" />
                  <input type="hidden" name="messageId" value={message.id} />
                  <input type="hidden" name="emoji" value={r.emoji} />
                  <input type="hidden" name="on" value={on ? "0" : "1"} />
                  <button
                    type="submit"
                    className="chat-reaction"
                    aria-pressed={on}
                    aria-label={tx("chat.message.reactionCount", { emoji: r.emoji, count: r.userIds.length })}
                  >
                    <span aria-hidden="true">
                      {r.emoji} {r.userIds.length}
                    </span>
                  </button>
                </Form>
              </li>
            );
          })}
        </ul>
      ) : null}

      {threadHref && (message.replyCount > 0 || active) ? (
        <p className="chat-message__thread">
          <Link to={threadHref}>
            {message.replyCount > 0 ? tx("chat.message.replies", { count: message.replyCount }) : t("chat.message.reply")}
          </Link>
        </p>
      ) : null}

      {readBy.length > 0 ? (
        <p className="chat-receipt">{direct ? t("chat.message.seen") : tx("chat.message.readBy", { names: readBy.join(", ") })}</p>
      ) : null}

      {active && !editing ? (
        <details className="chat-message__actions">
          <summary className="btn btn--small btn--link">
            {t("chat.message.actions")}
            <span className="visually-hidden">
              {" "}
              — {author}, <MessageTime value={message.createdAt} />
            </span>
          </summary>
          <div className="cluster">
            <fieldset className="chat-react-picker">
              <legend className="visually-hidden">{t("chat.message.react")}</legend>
              {REACTIONS.map((emoji) => {
                const on = message.reactions.some((r) => r.emoji === emoji && r.userIds.includes(me));
                return (
                  <Form method="post" action={formAction} key={emoji} onSubmit={(e) => actions.onReact?.(e, message, emoji, !on)}>
                    <input type="hidden" name="intent" value="react" />
                    <input type="hidden" name="messageId" value={message.id} />
                    <input type="hidden" name="emoji" value={emoji} />
                    <input type="hidden" name="on" value={on ? "0" : "1"} />
                    <button type="submit" className="chat-reaction" aria-pressed={on} aria-label={tx("chat.message.reactWith", { emoji })}>
                      <span aria-hidden="true">{emoji}</span>
                    </button>
                  </Form>
                );
              })}
            </fieldset>
            {mine ? (
              <>
                {actions.onStartEdit ? (
                  <button type="button" className="btn btn--small" onClick={() => actions.onStartEdit?.(message)}>
                    {t("chat.message.edit")}
                  </button>
                ) : (
                  <Link to={`${base}${join}edit=${message.id}#message-${message.id}`} className="btn btn--small">
                    {t("chat.message.edit")}
                  </Link>
                )}
                <Form method="post" action={formAction} onSubmit={(e) => actions.onDelete?.(e, message)}>
                  <input type="hidden" name="intent" value="delete" />
                  <input type="hidden" name="messageId" value={message.id} />
                  <button type="submit" className="btn btn--small btn--danger">
                    {t("chat.message.delete")}
                  </button>
                </Form>
              </>
            ) : (
              <Link to={`${base}${join}report=${message.id}#message-${message.id}`} className="btn btn--small">
                {t("chat.message.report")}
              </Link>
            )}
          </div>
        </details>
      ) : null}

      {reporting && !mine && active ? (
        <Form method="post" action={formAction} className="chat-report stack stack--s">
          <input type="hidden" name="intent" value="report" />
          <input type="hidden" name="messageId" value={message.id} />
          <div className={reportError ? "field field--invalid" : "field"}>
            <label className="field__label" htmlFor={`report-${message.id}`}>
              {t("chat.report.reason")}
            </label>
            <p className="field__hint" id={`report-${message.id}-hint`}>
              {t("chat.report.hint")}
            </p>
            <textarea
              id={`report-${message.id}`}
              name="reason"
              className="input"
              rows={3}
              maxLength={REPORT_REASON_MAX_LENGTH}
              required
              aria-invalid={reportError ? true : undefined}
              aria-describedby={reportError ? `report-${message.id}-hint report-${message.id}-error` : `report-${message.id}-hint`}
            />
            {reportError ? (
              <p className="field__error" id={`report-${message.id}-error`}>
                {tx(reportError)}
              </p>
            ) : null}
          </div>
          <div className="cluster">
            <button type="submit" className="btn btn--small btn--primary">
              {t("chat.report.submit")}
            </button>
            <Link to={base} className="btn btn--small">
              {t("chat.message.cancel")}
            </Link>
          </div>
        </Form>
      ) : null}
    </li>
  );
}
