// One-click unsubscribe from forum emails (link and List-Unsubscribe header in every
// forum email).
import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { UnsubscribePage, unsubscribeToken } from "~/components/unsubscribe-page";
import { unsubscribeSubject, unsubscribeWithToken } from "~/modules/forums/unsubscribe.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => pageTitle(args, "forums.unsubscribe.title");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const token = new URL(request.url).searchParams.get("token");
  return json(
    { token: token ?? "", valid: Boolean(unsubscribeSubject(context, token)) },
    { headers: { "Referrer-Policy": "no-referrer" } },
  );
}

export async function action({ request, context }: ActionFunctionArgs) {
  const done = await unsubscribeWithToken(context, await unsubscribeToken(request));
  return json({ done }, { status: done ? 200 : 400 });
}

const MESSAGES = {
  title: "forums.unsubscribe.title",
  lead: "forums.unsubscribe.lead",
  submit: "forums.unsubscribe.submit",
  done: "forums.unsubscribe.done",
  invalid: "forums.unsubscribe.invalid",
  settings: "forums.settings.title",
} as const;

export default function Unsubscribe() {
  const { token, valid } = useLoaderData<typeof loader>();
  return (
    <UnsubscribePage
      token={token}
      valid={valid}
      result={useActionData<typeof action>()}
      messages={MESSAGES}
      settingsHref="/forums/settings"
    />
  );
}
