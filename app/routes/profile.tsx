import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { Checkbox, FormErrors, SelectField, TextAreaField } from "~/components/form";
import { getMyProfile, updateMyProfile } from "~/modules/accounts/accounts.server";
import { ProfileFields } from "~/modules/accounts/components/profile-fields";
import { requireViewer } from "~/modules/accounts/guards.server";
import { profileSchema } from "~/modules/accounts/schemas";
import { useI18n } from "~/utils/i18n";
import { localeCookie } from "~/utils/locale.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => pageTitle(args, "profile.title");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request, context);
  const mine = await getMyProfile(context.db, viewer);
  return json({
    profile: mine.profile,
    private: mine.private,
    verification: mine.verification,
  });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const viewer = await requireViewer(request, context);
  const submission = parseWithZod(await request.formData(), { schema: profileSchema });
  if (submission.status !== "success") return json(submission.reply(), { status: 400 });
  await updateMyProfile(context.db, viewer, submission.value);
  return redirect("/profile?saved=1", { headers: { "Set-Cookie": await localeCookie.serialize(submission.value.locale) } });
}

export default function Profile() {
  const { t, date } = useI18n();
  const { profile, private: priv, verification } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [params] = useSearchParams();
  const [form, fields] = useForm({
    lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: profileSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    defaultValue: {
      displayName: profile.display_name,
      discipline: profile.discipline,
      region: profile.region_code,
      establishment: profile.establishment ?? "",
      establishmentKind: profile.establishment_kind ?? "",
      orderCode: priv?.order_code ?? "",
      permitNumber: priv?.permit_number ?? "",
      languages: profile.languages,
      topics: profile.topics,
      bio: profile.bio ?? "",
      directoryOptIn: profile.directory_opt_in ? "on" : undefined,
      locale: profile.locale,
    },
  });
  const verified = profile.verification_status === "verified";
  return (
    <div className="container container--narrow stack stack--l">
      <header className="page-header">
        <h1>{t("profile.title")}</h1>
        <p className="cluster">
          <span className={verified ? "badge badge--verified" : "badge badge--unverified"}>
            {verified ? t("status.verified") : t("status.unverified")}
          </span>
          {priv ? <span className="meta">{priv.contact_email}</span> : null}
          <Link to="/profile/security">{t("profile.securityLink")}</Link>
          <Link to="/profile/privacy">{t("myPrivacy.link")}</Link>
          <Link to="/profile/permit">{t("permit.page.link")}</Link>
        </p>
      </header>
      {params.get("welcome") ? (
        <p className="alert alert--success" role="status">
          {t("profile.welcome")}
        </p>
      ) : null}
      {params.get("saved") ? (
        <p className="alert alert--success" role="status">
          {t("profile.saved")}
        </p>
      ) : null}
      {!verified ? (
        <div className="alert alert--info">
          <p>{t("profile.unverifiedExplain")}</p>
        </div>
      ) : verification ? (
        <p className="meta">{t("profile.verifiedOn", { date: date(verification.created_at) })}</p>
      ) : null}

      <Form method="post" className="form stack stack--l" {...getFormProps(form)} noValidate>
        <FormErrors
          form={form}
          fields={[
            [fields.displayName, t("fields.displayName")],
            [fields.discipline, t("fields.discipline")],
            [fields.region, t("fields.region")],
            [fields.establishmentKind, t("fields.establishmentKind")],
            [fields.establishment, t("fields.establishment")],
            [fields.orderCode, t("fields.orderCode")],
            [fields.permitNumber, t("fields.permitNumber")],
            [fields.languages, t("fields.languages")],
            [fields.topics, t("fields.topics")],
            [fields.bio, t("fields.bio")],
            [fields.locale, t("fields.locale")],
          ]}
        />
        {verified ? <p className="alert alert--info">{t("profileForm.reverifyHint")}</p> : null}
        <ProfileFields fields={fields} />
        <TextAreaField field={fields.bio} label={t("fields.bio")} hint={t("fields.bioHint")} />
        <fieldset className="stack">
          <legend className="section-title">{t("signup.privacy")}</legend>
          <Checkbox field={fields.directoryOptIn} label={t("fields.directoryOptIn")} hint={t("fields.directoryOptInHint")} />
          <SelectField
            field={fields.locale}
            label={t("fields.locale")}
            options={[
              { value: "fr-CA", label: "Français" },
              { value: "en-CA", label: "English" },
            ]}
          />
        </fieldset>
        <div className="form-actions">
          <button type="submit" className="btn btn--primary">
            {t("profile.save")}
          </button>
        </div>
      </Form>

      <p>
        {t("profile.consentsMoved")} <Link to="/profile/privacy#consents-title">{t("myPrivacy.link")}</Link>
      </p>
    </div>
  );
}
