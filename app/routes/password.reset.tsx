import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { json, redirect, type ActionFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useSearchParams } from "@remix-run/react";
import { FormErrors, TextField } from "~/components/form";
import { LIMITS, resetPasswordSchema } from "~/modules/accounts/schemas";
import { useI18n } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => pageTitle(args, "reset.title");

export async function action({ request, context }: ActionFunctionArgs) {
  const submission = parseWithZod(await request.formData(), { schema: resetPasswordSchema });
  if (submission.status !== "success") return json(submission.reply({ hideFields: ["password", "confirm"] }), { status: 400 });
  const result = await context.auth.resetPassword({
    token: submission.value.token,
    password: submission.value.password,
    cookieHeader: request.headers.get("Cookie"),
  });
  if (!result.ok) {
    const message =
      result.error === "weak_password"
        ? "errors.password_short"
        : result.error === "unavailable"
          ? "errors.auth_unavailable"
          : "errors.reset_link_invalid";
    return json(submission.reply({ formErrors: [message], hideFields: ["password", "confirm"] }), { status: 400 });
  }
  return redirect("/login?reset=1");
}

export default function ResetPassword() {
  const { t } = useI18n();
  const lastResult = useActionData<typeof action>();
  const [params] = useSearchParams();
  const [form, fields] = useForm({
    lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: resetPasswordSchema }),
    shouldValidate: "onBlur",
  });
  const token = params.get("token") ?? params.get("token_hash") ?? "";
  return (
    <div className="container container--narrow stack">
      <header className="page-header">
        <h1>{t("reset.title")}</h1>
      </header>
      {token ? (
        <Form method="post" className="form stack" {...getFormProps(form)} noValidate>
          <FormErrors
            form={form}
            fields={[
              [fields.password, t("fields.newPassword")],
              [fields.confirm, t("fields.confirmPassword")],
            ]}
          />
          <input type="hidden" name="token" value={token} />
          <TextField
            field={fields.password}
            label={t("fields.newPassword")}
            hint={t("fields.passwordHint", { min: LIMITS.passwordMin })}
            type="password"
            autoComplete="new-password"
            required
          />
          <TextField field={fields.confirm} label={t("fields.confirmPassword")} type="password" autoComplete="new-password" required />
          <div className="form-actions">
            <button type="submit" className="btn btn--primary">
              {t("reset.submit")}
            </button>
          </div>
        </Form>
      ) : (
        <p className="alert alert--warning">
          {t("errors.reset_link_invalid")} <Link to="/password/forgot">{t("reset.again")}</Link>
        </p>
      )}
    </div>
  );
}
