// One-click unsubscribe from forum emails (link and List-Unsubscribe header in every
// forum email). The GET shows one button (no GET changes state); the POST needs no
// sign-in, only the signed token: the button's field, or the URL's for RFC 8058.
import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { unsubscribeSubject, unsubscribeWithToken } from "~/modules/forums/unsubscribe.server";
import { useI18n } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => pageTitle(args, "forums.unsubscribe.title");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const token = new URL(request.url).searchParams.get("token");
  return json({ token: token ?? "", valid: Boolean(unsubscribeSubject(context, token)) }, { headers: { "Referrer-Policy": "no-referrer" } });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  // RFC 8058: a mail provider POSTs `List-Unsubscribe=One-Click` to the URL of the
  // List-Unsubscribe header, which carries the token (no Origin, no cookie: the
  // Origin check lets this path through without one, see server/http.ts). The page's
  // own button posts the token as a field.
  const oneClick = form.get("List-Unsubscribe") === "One-Click";
  const token = oneClick ? new URL(request.url).searchParams.get("token") : form.get("token");
  const done = await unsubscribeWithToken(context, typeof token === "string" ? token : null);
  return json({ done }, { status: done ? 200 : 400 });
}

export default function Unsubscribe() {
  const { t } = useI18n();
  const { token, valid } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <div className="container container--narrow stack stack--l">
      <h1>{t("forums.unsubscribe.title")}</h1>
      {result?.done ? (
        <p className="alert alert--success" role="status">{t("forums.unsubscribe.done")} <Link to="/forums/settings">{t("forums.settings.title")}</Link></p>
      ) : !valid || result ? (
        <p className="alert alert--error" role="alert">{t("forums.unsubscribe.invalid")}</p>
      ) : (
        <Form method="post" className="form">
          <p>{t("forums.unsubscribe.lead")}</p>
          <input type="hidden" name="token" value={token} />
          <div className="form-actions"><button type="submit" className="btn btn--primary">{t("forums.unsubscribe.submit")}</button></div>
        </Form>
      )}
    </div>
  );
}
