// Re-consent: when the privacy notice (or the terms) gets a new version, a signed-in
// member is sent here before going on (guards.server.ts) and accepts it, or signs out,
// or goes to the privacy page to export her data or delete her account. A plain form.
import { parseWithZod } from "@conform-to/zod";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { acceptNotices } from "~/modules/accounts/accounts.server";
import { CURRENT_NOTICES } from "~/modules/accounts/consent";
import { requireViewer } from "~/modules/accounts/guards.server";
import { safeRedirect } from "~/modules/accounts/schemas";
import { PrivacyOfficerCard } from "~/modules/privacy/components/privacy-officer";
import { reconsentSchema } from "~/modules/privacy/schemas";
import { useI18n } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => pageTitle(args, "myPrivacy.reconsent.title");

const destination = (value: string | null) => safeRedirect.parse(value ?? undefined) ?? "/";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request, context);
  const redirectTo = destination(new URL(request.url).searchParams.get("redirectTo"));
  const stale = viewer.staleNotices ?? [];
  if (stale.length === 0) return redirect(redirectTo);
  return json(
    { stale: stale.map((kind) => ({ kind, version: CURRENT_NOTICES[kind] })), redirectTo, officer: context.env.privacyOfficer },
    { headers: { "Cache-Control": "no-store" } },
  );
}

export async function action({ request, context }: ActionFunctionArgs) {
  const viewer = await requireViewer(request, context);
  const stale = viewer.staleNotices ?? [];
  const submission = parseWithZod(await request.formData(), { schema: reconsentSchema(stale) });
  if (submission.status !== "success") {
    return json({ fieldErrors: (submission.reply().error ?? {}) as Record<string, string[] | undefined> }, { status: 400 });
  }
  await acceptNotices(context.db, viewer, stale);
  return redirect(submission.value.redirectTo ?? "/");
}

export default function Consent() {
  const { t, tx, date } = useI18n();
  const { stale, redirectTo, officer } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const errors = data?.fieldErrors ?? {};
  const field = (kind: "terms" | "privacy") => (kind === "terms" ? "acceptTerms" : "acceptPrivacy");
  const invalid = stale.filter((n) => errors[field(n.kind)]?.length);
  return (
    <div className="container container--narrow stack stack--l">
      <header className="page-header">
        <h1>{t("myPrivacy.reconsent.title")}</h1>
        <p className="lead">{t("myPrivacy.reconsent.lead")}</p>
      </header>
      {invalid.length ? (
        <div className="alert alert--error" role="alert" tabIndex={-1}>
          <p>{t("myPrivacy.reconsent.errorSummary")}</p>
          <ul>
            {invalid.map((n) => (
              <li key={n.kind}>
                <a href={`#${field(n.kind)}`}>{tx(`myPrivacy.reconsent.required.${n.kind}`)}</a>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <Form method="post" className="form stack" noValidate>
        <input type="hidden" name="redirectTo" value={redirectTo} />
        {stale.map((n) => {
          const name = field(n.kind);
          const error = errors[name]?.[0];
          return (
            <fieldset key={n.kind} className={error ? "field field--invalid stack" : "field stack"}>
              <legend className="section-title">{tx(`${n.kind}.title`)}</legend>
              <p>
                {tx(`myPrivacy.reconsent.changed.${n.kind}`, { date: date(n.version, "long") })}{" "}
                <Link to={`/${n.kind}`}>{tx(`myPrivacy.reconsent.read.${n.kind}`)}</Link>
              </p>
              <label className="checkbox">
                <input
                  type="checkbox"
                  id={name}
                  name={name}
                  value="on"
                  aria-invalid={error ? true : undefined}
                  aria-describedby={error ? `${name}-error` : undefined}
                />
                <span>{tx(`myPrivacy.reconsent.accept.${n.kind}`)}</span>
              </label>
              {error ? (
                <p className="field__error" id={`${name}-error`}>
                  {tx(error)}
                </p>
              ) : null}
            </fieldset>
          );
        })}
        <div className="form-actions">
          <button type="submit" className="btn btn--primary">
            {t("myPrivacy.reconsent.submit")}
          </button>
        </div>
      </Form>
      <section className="stack" aria-labelledby="refuse-title">
        <h2 id="refuse-title" className="section-title">
          {t("myPrivacy.reconsent.refuseTitle")}
        </h2>
        <p>{t("myPrivacy.reconsent.refuse")}</p>
        <p className="cluster">
          <Link to="/profile/privacy">{t("myPrivacy.reconsent.privacyPage")}</Link>
        </p>
        <Form method="post" action="/logout">
          <button type="submit" className="btn">
            {t("myPrivacy.reconsent.signOut")}
          </button>
        </Form>
      </section>
      <PrivacyOfficerCard officer={officer} />
    </div>
  );
}
