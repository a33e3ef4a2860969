import { parseWithZod } from "@conform-to/zod";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { getMemberForAdmin, setRoles, verifyMember } from "~/modules/accounts/accounts.server";
import { useProfileOptions } from "~/modules/accounts/components/use-options";
import { invariantResponse, requireRole, requireViewer } from "~/modules/accounts/guards.server";
import { tellMemberVerified } from "~/modules/accounts/notify.server";
import { SPONSOR_VERIFIED_DISCIPLINES } from "~/modules/accounts/reference";
import { LIMITS, ROLES, rolesSchema, verifySchema } from "~/modules/accounts/schemas";
import { useI18n } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => pageTitle(args, "admin.memberTitle");

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request, context);
  requireRole(viewer, "admin");
  invariantResponse(params.id && uuid.test(params.id), "not_found");
  const member = await getMemberForAdmin(context.db, viewer, params.id);
  invariantResponse(member, "not_found");
  return json({ member, self: viewer.id === params.id });
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const viewer = await requireViewer(request, context);
  requireRole(viewer, "admin");
  invariantResponse(params.id && uuid.test(params.id), "not_found");
  const formData = await request.formData();
  formData.set("userId", params.id);
  const intent = formData.get("intent");
  if (intent === "verify") {
    const submission = parseWithZod(formData, { schema: verifySchema });
    if (submission.status !== "success") return json({ intent, result: submission.reply() }, { status: 400 });
    const outcome = await verifyMember(context.db, viewer, submission.value);
    if (!outcome.ok)
      return json({ intent, result: submission.reply({ formErrors: [outcome.formError ?? "errors.invalid"] }) }, { status: 400 });
    if (submission.value.decision === "verified") await tellMemberVerified(context, params.id);
    return redirect(`/admin/members/${params.id}?done=verify`);
  }
  if (intent === "roles") {
    const submission = parseWithZod(formData, { schema: rolesSchema });
    if (submission.status !== "success") return json({ intent, result: submission.reply() }, { status: 400 });
    const outcome = await setRoles(context.db, viewer, submission.value);
    if (!outcome.ok)
      return json(
        {
          intent,
          result: submission.reply({ fieldErrors: outcome.fieldErrors, formErrors: outcome.formError ? [outcome.formError] : undefined }),
        },
        { status: 400 },
      );
    return redirect(`/admin/members/${params.id}?done=roles`);
  }
  return json({ intent: "unknown", result: null }, { status: 400 });
}

type Reply = { error?: Record<string, string[] | null> | null } | null | undefined;

/** Errors of one field ("" is the form-level key in conform's reply). */
function errorsFor(result: Reply, name: string): string[] {
  return result?.error?.[name] ?? [];
}

