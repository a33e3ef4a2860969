// The one-click unsubscribe page shared by every kind of email (forum emails, unread
// notification emails). The GET shows one button (no GET changes state); the POST needs
// no sign-in, only the signed token: the button's field, or the URL's when a mail
// provider does the RFC 8058 one-click POST (`List-Unsubscribe=One-Click`, no Origin,
// no cookie: the Origin check lets these paths through, see server/http.ts).
import { Form, Link } from "@remix-run/react";
import { useI18n, type MessageKey } from "~/utils/i18n";

/** The token of an unsubscribe POST: the URL's for a one-click POST, the form's otherwise. */
export async function unsubscribeToken(request: Request): Promise<string | null> {
  const form = await request.formData();
  const token = form.get("List-Unsubscribe") === "One-Click" ? new URL(request.url).searchParams.get("token") : form.get("token");
  return typeof token === "string" ? token : null;
}

interface Props {
  token: string;
  valid: boolean;
  /** The action's answer, once posted. */
  result: { done: boolean } | undefined;
  messages: { title: MessageKey; lead: MessageKey; submit: MessageKey; done: MessageKey; invalid: MessageKey; settings: MessageKey };
  settingsHref: string;
}

export function UnsubscribePage({ token, valid, result, messages, settingsHref }: Props) {
  const { t } = useI18n();
  return (
    <div className="container container--narrow stack stack--l">
      <h1>{t(messages.title)}</h1>
      {result?.done ? (
        <p className="alert alert--success" role="status">
          {t(messages.done)} <Link to={settingsHref}>{t(messages.settings)}</Link>
        </p>
      ) : !valid || result ? (
        <p className="alert alert--error" role="alert">
          {t(messages.invalid)}
        </p>
      ) : (
        <Form method="post" className="form">
          <p>{t(messages.lead)}</p>
          <input type="hidden" name="token" value={token} />
          <div className="form-actions">
            <button type="submit" className="btn btn--primary">
              {t(messages.submit)}
            </button>
          </div>
        </Form>
      )}
    </div>
  );
}
