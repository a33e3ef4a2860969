// One-click unsubscribe from notification emails (the unread-notifications email of
// every capability): the link and the RFC 8058 List-Unsubscribe header of each such email.
import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { UnsubscribePage, unsubscribeToken } from "~/components/unsubscribe-page";
import { notificationUnsubscribeSubject, unsubscribeNotificationEmails } from "~/modules/notifications/notifications.server";
import { pageTitle } from "~/utils/meta";
import { getAppSecret } from "~/utils/secret.server";

export const meta: MetaFunction = (args) => pageTitle(args, "chat.notificationCentre.unsubscribe.title");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const token = new URL(request.url).searchParams.get("token");
  const valid = Boolean(notificationUnsubscribeSubject(getAppSecret(context.env), token));
  return json({ token: token ?? "", valid }, { headers: { "Referrer-Policy": "no-referrer" } });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const done = await unsubscribeNotificationEmails(context.db, getAppSecret(context.env), await unsubscribeToken(request));
  return json({ done }, { status: done ? 200 : 400 });
}

const MESSAGES = {
  title: "chat.notificationCentre.unsubscribe.title",
  lead: "chat.notificationCentre.unsubscribe.lead",
  submit: "chat.notificationCentre.unsubscribe.submit",
  done: "chat.notificationCentre.unsubscribe.done",
  invalid: "chat.notificationCentre.unsubscribe.invalid",
  settings: "chat.notificationCentre.unsubscribe.settings",
} as const;

export default function UnsubscribeNotifications() {
  const { token, valid } = useLoaderData<typeof loader>();
  return (
    <UnsubscribePage
      token={token}
      valid={valid}
      result={useActionData<typeof action>()}
      messages={MESSAGES}
      settingsHref="/notifications#settings"
    />
  );
}
