import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData } from "@remix-run/react";
import { Checkbox, FormErrors, TextField } from "~/components/form";
import { createAccount } from "~/modules/accounts/accounts.server";
import { ProfileFields } from "~/modules/accounts/components/profile-fields";
import { getOptionalViewer } from "~/modules/accounts/guards.server";
import { LIMITS, signupSchema } from "~/modules/accounts/schemas";
import { useI18n } from "~/utils/i18n";
import { getLocale } from "~/utils/locale.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => pageTitle(args, "signup.title");

export async function loader({ request, context }: LoaderFunctionArgs) {
  if (await getOptionalViewer(request, context)) return redirect("/profile");
  return json({});
}

export async function action({ request, context }: ActionFunctionArgs) {
  const submission = parseWithZod(await request.formData(), { schema: signupSchema });
  if (submission.status !== "success") {
    return json(submission.reply({ hideFields: ["password"] }), { status: 400 });
  }
  const result = await createAccount(context, submission.value, await getLocale(request));
  if (!result.ok) {
    return json(
      submission.reply({
        fieldErrors: result.fieldErrors,
        formErrors: result.formError ? [result.formError] : undefined,
        hideFields: ["password"],
      }),
      { status: result.status },
    );
  }
  // The same answer for a new address and one that already has an account (each gets
  // its own email): the form never tells who is registered.
  return redirect("/login?created=1");
}

export default function Signup() {
  const { t } = useI18n();
  const lastResult = useActionData<typeof action>();
  const [form, fields] = useForm({
    lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: signupSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    defaultValue: { languages: ["fr"] },
  });
  return (
    <div className="container container--narrow stack">
      <header className="page-header">
        <h1>{t("signup.title")}</h1>
        <p className="lead">{t("signup.lead")}</p>
      </header>
      <Form method="post" className="form stack stack--l" {...getFormProps(form)} noValidate>
        <FormErrors
          form={form}
          fields={[
            [fields.email, t("fields.email")],
            [fields.password, t("fields.password")],
            [fields.displayName, t("fields.displayName")],
            [fields.discipline, t("fields.discipline")],
            [fields.region, t("fields.region")],
            [fields.establishmentKind, t("fields.establishmentKind")],
            [fields.establishment, t("fields.establishment")],
            [fields.orderCode, t("fields.orderCode")],
            [fields.permitNumber, t("fields.permitNumber")],
            [fields.languages, t("fields.languages")],
            [fields.topics, t("fields.topics")],
            [fields.acceptTerms, t("signup.acceptTerms")],
            [fields.acceptPrivacy, t("signup.acceptPrivacy")],
          ]}
        />
        <fieldset className="stack">
          <legend className="section-title">{t("signup.account")}</legend>
          <TextField field={fields.email} label={t("fields.email")} type="email" autoComplete="email" required />
          <TextField
            field={fields.password}
            label={t("fields.password")}
            hint={t("fields.passwordHint", { min: LIMITS.passwordMin })}
            type="password"
            autoComplete="new-password"
            required
          />
        </fieldset>
        <ProfileFields fields={fields} />
        <fieldset className="stack">
          <legend className="section-title">{t("signup.privacy")}</legend>
          <Checkbox field={fields.directoryOptIn} label={t("fields.directoryOptIn")} hint={t("fields.directoryOptInHint")} />
        </fieldset>
        <fieldset className="stack">
          <legend className="section-title">{t("signup.consents")}</legend>
          <p className="field__hint">{t("signup.consentsLead")}</p>
          <Checkbox
            field={fields.acceptTerms}
            label={
              <>
                {t("signup.acceptTerms")} (
                <Link to="/terms" target="_blank">
                  {t("signup.readTerms")}
                </Link>
                )
              </>
            }
            hint={t("signup.termsSummary")}
          />
          <Checkbox
            field={fields.acceptPrivacy}
            label={
              <>
                {t("signup.acceptPrivacy")} (
                <Link to="/privacy" target="_blank">
                  {t("signup.readPrivacy")}
                </Link>
                )
              </>
            }
            hint={t("signup.privacySummary")}
          />
        </fieldset>
        <div className="form-actions">
          <button type="submit" className="btn btn--primary">
            {t("signup.submit")}
          </button>
        </div>
      </Form>
      <p>
        {t("signup.haveAccount")} <Link to="/login">{t("nav.signIn")}</Link>
      </p>
    </div>
  );
}
