import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useSearchParams } from "@remix-run/react";
import { FormErrors, TextField } from "~/components/form";
import { getOptionalViewer } from "~/modules/accounts/guards.server";
import { loginSchema } from "~/modules/accounts/schemas";
import { pendingDeletionDue } from "~/modules/privacy/privacy.server";
import { useI18n } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => pageTitle(args, "login.title");

export async function loader({ request, context }: LoaderFunctionArgs) {
  if (await getOptionalViewer(request, context)) return redirect("/");
  return json({});
}

export async function action({ request, context }: ActionFunctionArgs) {
  const formData = await request.formData();
  const submission = parseWithZod(formData, { schema: loginSchema });
  if (submission.status !== "success") {
    return json(submission.reply({ hideFields: ["password"] }), { status: 400 });
  }
  const result = await context.auth.signIn({
    email: submission.value.email,
    password: submission.value.password,
    cookieHeader: request.headers.get("Cookie"),
    userAgent: request.headers.get("User-Agent") ?? undefined,
    source: context.clientAddress,
  });
  if (!result.ok) {
    // The same words for an unknown email and a wrong password.
    const message =
      result.error === "locked"
        ? "errors.account_locked"
        : result.error === "unavailable"
          ? "errors.auth_unavailable"
          : "errors.invalid_credentials";
    return json(submission.reply({ formErrors: [message], hideFields: ["password"] }), { status: result.error === "locked" ? 429 : 400 });
  }
  const redirectTo = submission.value.redirectTo ?? "/";
  // Signing in during a deletion's grace period: she is asked, first thing, whether to
  // keep her account (one button cancels); otherwise the deletion goes on as she asked.
  if (await pendingDeletionDue(context.db, result.claims)) {
    return redirect(`/profile/privacy?welcomeBack=1&redirectTo=${encodeURIComponent(redirectTo)}`, { headers: result.headers });
  }
  return redirect(redirectTo, { headers: result.headers });
}

export default function Login() {
  const { t } = useI18n();
  const lastResult = useActionData<typeof action>();
  const [params] = useSearchParams();
  const [form, fields] = useForm({
    lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: loginSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  return (
    <div className="container container--narrow stack">
      <header className="page-header">
        <h1>{t("login.title")}</h1>
        <p className="lead">{t("login.lead")}</p>
      </header>
      {params.get("reset") ? (
        <p className="alert alert--success" role="status">
          {t("login.resetDone")}
        </p>
      ) : null}
      {params.get("created") ? (
        <p className="alert alert--success" role="status">
          {t("login.created")}
        </p>
      ) : null}
      <Form method="post" className="form stack" {...getFormProps(form)} noValidate>
        <FormErrors
          form={form}
          fields={[
            [fields.email, t("fields.email")],
            [fields.password, t("fields.password")],
          ]}
        />
        <input type="hidden" name="redirectTo" value={params.get("redirectTo") ?? ""} />
        <TextField field={fields.email} label={t("fields.email")} type="email" autoComplete="email" required />
        <TextField field={fields.password} label={t("fields.password")} type="password" autoComplete="current-password" required />
        <div className="form-actions cluster">
          <button type="submit" className="btn btn--primary">
            {t("login.submit")}
          </button>
          <Link to="/password/forgot">{t("login.forgot")}</Link>
        </div>
      </Form>
      <p>
        {t("login.noAccount")} <Link to="/signup">{t("login.createAccount")}</Link>
      </p>
    </div>
  );
}