export default function AdminMember() {
  const { t, tx, date } = useI18n();
  const { member, self } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const [params] = useSearchParams();
  const options = useProfileOptions();
  const { profile } = member;
  const verified = profile.verification_status === "verified";
  const verifyResult = data?.intent === "verify" ? data.result : null;
  const roleResult = data?.intent === "roles" ? data.result : null;
  const noteErrors = errorsFor(verifyResult, "note");
  const permitErrors = errorsFor(verifyResult, "permitExpiresOn");
  const verifyFormErrors = [...errorsFor(verifyResult, ""), ...errorsFor(verifyResult, "decision"), ...errorsFor(verifyResult, "method")];
  const roleErrors = [...errorsFor(roleResult, ""), ...errorsFor(roleResult, "roles")];
  const vouchable = SPONSOR_VERIFIED_DISCIPLINES.includes(profile.discipline);
  return (
    <div className="container container--narrow stack stack--l">
      <p>
        <Link to="/admin">← {t("admin.back")}</Link>
      </p>
      <header className="page-header">
        <h1>{profile.display_name}</h1>
        <p>
          <span className={verified ? "badge badge--verified" : "badge badge--unverified"}>
            {tx(`status.${profile.verification_status}`)}
          </span>
        </p>
      </header>
      {params.get("done") ? (
        <p className="alert alert--success" role="status">
          {t("admin.saved")}
        </p>
      ) : null}
      <dl className="definition-list">
        <dt>{t("fields.email")}</dt>
        <dd>{member.private?.contact_email ?? "—"}</dd>
        <dt>{t("fields.discipline")}</dt>
        <dd>{options.disciplines.find((d) => d.value === profile.discipline)?.label}</dd>
        <dt>{t("fields.region")}</dt>
        <dd>{options.regions.find((r) => r.value === profile.region_code)?.label}</dd>
        <dt>{t("fields.establishment")}</dt>
        <dd>{profile.establishment ?? "—"}</dd>
        <dt>{t("fields.orderCode")}</dt>
        <dd>{member.private?.order_code ?? t("admin.noOrder")}</dd>
        <dt>{t("fields.permitNumber")}</dt>
        <dd>{member.private?.permit_number ?? "—"}</dd>
        <dt>{t("permit.admin.expiresOn")}</dt>
        <dd>
          {member.permit
            ? `${date(member.permit.expiresOn)}${member.permit.lapsed ? ` · ${t("permit.admin.lapsed")}` : ""}${
                member.permit.renewalExpiresOn
                  ? ` · ${tx("permit.admin.renewalSubmitted", { date: date(member.permit.renewalExpiresOn) })}`
                  : ""
              }`
            : t("permit.admin.none")}
        </dd>
        <dt>{t("admin.joined")}</dt>
        <dd>{date(profile.created_at)}</dd>
      </dl>

      <section className="stack" aria-labelledby="verify-title">
        <h2 id="verify-title" className="section-title">
          {t("admin.verifyTitle")}
        </h2>
        <p className="field__hint">{t("admin.verifyHint")}</p>
        <Form method="post" className="form stack">
          <input type="hidden" name="intent" value="verify" />
          {verifyFormErrors.length || noteErrors.length || permitErrors.length ? (
            <div className="form-errors" role="alert">
              <h3>{t("form.errorSummary")}</h3>
              {verifyFormErrors.length ? <p>{verifyFormErrors.map((e) => tx(e)).join(" ")}</p> : null}
              {noteErrors.length || permitErrors.length ? (
                <ul>
                  {noteErrors.length ? (
                    <li>
                      <a href="#verify-note">
                        {t("admin.note")} : {tx(noteErrors[0] ?? "errors.invalid")}
                      </a>
                    </li>
                  ) : null}
                  {permitErrors.length ? (
                    <li>
                      <a href="#verify-permit">
                        {t("permit.admin.expiresOn")} : {tx(permitErrors[0] ?? "errors.invalid")}
                      </a>
                    </li>
                  ) : null}
                </ul>
              ) : null}
            </div>
          ) : null}
          <fieldset className="field radio-list">
            <legend className="field__label">{t("admin.decision")}</legend>
            <label className="radio">
              <input type="radio" name="decision" value="verified" defaultChecked={!verified} /> <span>{t("admin.decisionVerify")}</span>
            </label>
            <label className="radio">
              <input type="radio" name="decision" value="revoked" defaultChecked={verified} /> <span>{t("admin.decisionRevoke")}</span>
            </label>
          </fieldset>
          <fieldset className="field radio-list">
            <legend className="field__label">{t("admin.method")}</legend>
            <label className="radio">
              <input type="radio" name="method" value="order_register" defaultChecked={!vouchable && Boolean(member.private?.order_code)} />{" "}
              <span>{t("admin.methodRegister")}</span>
            </label>
            <label className="radio">
              <input type="radio" name="method" value="admin_review" defaultChecked={vouchable || !member.private?.order_code} />{" "}
              <span>{t("admin.methodOther")}</span>
            </label>
          </fieldset>
          <div className={noteErrors.length ? "field field--invalid" : "field"}>
            <label className="field__label" htmlFor="verify-note">
              {t("admin.note")}
            </label>
            <p className="field__hint" id="verify-note-hint">
              {t("admin.noteHint")}
            </p>
            <textarea
              id="verify-note"
              name="note"
              className="input"
              rows={3}
              maxLength={LIMITS.note}
              disabled={self}
              aria-invalid={noteErrors.length ? true : undefined}
              aria-describedby={noteErrors.length ? "verify-note-hint verify-note-error" : "verify-note-hint"}
            />
            {noteErrors.length ? (
              <p className="field__error" id="verify-note-error">
                {noteErrors.map((e) => tx(e)).join(" ")}
              </p>
            ) : null}
          </div>
          <div className={permitErrors.length ? "field field--invalid" : "field"}>
            <label className="field__label" htmlFor="verify-permit">
              {t("permit.admin.expiresOn")}
            </label>
            <p className="field__hint" id="verify-permit-hint">
              {t("permit.admin.expiresOnHint")}
            </p>
            <input
              id="verify-permit"
              name="permitExpiresOn"
              className="input"
              inputMode="numeric"
              defaultValue={member.permit?.expiresOn ?? ""}
              disabled={self}
              aria-invalid={permitErrors.length ? true : undefined}
              aria-describedby={permitErrors.length ? "verify-permit-hint verify-permit-error" : "verify-permit-hint"}
            />
            {permitErrors.length ? (
              <p className="field__error" id="verify-permit-error">
                {permitErrors.map((e) => tx(e)).join(" ")}
              </p>
            ) : null}
          </div>
          <div className="form-actions">
            <button type="submit" className="btn btn--primary" disabled={self}>
              {t("admin.verifySubmit")}
            </button>
          </div>
        </Form>
      </section>

      <section className="stack" aria-labelledby="roles-title">
        <h2 id="roles-title" className="section-title">
          {t("admin.rolesTitle")}
        </h2>
        <Form method="post" className="form stack">
          <input type="hidden" name="intent" value="roles" />
          {roleErrors.length ? (
            <div className="form-errors" role="alert">
              <h3>{t("form.errorSummary")}</h3>
              <p>{roleErrors.map((e) => tx(e)).join(" ")}</p>
            </div>
          ) : null}
          <fieldset className="field checkbox-list">
            <legend className="field__label">{t("admin.rolesLegend")}</legend>
            {ROLES.map((role) => (
              <label className="checkbox" key={role}>
                <input type="checkbox" name="roles" value={role} defaultChecked={member.roles.includes(role)} />
                <span>{tx(`roles.${role}`)}</span>
              </label>
            ))}
          </fieldset>
          <div className="form-actions">
            <button type="submit" className="btn btn--secondary">
              {t("admin.rolesSubmit")}
            </button>
          </div>
        </Form>
      </section>

      <section className="stack" aria-labelledby="history-title">
        <h2 id="history-title" className="section-title">
          {t("admin.history")}
        </h2>
        {member.history.length === 0 ? (
          <p className="empty-state">{t("admin.noHistory")}</p>
        ) : (
          <ul className="stack stack--s">
            {member.history.map((h, i) => (
              <li key={i}>
                <strong>{tx(`admin.decisions.${h.decision}`)}</strong> · {tx(`admin.methods.${h.method}`)} · {h.verifier ?? "—"} ·{" "}
                {date(h.created_at, "datetime")}
                {h.permit_expires_on
                  ? ` · ${tx("permit.admin.historyExpires", { date: date(String(h.permit_expires_on).slice(0, 10)) })}`
                  : ""}
                <p className="meta">{h.note}</p>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
