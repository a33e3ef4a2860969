// The member's privacy page: settings (most private by default), consents with their
// notice version, export and deletion. Plain forms: everything works without JavaScript.
import { parseWithZod } from "@conform-to/zod";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { requireViewer } from "~/modules/accounts/guards.server";
import { safeRedirect } from "~/modules/accounts/schemas";
import {
  cancelDeletion,
  getPrivacyPage,
  myPrivacyRequests,
  requestDeletion,
  requestExport,
  savePrivacySettings,
  withdrawConsent,
} from "~/modules/privacy/privacy.server";
import { PrivacyOfficerCard } from "~/modules/privacy/components/privacy-officer";
import { EMAIL_DELAY_OPTIONS, privacyIntentSchema, privacySettingsSchema, withdrawConsentSchema } from "~/modules/privacy/schemas";
import { useI18n } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";
import { TableRegion } from "~/components/table-region";

export const meta: MetaFunction = (args) => pageTitle(args, "myPrivacy.title");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request, context);
  const [page, requests] = await Promise.all([getPrivacyPage(context.db, viewer), myPrivacyRequests(context.db, viewer)]);
  // Where "keep the deletion and continue" leads after signing in during the grace period.
  const continueTo = safeRedirect.parse(new URL(request.url).searchParams.get("redirectTo") ?? undefined) ?? "/";
  return json({ ...page, requests, continueTo, officer: context.env.privacyOfficer }, { headers: { "Cache-Control": "no-store" } });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const viewer = await requireViewer(request, context);
  const formData = await request.formData();
  const intent = parseWithZod(formData, { schema: privacyIntentSchema });
  if (intent.status !== "success")
    return json({ formError: "myPrivacy.errors.intent", fieldErrors: intent.reply().error ?? {} }, { status: 400 });
  const deps = { db: context.db, jobs: context.jobs };
  switch (intent.value.intent) {
    case "settings": {
      const submission = parseWithZod(formData, { schema: privacySettingsSchema });
      if (submission.status !== "success") return json({ formError: null, fieldErrors: submission.reply().error ?? {} }, { status: 400 });
      const { directory, presence, emailDelay } = submission.value;
      await savePrivacySettings(context.db, viewer, {
        directory: directory === "on",
        presence: presence === "on",
        emailDelayMinutes: emailDelay === "never" ? null : Number(emailDelay),
      });
      return redirect("/profile/privacy?saved=settings");
    }
    case "export": {
      const outcome = await requestExport(deps, viewer);
      if (!outcome.ok) return json({ formError: outcome.formError ?? null, fieldErrors: {} }, { status: outcome.status });
      context.jobs.wake();
      return redirect("/profile/privacy?saved=export");
    }
    case "deletion": {
      const outcome = await requestDeletion(deps, viewer);
      if (!outcome.ok) return json({ formError: outcome.formError ?? null, fieldErrors: {} }, { status: outcome.status });
      return redirect("/profile/privacy?saved=deletion");
    }
    case "withdraw": {
      const submission = parseWithZod(formData, { schema: withdrawConsentSchema });
      if (submission.status !== "success")
        return json({ formError: "myPrivacy.errors.consent", fieldErrors: submission.reply().error ?? {} }, { status: 400 });
      const outcome = await withdrawConsent(context.db, viewer, submission.value.consent);
      if (!outcome.ok) return json({ formError: outcome.formError ?? null, fieldErrors: {} }, { status: outcome.status });
      return redirect(`/profile/privacy?saved=withdrawn&consent=${submission.value.consent}`);
    }
    case "cancelDeletion": {
      const outcome = await cancelDeletion(deps, viewer);
      if (!outcome.ok) return json({ formError: outcome.formError ?? null, fieldErrors: {} }, { status: outcome.status });
      return redirect("/profile/privacy?saved=cancelled");
    }
  }
}

