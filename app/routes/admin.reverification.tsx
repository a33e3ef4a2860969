// The admins' re-verification queue: renewals members submitted (confirm against the
// order's public register, with the new expiry date), lapsed permits and those expiring
// within 30 days. Confirming records a verification: the permit is renewed, a lapse is
// lifted and the audit log says so (one transaction, the verification trigger).
import { parseWithZod } from "@conform-to/zod";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { listReverification, verifyMember } from "~/modules/accounts/accounts.server";
import { requireRole, requireViewer } from "~/modules/accounts/guards.server";
import { confirmRenewalSchema, LIMITS } from "~/modules/accounts/schemas";
import { useI18n } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => pageTitle(args, "permit.admin.title");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request, context);
  requireRole(viewer, "admin");
  const rows = await listReverification(context.db, viewer);
  return json({ rows }, { headers: { "Cache-Control": "no-store" } });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const viewer = await requireViewer(request, context);
  requireRole(viewer, "admin");
  const submission = parseWithZod(await request.formData(), { schema: confirmRenewalSchema });
  const userId = submission.payload.userId;
  if (submission.status !== "success") return json({ userId, result: submission.reply() }, { status: 400 });
  const outcome = await verifyMember(context.db, viewer, { ...submission.value, decision: "verified" });
  if (!outcome.ok)
    return json({ userId, result: submission.reply({ formErrors: [outcome.formError ?? "errors.invalid"] }) }, { status: outcome.status });
  return redirect(`/admin/reverification?confirmed=${submission.value.userId}`);
}

type Reply = { error?: Record<string, string[] | null> | null } | null | undefined;
const errorsFor = (result: Reply, name: string): string[] => result?.error?.[name] ?? [];

export default function Reverification() {
  const { t, tx, date } = useI18n();
  const { rows } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const [params] = useSearchParams();
  return (
    <div className="container stack stack--l">
      <p>
        <Link to="/admin">← {t("admin.back")}</Link>
      </p>
      <header className="page-header">
        <h1>{t("permit.admin.title")}</h1>
        <p className="lead">{t("permit.admin.lead")}</p>
      </header>
      {params.get("confirmed") ? (
        <p className="alert alert--success" role="status">
          {t("permit.admin.confirmed")}
        </p>
      ) : null}
      {rows.length === 0 ? <p className="empty-state">{t("permit.admin.empty")}</p> : null}
      {rows.map((row) => {
        const result = data?.userId === row.userId ? data.result : null;
        const formErrors = [...errorsFor(result, ""), ...errorsFor(result, "method"), ...errorsFor(result, "userId")];
        const noteErrors = errorsFor(result, "note");
        const dateErrors = errorsFor(result, "permitExpiresOn");
        const id = `rv-${row.userId}`;
        const state = row.renewalExpiresOn ? "waiting" : row.lapsed ? "lapsed" : "soon";
        return (
          <article key={row.userId} className="card stack stack--s" aria-labelledby={`${id}-title`}>
            <h2 id={`${id}-title`} className="section-title">
              <Link to={`/admin/members/${row.userId}`}>{row.displayName}</Link>
            </h2>
            <p>
              <span className={state === "lapsed" ? "badge badge--unverified" : "badge"}>{t(`permit.admin.states.${state}`)}</span>
            </p>
            <dl className="definition-list">
              <dt>{t("admin.order")}</dt>
              <dd>{row.orderCode ? `${row.orderCode} ${row.permitNumber ?? ""}` : "—"}</dd>
              <dt>{t("permit.admin.expiresOn")}</dt>
              <dd>
                {date(row.expiresOn)}
                {row.lapsed ? "" : ` · ${tx("permit.admin.daysLeft", { count: Math.max(row.daysLeft, 0) })}`}
                {row.provisional ? ` · ${t("permit.admin.provisional")}` : ""}
              </dd>
              {row.renewalExpiresOn ? (
                <>
                  <dt>{t("permit.admin.renewal")}</dt>
                  <dd>
                    {date(row.renewalExpiresOn)}
                    {row.renewalSubmittedAt ? ` · ${tx("permit.admin.submittedOn", { date: date(row.renewalSubmittedAt) })}` : ""}
                  </dd>
                </>
              ) : null}
            </dl>
            <Form method="post" className="form stack" aria-label={tx("permit.admin.formLabel", { name: row.displayName })}>
              <input type="hidden" name="userId" value={row.userId} />
              {formErrors.length || noteErrors.length || dateErrors.length ? (
                <div className="form-errors" role="alert">
                  <h3>{t("form.errorSummary")}</h3>
                  {formErrors.length ? <p>{formErrors.map((e) => tx(e)).join(" ")}</p> : null}
                  <ul>
                    {dateErrors.length ? (
                      <li>
                        <a href={`#${id}-date`}>
                          {t("permit.admin.newExpiresOn")} : {tx(dateErrors[0] ?? "errors.invalid")}
                        </a>
                      </li>
                    ) : null}
                    {noteErrors.length ? (
                      <li>
                        <a href={`#${id}-note`}>
                          {t("admin.note")} : {tx(noteErrors[0] ?? "errors.invalid")}
                        </a>
                      </li>
                    ) : null}
                  </ul>
                </div>
              ) : null}
              <div className={dateErrors.length ? "field field--invalid" : "field"}>
                <label className="field__label" htmlFor={`${id}-date`}>
                  {t("permit.admin.newExpiresOn")}
                </label>
                <p className="field__hint" id={`${id}-date-hint`}>
                  {t("permit.page.dateHint")}
                </p>
                <input
                  id={`${id}-date`}
                  name="permitExpiresOn"
                  className="input"
                  inputMode="numeric"
                  defaultValue={row.renewalExpiresOn ?? ""}
                  aria-invalid={dateErrors.length ? true : undefined}
                  aria-describedby={dateErrors.length ? `${id}-date-hint ${id}-date-error` : `${id}-date-hint`}
                />
                {dateErrors.length ? (
                  <p className="field__error" id={`${id}-date-error`}>
                    {dateErrors.map((e) => tx(e)).join(" ")}
                  </p>
                ) : null}
              </div>
              <fieldset className="field radio-list">
                <legend className="field__label">{t("admin.method")}</legend>
                <label className="radio">
                  <input type="radio" name="method" value="order_register" defaultChecked /> <span>{t("admin.methodRegister")}</span>
                </label>
                <label className="radio">
                  <input type="radio" name="method" value="admin_review" /> <span>{t("admin.methodOther")}</span>
                </label>
              </fieldset>
              <div className={noteErrors.length ? "field field--invalid" : "field"}>
                <label className="field__label" htmlFor={`${id}-note`}>
                  {t("admin.note")}
                </label>
                <p className="field__hint" id={`${id}-note-hint`}>
                  {t("permit.admin.noteHint")}
                </p>
                <textarea
                  id={`${id}-note`}
                  name="note"
                  className="input"
                  rows={2}
                  maxLength={LIMITS.note}
                  aria-invalid={noteErrors.length ? true : undefined}
                  aria-describedby={noteErrors.length ? `${id}-note-hint ${id}-note-error` : `${id}-note-hint`}
                />
                {noteErrors.length ? (
                  <p className="field__error" id={`${id}-note-error`}>
                    {noteErrors.map((e) => tx(e)).join(" ")}
                  </p>
                ) : null}
              </div>
              <div className="form-actions">
                <button type="submit" className="btn btn--primary">
                  {t("permit.admin.submit")}
                </button>
              </div>
            </Form>
          </article>
        );
      })}
    </div>
  );
}
