import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { json, type ActionFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData } from "@remix-run/react";
import { FormErrors, TextField } from "~/components/form";
import { forgotPasswordSchema } from "~/modules/accounts/schemas";
import { useI18n } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => pageTitle(args, "forgot.title");

export async function action({ request, context }: ActionFunctionArgs) {
  const submission = parseWithZod(await request.formData(), { schema: forgotPasswordSchema });
  if (submission.status !== "success") return json({ result: submission.reply(), sent: false }, { status: 400 });
  // The same answer whether or not an account uses this address.
  await context.auth.requestPasswordReset({ email: submission.value.email, redirectTo: `${context.env.publicUrl}/password/reset` });
  return json({ result: submission.reply({ resetForm: true }), sent: true });
}

export default function ForgotPassword() {
  const { t } = useI18n();
  const data = useActionData<typeof action>();
  const [form, fields] = useForm({
    lastResult: data?.result,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: forgotPasswordSchema }),
    shouldValidate: "onSubmit",
  });
  return (
    <div className="container container--narrow stack">
      <header className="page-header">
        <h1>{t("forgot.title")}</h1>
        <p className="lead">{t("forgot.lead")}</p>
      </header>
      {data?.sent ? (
        <p className="alert alert--success" role="status">
          {t("forgot.sent")}
        </p>
      ) : null}
      <Form method="post" className="form stack" {...getFormProps(form)} noValidate>
        <FormErrors form={form} fields={[[fields.email, t("fields.email")]]} />
        <TextField field={fields.email} label={t("fields.email")} type="email" autoComplete="email" required />
        <div className="form-actions">
          <button type="submit" className="btn btn--primary">
            {t("forgot.submit")}
          </button>
        </div>
      </Form>
    </div>
  );
}
