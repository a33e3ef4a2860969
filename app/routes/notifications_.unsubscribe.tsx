// One-click unsubscribe from notification emails (the unread-notifications email of
// every capability): the link and the RFC 8058 List-Unsubscribe header of each such
// email. The GET shows one button (no GET changes state); the POST needs no sign-in,
// only the signed token: the button's field, or the URL's for a mail provider's
// one-click POST (`List-Unsubscribe=One-Click`, no Origin: see server/http.ts).
import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { notificationUnsubscribeSubject, unsubscribeNotificationEmails } from "~/modules/notifications/notifications.server";
import { useI18n } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";
import { getAppSecret } from "~/utils/secret.server";

export const meta: MetaFunction = (args) => pageTitle(args, "chat.notificationCentre.unsubscribe.title");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const token = new URL(request.url).searchParams.get("token");
  const valid = Boolean(notificationUnsubscribeSubject(getAppSecret(context.env), token));
  return json({ token: token ?? "", valid }, { headers: { "Referrer-Policy": "no-referrer" } });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const oneClick = form.get("List-Unsubscribe") === "One-Click";
  const token = oneClick ? new URL(request.url).searchParams.get("token") : form.get("token");
  const done = await unsubscribeNotificationEmails(context.db, getAppSecret(context.env), typeof token === "string" ? token : null);
  return json({ done }, { status: done ? 200 : 400 });
}

export default function UnsubscribeNotifications() {
  const { t } = useI18n();
  const { token, valid } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <div className="container container--narrow stack stack--l">
      <h1>{t("chat.notificationCentre.unsubscribe.title")}</h1>
      {result?.done ? (
        <p className="alert alert--success" role="status">
          {t("chat.notificationCentre.unsubscribe.done")} <Link to="/notifications#settings">{t("chat.notificationCentre.unsubscribe.settings")}</Link>
        </p>
      ) : !valid || result ? (
        <p className="alert alert--error" role="alert">{t("chat.notificationCentre.unsubscribe.invalid")}</p>
      ) : (
        <Form method="post" className="form">
          <p>{t("chat.notificationCentre.unsubscribe.lead")}</p>
          <input type="hidden" name="token" value={token} />
          <div className="form-actions"><button type="submit" className="btn btn--primary">{t("chat.notificationCentre.unsubscribe.submit")}</button></div>
        </Form>
      )}
    </div>
  );
}
