// The signed-in person's password and sign-in address. Each change is proven by the
// current password; an email change only happens once the link sent to the new
// address is opened and confirmed (profile_.email.confirm.tsx).
import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { FormErrors, TextField } from "~/components/form";
import { requireViewer } from "~/modules/accounts/guards.server";
import { changeEmailSchema, changePasswordSchema, LIMITS } from "~/modules/accounts/schemas";
import { changeMyPassword, requestMyEmailChange } from "~/modules/accounts/security.server";
import { useI18n } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => pageTitle(args, "security.title");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request, context);
  return json({ email: viewer.claims.email }, { headers: { "Cache-Control": "no-store" } });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const viewer = await requireViewer(request, context);
  const formData = await request.formData();
  const cookieHeader = request.headers.get("Cookie");
  if (formData.get("intent") === "email") {
    const submission = parseWithZod(formData, { schema: changeEmailSchema });
    if (submission.status !== "success")
      return json({ intent: "email", result: submission.reply({ hideFields: ["currentPassword"] }) }, { status: 400 });
    const outcome = await requestMyEmailChange(context, viewer, submission.value, cookieHeader);
    if (!outcome.ok) {
      return json(
        {
          intent: "email",
          result: submission.reply({
            fieldErrors: outcome.fieldErrors,
            formErrors: outcome.formError ? [outcome.formError] : undefined,
            hideFields: ["currentPassword"],
          }),
        },
        { status: outcome.status },
      );
    }
    return redirect("/profile/security?email=sent");
  }
  const submission = parseWithZod(formData, { schema: changePasswordSchema });
  const hideFields = ["currentPassword", "password", "confirm"];
  if (submission.status !== "success") return json({ intent: "password", result: submission.reply({ hideFields }) }, { status: 400 });
  const outcome = await changeMyPassword(context, viewer, submission.value, cookieHeader);
  if (!outcome.ok) {
    return json(
      {
        intent: "password",
        result: submission.reply({
          fieldErrors: outcome.fieldErrors,
          formErrors: outcome.formError ? [outcome.formError] : undefined,
          hideFields,
        }),
      },
      { status: outcome.status },
    );
  }
  return redirect("/profile/security?password=changed", { headers: outcome.headers });
}

export default function ProfileSecurity() {
  const { t } = useI18n();
  const { email } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const [params] = useSearchParams();
  const [passwordForm, passwordFields] = useForm({
    id: "password-form",
    lastResult: data?.intent === "password" ? data.result : undefined,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: changePasswordSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  const [emailForm, emailFields] = useForm({
    id: "email-form",
    lastResult: data?.intent === "email" ? data.result : undefined,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: changeEmailSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  return (
    <div className="container container--narrow stack stack--l">
      <p>
        <Link to="/profile">← {t("security.back")}</Link>
      </p>
      <header className="page-header">
        <h1>{t("security.title")}</h1>
        <p className="lead">{t("security.lead")}</p>
      </header>
      {params.get("password") ? (
        <p className="alert alert--success" role="status">
          {t("security.passwordDone")}
        </p>
      ) : null}
      {params.get("email") ? (
        <p className="alert alert--success" role="status">
          {t("security.emailSent")}
        </p>
      ) : null}

      <section className="stack" aria-labelledby="password-title">
        <h2 id="password-title" className="section-title">
          {t("security.passwordTitle")}
        </h2>
        <p className="field__hint">{t("security.passwordHint")}</p>
        <Form method="post" className="form stack" {...getFormProps(passwordForm)} noValidate>
          <input type="hidden" name="intent" value="password" />
          <FormErrors
            form={passwordForm}
            fields={[
              [passwordFields.currentPassword, t("security.currentPassword")],
              [passwordFields.password, t("fields.newPassword")],
              [passwordFields.confirm, t("fields.confirmPassword")],
            ]}
          />
          <TextField
            field={passwordFields.currentPassword}
            label={t("security.currentPassword")}
            type="password"
            autoComplete="current-password"
            required
          />
          <TextField
            field={passwordFields.password}
            label={t("fields.newPassword")}
            hint={t("fields.passwordHint", { min: LIMITS.passwordMin })}
            type="password"
            autoComplete="new-password"
            required
          />
          <TextField
            field={passwordFields.confirm}
            label={t("fields.confirmPassword")}
            type="password"
            autoComplete="new-password"
            required
          />
          <div className="form-actions">
            <button type="submit" className="btn btn--primary">
              {t("security.passwordSubmit")}
            </button>
          </div>
        </Form>
      </section>

      <section className="stack" aria-labelledby="email-title">
        <h2 id="email-title" className="section-title">
          {t("security.emailTitle")}
        </h2>
        <p className="meta">{t("security.currentEmail", { email })}</p>
        <p className="field__hint">{t("security.emailHint")}</p>
        <Form method="post" className="form stack" {...getFormProps(emailForm)} noValidate>
          <input type="hidden" name="intent" value="email" />
          <FormErrors
            form={emailForm}
            fields={[
              [emailFields.newEmail, t("security.newEmail")],
              [emailFields.currentPassword, t("security.currentPassword")],
            ]}
          />
          <TextField field={emailFields.newEmail} label={t("security.newEmail")} type="email" autoComplete="email" required />
          <TextField
            field={emailFields.currentPassword}
            label={t("security.currentPassword")}
            type="password"
            autoComplete="current-password"
            required
          />
          <div className="form-actions">
            <button type="submit" className="btn btn--primary">
              {t("security.emailSubmit")}
            </button>
          </div>
        </Form>
      </section>
    </div>
  );
}