export default function ProfilePrivacy() {
  const { t, tx, date } = useI18n();
  const { settings, optional, consents, requests, continueTo, officer } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const [params] = useSearchParams();
  const saved = params.get("saved");
  const pendingExport = requests.find((r) => r.kind === "export" && r.status === "pending");
  const readyExport = requests.find((r) => r.downloadable);
  const pendingDeletion = requests.find((r) => r.kind === "deletion" && r.status === "pending");
  const fieldErrors = (data?.fieldErrors ?? {}) as Record<string, string[] | undefined>;
  const delayValue = settings.emailDelayMinutes === null ? "never" : String(settings.emailDelayMinutes);
  return (
    <div className="container container--narrow stack stack--l">
      <p>
        <Link to="/profile">← {t("myPrivacy.back")}</Link>
      </p>
      <header className="page-header">
        <h1>{t("myPrivacy.title")}</h1>
        <p className="lead">{t("myPrivacy.lead")}</p>
      </header>
      {pendingDeletion && params.get("welcomeBack") ? (
        <section className="alert alert--warning stack stack--s" aria-labelledby="welcome-back-title">
          <h2 id="welcome-back-title" className="section-title">
            {t("myPrivacy.deletion.welcomeBackTitle")}
          </h2>
          <p>{t("myPrivacy.deletion.welcomeBack", { date: date(pendingDeletion.dueAt, "long") })}</p>
          <div className="cluster">
            <Form method="post">
              <input type="hidden" name="intent" value="cancelDeletion" />
              <button type="submit" className="btn btn--primary">
                {t("myPrivacy.deletion.keepAccount")}
              </button>
            </Form>
            <Link to={continueTo}>{t("myPrivacy.deletion.keepDeletion")}</Link>
          </div>
        </section>
      ) : null}
      {data?.formError ? (
        <p className="alert alert--error" role="alert">
          {tx(data.formError)}
        </p>
      ) : null}
      {saved === "settings" ? (
        <p className="alert alert--success" role="status">
          {t("myPrivacy.settings.saved")}
        </p>
      ) : null}
      {saved === "export" ? (
        <p className="alert alert--success" role="status">
          {t("myPrivacy.export.requested")}
        </p>
      ) : null}
      {saved === "withdrawn" ? (
        <p className="alert alert--success" role="status">
          {t("myPrivacy.optional.withdrawn")}
        </p>
      ) : null}
      {saved === "cancelled" ? (
        <p className="alert alert--success" role="status">
          {t("myPrivacy.deletion.cancelled")}
        </p>
      ) : null}

      <section className="stack" aria-labelledby="settings-title">
        <h2 id="settings-title" className="section-title">
          {t("myPrivacy.settings.title")}
        </h2>
        <p className="field__hint">{t("myPrivacy.settings.hint")}</p>
        <Form method="post" className="form stack">
          <input type="hidden" name="intent" value="settings" />
          <div className="field">
            <label className="checkbox">
              <input type="checkbox" name="directory" defaultChecked={settings.directory} aria-describedby="directory-hint" />
              <span>{t("myPrivacy.settings.directory")}</span>
            </label>
            <p className="field__hint" id="directory-hint">
              {t("myPrivacy.settings.directoryHelp")}
            </p>
          </div>
          <div className="field">
            <label className="checkbox">
              <input type="checkbox" name="presence" defaultChecked={settings.presence} aria-describedby="presence-hint" />
              <span>{t("myPrivacy.settings.presence")}</span>
            </label>
            <p className="field__hint" id="presence-hint">
              {t("myPrivacy.settings.presenceHelp")}
            </p>
          </div>
          <div className="field">
            <label className="field__label" htmlFor="email-delay">
              {t("myPrivacy.settings.emailFrequency")}
            </label>
            <select
              className="select"
              id="email-delay"
              name="emailDelay"
              defaultValue={delayValue}
              aria-describedby="email-delay-hint"
              aria-invalid={fieldErrors.emailDelay ? true : undefined}
            >
              <option value="never">{t("myPrivacy.settings.never")}</option>
              {EMAIL_DELAY_OPTIONS.map((m) => (
                <option key={m} value={String(m)}>
                  {t("myPrivacy.settings.afterMinutes", { minutes: m })}
                </option>
              ))}
            </select>
            <p className="field__hint" id="email-delay-hint">
              {t("myPrivacy.settings.emailFrequencyHelp")}
            </p>
            {fieldErrors.emailDelay ? <p className="field__error">{tx(fieldErrors.emailDelay[0] ?? "")}</p> : null}
          </div>
          <div className="form-actions">
            <button type="submit" className="btn btn--primary">
              {t("myPrivacy.settings.save")}
            </button>
          </div>
        </Form>
      </section>

      <section className="stack" aria-labelledby="optional-title">
        <h2 id="optional-title" className="section-title">
          {t("myPrivacy.optional.title")}
        </h2>
        <p className="field__hint">{t("myPrivacy.optional.lead")}</p>
        <TableRegion labelledBy="optional-title">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t("myPrivacy.consents.kind")}</th>
                <th scope="col">{t("myPrivacy.optional.state")}</th>
                <th scope="col">
                  <span className="visually-hidden">{t("myPrivacy.optional.action")}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {optional.map((c) => (
                <tr key={c.kind}>
                  <th scope="row">{tx(`myPrivacy.optional.kinds.${c.kind}`)}</th>
                  <td>{c.on ? t("myPrivacy.optional.on") : t("myPrivacy.optional.off")}</td>
                  <td>
                    {c.on ? (
                      <Form method="post">
                        <input type="hidden" name="intent" value="withdraw" />
                        <input type="hidden" name="consent" value={c.kind} />
                        <button type="submit" className="btn btn--small" aria-describedby={`optional-${c.kind}`}>
                          {t("myPrivacy.optional.withdraw")}
                        </button>
                      </Form>
                    ) : null}
                    <span id={`optional-${c.kind}`} className="visually-hidden">
                      {tx(`myPrivacy.optional.kinds.${c.kind}`)}
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      </section>

      <section className="stack" aria-labelledby="consents-title">
        <h2 id="consents-title" className="section-title">
          {t("myPrivacy.consents.title")}
        </h2>
        {consents.length === 0 ? (
          <p>{t("myPrivacy.consents.empty")}</p>
        ) : (
          <TableRegion labelledBy="consents-title">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{t("myPrivacy.consents.kind")}</th>
                  <th scope="col">{t("myPrivacy.consents.version")}</th>
                  <th scope="col">{t("myPrivacy.consents.decision")}</th>
                  <th scope="col">{t("myPrivacy.consents.date")}</th>
                </tr>
              </thead>
              <tbody>
                {consents.map((c, i) => (
                  <tr key={i}>
                    <td>
                      {c.kind === "terms" || c.kind === "privacy" ? tx(`consentKinds.${c.kind}`) : tx(`myPrivacy.optional.kinds.${c.kind}`)}
                    </td>
                    <td>{c.version}</td>
                    <td>{c.granted ? t("myPrivacy.consents.granted") : t("myPrivacy.consents.withdrawn")}</td>
                    <td>{date(c.at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableRegion>
        )}
        <p className="field__hint">{t("myPrivacy.consents.withdrawHelp")}</p>
      </section>

      <section className="stack" aria-labelledby="export-title">
        <h2 id="export-title" className="section-title">
          {t("myPrivacy.export.title")}
        </h2>
        <p>{t("myPrivacy.export.help")}</p>
        {pendingExport ? <p role="status">{t("myPrivacy.export.pending", { date: date(pendingExport.createdAt, "datetime") })}</p> : null}
        {readyExport?.expiresAt ? (
          <p>
            {t("myPrivacy.export.ready", { date: date(readyExport.expiresAt, "datetime") })}{" "}
            <a href={`/profile/privacy/export/${readyExport.id}`} download>
              {t("myPrivacy.export.download")}
            </a>
          </p>
        ) : null}
        <Form method="post">
          <input type="hidden" name="intent" value="export" />
          <button type="submit" className="btn">
            {t("myPrivacy.export.submit")}
          </button>
        </Form>
      </section>

      <section className="stack" aria-labelledby="deletion-title">
        <h2 id="deletion-title" className="section-title">
          {t("myPrivacy.deletion.title")}
        </h2>
        <p>{t("myPrivacy.deletion.help")}</p>
        {pendingDeletion ? (
          <>
            <p className="alert alert--warning" role="status">
              {t("myPrivacy.deletion.requested", { date: date(pendingDeletion.dueAt, "long") })}
            </p>
            <Form method="post">
              <input type="hidden" name="intent" value="cancelDeletion" />
              <button type="submit" className="btn btn--primary">
                {t("myPrivacy.deletion.cancel")}
              </button>
            </Form>
          </>
        ) : (
          <Form method="post">
            <input type="hidden" name="intent" value="deletion" />
            <button type="submit" className="btn btn--danger">
              {t("myPrivacy.deletion.submit")}
            </button>
          </Form>
        )}
      </section>

      <PrivacyOfficerCard officer={officer} />
    </div>
  );
}
