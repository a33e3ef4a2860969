import { parseWithZod } from "@conform-to/zod";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { requireRole, requireVerified } from "~/modules/accounts/guards.server";
import { listMessageOverrides, listOpenReports, resolveReport } from "~/modules/chat/chat.server";
import { MessageTime } from "~/modules/chat/components/message-item";
import { refusal } from "~/modules/chat/guards.server";
import { REPORT_REASON_MAX_LENGTH } from "~/modules/chat/limits";
import { publishUpdate } from "~/modules/chat/publish.server";
import { moderationSchema } from "~/modules/chat/schemas";
import { useI18n } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => pageTitle(args, "chat.moderation.title");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = await requireVerified(request, context);
  requireRole(viewer, "moderator");
  return json({
    reports: await listOpenReports(context.db, viewer.claims),
    overrides: await listMessageOverrides(context.db, viewer.claims),
  });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const viewer = await requireVerified(request, context);
  requireRole(viewer, "moderator");
  const formData = await request.formData();
  const submission = parseWithZod(formData, { schema: moderationSchema });
  const reportId = Number(formData.get("reportId"));
  if (submission.status !== "success") return json({ reportId, formError: null, fieldErrors: submission.error ?? {} }, { status: 400 });
  const resolved = await resolveReport(context.db, viewer.claims, submission.value);
  if (!resolved.ok) return refusal(resolved.code);
  if (resolved.message) publishUpdate(context.realtime, resolved.message);
  return redirect(`/chat/moderation?done=${submission.value.decision}`);
}

export default function Moderation() {
  const {
    t,
    tx,
    colon,
    quotes: [open, close],
  } = useI18n();
  const { reports, overrides } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const done = params.get("done");
  return (
    <div className="stack stack--l">
      <header className="page-header">
        <h1>{t("chat.moderation.title")}</h1>
        <p className="lead">{t("chat.moderation.lead")}</p>
      </header>
      {done === "removed" || done === "dismissed" ? (
        <p className="alert alert--success" role="status">
          {tx(`chat.moderation.done.${done}`)}
        </p>
      ) : null}
      {result && "formError" in result && result.formError ? (
        <p className="alert alert--error" role="alert">
          {tx(result.formError)}
        </p>
      ) : null}
      {reports.length === 0 ? (
        <p className="empty-state">{t("chat.moderation.empty")}</p>
      ) : (
        <ul className="stack">
          {reports.map((r) => {
            const errors = result && "reportId" in result && result.reportId === r.id ? result.fieldErrors : {};
            const noteError = errors.note?.[0];
            return (
              <li key={r.id} className="card stack stack--s">
                <h2 className="card__title">
                  {tx("chat.moderation.reportBy", { name: r.reporterName ?? t("chat.message.formerMember") })}
                </h2>
                <p className="card__meta">
                  <MessageTime value={r.createdAt} />
                </p>
                <dl className="definition-list">
                  <dt>{t("chat.moderation.reason")}</dt>
                  <dd>{r.reason}</dd>
                  <dt>{t("chat.moderation.author")}</dt>
                  <dd>{r.authorName ?? t("chat.message.formerMember")}</dd>
                  <dt>{t("chat.moderation.message")}</dt>
                  <dd className="chat-message__body">{r.body}</dd>
                </dl>
                <Form method="post" className="form">
                  <input type="hidden" name="reportId" value={r.id} />
                  <fieldset className="field radio-list">
                    <legend className="field__label">{t("chat.moderation.decision")}</legend>
                    <label className="radio">
                      <input type="radio" name="decision" value="removed" defaultChecked /> <span>{t("chat.moderation.remove")}</span>
                    </label>
                    <label className="radio">
                      <input type="radio" name="decision" value="dismissed" /> <span>{t("chat.moderation.dismiss")}</span>
                    </label>
                  </fieldset>
                  <div className={noteError ? "field field--invalid" : "field"}>
                    <label className="field__label" htmlFor={`note-${r.id}`}>
                      {t("chat.moderation.note")}
                    </label>
                    <p className="field__hint" id={`note-${r.id}-hint`}>
                      {t("chat.moderation.noteHint")}
                    </p>
                    <textarea
                      id={`note-${r.id}`}
                      name="note"
                      className="input"
                      rows={2}
                      maxLength={REPORT_REASON_MAX_LENGTH}
                      required
                      aria-invalid={noteError ? true : undefined}
                      aria-describedby={noteError ? `note-${r.id}-hint note-${r.id}-error` : `note-${r.id}-hint`}
                    />
                    {noteError ? (
                      <p className="field__error" id={`note-${r.id}-error`}>
                        {tx(noteError)}
                      </p>
                    ) : null}
                  </div>
                  <div className="form-actions">
                    <button type="submit" className="btn btn--primary">
                      {t("chat.moderation.submit")}
                    </button>
                  </div>
                </Form>
              </li>
            );
          })}
        </ul>
      )}
      <section className="stack" aria-labelledby="overrides-title">
        <h2 id="overrides-title" className="section-title">
          {t("chat.guard.overridesTitle")}
        </h2>
        <p className="meta">{t("chat.guard.overridesLead")}</p>
        {overrides.length === 0 ? (
          <p className="empty-state">{t("chat.guard.empty")}</p>
        ) : (
          <ul className="stack" data-testid="identifier-overrides">
            {overrides.map((o) => (
              <li key={o.id} className="card stack stack--2xs">
                <p>
                  <strong>
                    {tx(`identifierGuard.kinds.${o.kind}`)}
                    {colon}
                    {open}
                    {o.match}
                    {close}
                  </strong>
                </p>
                <p>{t("chat.guard.reason", { reason: o.reason })}</p>
                <p className="card__meta">
                  {o.authorName ?? t("chat.message.formerMember")} · <MessageTime value={o.createdAt} />
                </p>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
