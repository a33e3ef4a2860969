// The link of an email change lands here. Opening it changes nothing (no GET changes
// state, and mail scanners open links): the person confirms with a button, a POST.
// It works signed in or not, in any browser: the emailed token is the authority.
import { parseWithZod } from "@conform-to/zod";
import { json, redirect, type ActionFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useSearchParams } from "@remix-run/react";
import { confirmEmailChangeSchema } from "~/modules/accounts/schemas";
import { confirmEmailChange } from "~/modules/accounts/security.server";
import { useI18n } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => pageTitle(args, "security.confirmTitle");

export async function action({ request, context }: ActionFunctionArgs) {
  const submission = parseWithZod(await request.formData(), { schema: confirmEmailChangeSchema });
  if (submission.status !== "success") return json({ formError: "errors.email_change_link_invalid" }, { status: 400 });
  const outcome = await confirmEmailChange(context, submission.value.token);
  if (!outcome.ok) {
    return json({ formError: outcome.formError ?? "errors.email_change_link_invalid" }, { status: outcome.status });
  }
  return redirect("/profile/email/confirm?done=1");
}

export default function ConfirmEmailChange() {
  const { t, tx } = useI18n();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  // Supabase's email templates name it token_hash.
  const token = params.get("token") ?? params.get("token_hash") ?? "";
  return (
    <div className="container container--narrow stack">
      <header className="page-header">
        <h1>{t("security.confirmTitle")}</h1>
      </header>
      {params.get("done") ? (
        <p className="alert alert--success" role="status">
          {t("security.confirmDone")} <Link to="/login">{t("nav.signIn")}</Link>
        </p>
      ) : token ? (
        <Form method="post" className="form stack">
          {result?.formError ? (
            <p className="alert alert--error" role="alert">
              {tx(result.formError)}
            </p>
          ) : null}
          <p>{t("security.confirmLead")}</p>
          <input type="hidden" name="token" value={token} />
          <div className="form-actions">
            <button type="submit" className="btn btn--primary">
              {t("security.confirmSubmit")}
            </button>
          </div>
        </Form>
      ) : (
        <p className="alert alert--warning">{t("errors.email_change_link_invalid")}</p>
      )}
    </div>
  );
}
