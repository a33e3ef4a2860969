// The pair's workspace: agreement (both confirm), goals, sessions (invitation by email,
// video room), notes (shared, and the mentor's private ones), ending, assessment and
// the attestation. Private to the two: RLS returns nothing to anyone else (404).
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { z, type ZodTypeAny } from "zod";
import { requireViewer } from "~/modules/accounts/guards.server";
import { refusalReply } from "~/components/form-reply";
import { ActionErrors, MoveSessionForm, ScheduleSessionForm, type ActionResult } from "~/modules/mentoring/components";
import {
  addGoal,
  addNote,
  cancelSession,
  confirmAgreement,
  endPairing,
  ensurePairConversation,
  getWorkspace,
  logSession,
  rescheduleSession,
  saveAgreement,
  saveAssessment,
  scheduleSession,
  updateGoal,
  type Outcome,
} from "~/modules/mentoring/mentoring.server";
import {
  agreementSchema,
  assessmentSchema,
  cancelSessionSchema,
  chatSchema,
  confirmSchema,
  endSchema,
  goalSchema,
  noteSchema,
  progressSchema,
  rescheduleSchema,
  sessionLogSchema,
  sessionSchema,
} from "~/modules/mentoring/schemas";
import { useI18n } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => pageTitle(args, "mentoring.workspace.title");
const idSchema = z.string().uuid();

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request, context);
  const id = idSchema.safeParse(params.id);
  const ws = id.success ? await getWorkspace(context.db, viewer, id.data) : null;
  if (!ws) throw new Response("not_found", { status: 404 });
  return json({ ...ws, now: new Date().toISOString() });
}

const SCHEMAS: Record<string, ZodTypeAny> = {
  agreement: agreementSchema,
  confirm: confirmSchema,
  goal: goalSchema,
  progress: progressSchema,
  session: sessionSchema,
  log: sessionLogSchema,
  note: noteSchema,
  end: endSchema,
  assessment: assessmentSchema,
  reschedule: rescheduleSchema,
  cancelSession: cancelSessionSchema,
  chat: chatSchema,
};

export async function action({ request, params, context }: ActionFunctionArgs) {
  const viewer = await requireViewer(request, context);
  const id = idSchema.safeParse(params.id);
  if (!id.success) throw new Response("not_found", { status: 404 });
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const sessionId = typeof form.get("sessionId") === "string" ? String(form.get("sessionId")) : undefined;
  const schema = SCHEMAS[intent];
  if (!schema) return json<ActionResult>({ intent, formError: "errors.invalid" }, { status: 400 });
  const parsed = schema.safeParse(Object.fromEntries(form));
  if (!parsed.success) {
    const fieldErrors: Record<string, string[]> = {};
    for (const i of parsed.error.issues) (fieldErrors[String(i.path[0] ?? "form")] ??= []).push(i.message);
    return json<ActionResult>({ intent, sessionId, fieldErrors, reply: refusalReply(form, fieldErrors) }, { status: 400 });
  }
  const v = parsed.data;
  const pid = id.data;
  const services = { db: context.db, jobs: context.jobs, mail: context.mail, env: context.env, realtime: context.realtime };
  const outcomes: Record<string, () => Promise<Outcome>> = {
    agreement: () => saveAgreement(context.db, viewer, pid, v),
    confirm: () => confirmAgreement(context.db, viewer, pid),
    goal: () => addGoal(context.db, viewer, pid, v.title),
    progress: () => updateGoal(context.db, viewer, pid, v),
    session: () => scheduleSession(services, viewer, pid, v),
    log: () => logSession(context.db, viewer, pid, v),
    note: () => addNote(context.db, viewer, pid, v),
    end: () => endPairing(context.db, viewer, pid),
    assessment: () => saveAssessment(context.db, viewer, pid, v),
    reschedule: () => rescheduleSession(services, viewer, pid, v),
    cancelSession: () => cancelSession(services, viewer, pid, v.sessionId),
    chat: () => ensurePairConversation(context.db, viewer, pid),
  };
  const outcome = await (outcomes[intent] ?? (() => Promise.resolve<Outcome>({ ok: false, status: 400, formError: "errors.invalid" })))();
  if (!outcome.ok)
    return json<ActionResult>(
      { intent, sessionId, ...outcome, reply: refusalReply(form, outcome.fieldErrors ?? {}, outcome.formError) },
      { status: outcome.status },
    );
  if (intent === "chat" && "conversationId" in outcome) return redirect(`/chat/${String(outcome.conversationId)}`);
  const anchor = intent === "confirm" ? "agreement" : intent === "reschedule" || intent === "cancelSession" ? "session" : intent;
  return redirect(`/mentoring/pairings/${pid}?done=${intent}#${anchor}`);
}

export default function Workspace() {
  const { t, tx, date, locale } = useI18n();
  const ws = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const p = ws.pairing;
  const active = p.status === "active";
  const other = ws.role === "mentor" ? ws.mentee : ws.mentor;
  const confirmedByMe = ws.role === "mentor" ? p.mentor_confirmed_at : p.mentee_confirmed_at;
  const [params] = useSearchParams();
  const done = params.get("done");
  const upcoming = (s: { starts_at: string; status: string }) =>
    s.status === "scheduled" && new Date(s.starts_at).getTime() > new Date(ws.now).getTime();
  return (
    <div className="container stack stack--l">
      <p>
        <Link to="/mentoring">← {t("mentoring.home.title")}</Link>
      </p>
      <header className="page-header stack stack--s">
        <h1>
          {ws.role === "mentor"
            ? t("mentoring.home.pairingWithMentee", { name: other })
            : t("mentoring.home.pairingWithMentor", { name: other })}
        </h1>
        <p className="lead">
          {tx(`mentoring.pairingStatus.${p.status}`)} · {t("mentoring.workspace.since", { date: date(p.started_at) })}
          {p.ended_at ? ` · ${t("mentoring.workspace.endedOn", { date: date(p.ended_at) })}` : ""}
        </p>
      </header>
      {done === "reschedule" || done === "cancelSession" ? (
        <p className="alert alert--success" role="status">
          {tx(`mentoring.workspace.done.${done}`)}
        </p>
      ) : null}

      <section id="chat" className="stack stack--s" aria-labelledby="chat-title">
        <h2 id="chat-title" className="section-title">
          {t("mentoring.workspace.chat")}
        </h2>
        <p>{t("mentoring.workspace.chatLead", { name: other })}</p>
        <ActionErrors result={result} intent="chat" />
        {p.conversation_id ? (
          <p>
            <Link className="btn" to={`/chat/${p.conversation_id}`}>
              {t("mentoring.workspace.openChat")}
            </Link>
          </p>
        ) : active ? (
          <Form method="post">
            <input type="hidden" name="intent" value="chat" />
            <button type="submit" className="btn">
              {t("mentoring.workspace.openChat")}
            </button>
          </Form>
        ) : null}
      </section>

      <section id="agreement" className="stack stack--s" aria-labelledby="agreement-title">
        <h2 id="agreement-title" className="section-title">
          {t("mentoring.workspace.agreement")}
        </h2>
        <p>
          {p.mentor_confirmed_at && p.mentee_confirmed_at
            ? t("mentoring.workspace.confirmedBoth")
            : t("mentoring.workspace.confirmations", {
                mentor: p.mentor_confirmed_at ? t("mentoring.workspace.yes") : t("mentoring.workspace.no"),
                mentee: p.mentee_confirmed_at ? t("mentoring.workspace.yes") : t("mentoring.workspace.no"),
              })}
        </p>
        <ActionErrors result={result} intent="agreement" />
        <ActionErrors result={result} intent="confirm" />
        {active ? (
          <Form method="post" className="form stack stack--m">
            <input type="hidden" name="intent" value="agreement" />
            <div className="field">
              <label className="field__label" htmlFor="ag-goals">
                {t("mentoring.fields.goals")}
              </label>
              <textarea id="ag-goals" name="goals" className="input" rows={3} defaultValue={p.agreement_goals} />
            </div>
            <div className="field">
              <label className="field__label" htmlFor="ag-frequency">
                {t("mentoring.fields.frequency")}
              </label>
              <input id="ag-frequency" name="frequency" className="input" defaultValue={p.agreement_frequency} />
            </div>
            <div className="field">
              <label className="field__label" htmlFor="ag-duration">
                {t("mentoring.fields.duration")}
              </label>
              <input id="ag-duration" name="duration" className="input" defaultValue={p.agreement_duration} />
            </div>
            <div className="field">
              <label className="field__label" htmlFor="ag-confidentiality">
                {t("mentoring.fields.confidentiality")}
              </label>
              <textarea
                id="ag-confidentiality"
                name="confidentiality"
                className="input"
                rows={2}
                defaultValue={p.agreement_confidentiality || t("mentoring.workspace.confidentialityDefault")}
              />
            </div>
            <p>
              <button type="submit" className="btn">
                {t("mentoring.workspace.saveAgreement")}
              </button>
            </p>
          </Form>
        ) : null}
        {active && !confirmedByMe ? (
          <Form method="post">
            <input type="hidden" name="intent" value="confirm" />
            <button type="submit" className="btn btn--primary">
              {t("mentoring.workspace.confirm")}
            </button>
          </Form>
        ) : null}
      </section>

      <section id="goal" className="stack stack--s" aria-labelledby="goals-title">
        <h2 id="goals-title" className="section-title">
          {t("mentoring.workspace.goals")}
        </h2>
        <ActionErrors result={result} intent="goal" />
        <ActionErrors result={result} intent="progress" />
        <ul className="stack stack--s">
          {ws.goals.map((g) => (
            <li key={g.id} className="card stack stack--s">
              <p>
                <strong>{g.title}</strong> · <span className="meta">{t("mentoring.workspace.progress", { value: g.progress })}</span>
              </p>
              {g.comment ? <p>{g.comment}</p> : null}
              {active ? (
                <Form method="post" className="cluster">
                  <input type="hidden" name="intent" value="progress" />
                  <input type="hidden" name="goalId" value={g.id} />
                  <label className="field__label" htmlFor={`progress-${g.id}`}>
                    {t("mentoring.fields.progress")}
                  </label>
                  <input
                    id={`progress-${g.id}`}
                    name="progress"
                    type="number"
                    min={0}
                    max={100}
                    step={5}
                    className="input input--short"
                    defaultValue={g.progress}
                  />
                  <label className="field__label" htmlFor={`comment-${g.id}`}>
                    {t("mentoring.fields.comment")}
                  </label>
                  <input id={`comment-${g.id}`} name="comment" className="input" defaultValue={g.comment} />
                  <button type="submit" className="btn btn--small">
                    {t("mentoring.workspace.update")}
                  </button>
                </Form>
              ) : null}
            </li>
          ))}
        </ul>
        {active ? (
          <Form method="post" className="cluster">
            <input type="hidden" name="intent" value="goal" />
            <label className="field__label" htmlFor="goal-title">
              {t("mentoring.fields.title")}
            </label>
            <input id="goal-title" name="title" className="input" maxLength={300} />
            <button type="submit" className="btn">
              {t("mentoring.workspace.addGoal")}
            </button>
          </Form>
        ) : null}
      </section>

      <section id="session" className="stack stack--s" aria-labelledby="sessions-title">
        <h2 id="sessions-title" className="section-title">
          {t("mentoring.workspace.sessions")}
        </h2>
        <ActionErrors result={result} intent="session" />
        <ActionErrors result={result} intent="reschedule" />
        <ActionErrors result={result} intent="cancelSession" />
        <ActionErrors result={result} intent="log" />
        <ul className="stack stack--s">
          {ws.sessions.map((s) => (
            <li key={s.id} className="card stack stack--s">
              <p>
                <strong>{date(s.starts_at, "datetime")}</strong> –{" "}
                {new Intl.DateTimeFormat(locale, {
                  timeZone: "America/Toronto",
                  hour: "2-digit",
                  minute: "2-digit",
                  hourCycle: "h23",
                }).format(new Date(s.ends_at))}{" "}
                · {tx(`mentoring.modalities.${s.modality}`)}
                {s.status === "cancelled" ? (
                  <>
                    {" "}
                    · <strong>{t("mentoring.workspace.cancelled")}</strong>
                  </>
                ) : null}
              </p>
              {s.status === "scheduled" ? (
                <p>
                  <Link to={`/mentoring/pairings/${p.id}/sessions/${s.id}`}>{t("mentoring.workspace.openRoom")}</Link>
                </p>
              ) : null}
              {s.log ? (
                <p>
                  {t("mentoring.workspace.log")}
                  {t("mentoring.colon")}
                  {s.log}
                </p>
              ) : active && s.status === "scheduled" ? (
                <Form method="post" className="cluster">
                  <input type="hidden" name="intent" value="log" />
                  <input type="hidden" name="sessionId" value={s.id} />
                  <label className="field__label" htmlFor={`log-${s.id}`}>
                    {t("mentoring.fields.log")}
                  </label>
                  <input id={`log-${s.id}`} name="log" className="input" maxLength={4000} />
                  <button type="submit" className="btn btn--small">
                    {t("mentoring.workspace.saveLog")}
                  </button>
                </Form>
              ) : null}
              {active && upcoming(s) ? (
                // Open again after a refused move, so its messages are in view.
                <details className="stack stack--s" open={(result?.intent === "reschedule" && result.sessionId === s.id) || undefined}>
                  <summary>{t("mentoring.workspace.changeSession")}</summary>
                  <MoveSessionForm session={s} result={result} />
                  <Form method="post" className="cluster">
                    <input type="hidden" name="intent" value="cancelSession" />
                    <input type="hidden" name="sessionId" value={s.id} />
                    <label className="checkbox">
                      <input type="checkbox" name="confirmCancel" />
                      <span>{t("mentoring.workspace.cancelConfirm")}</span>
                    </label>
                    <button type="submit" className="btn btn--small">
                      {t("mentoring.workspace.cancelSession")}
                    </button>
                  </Form>
                </details>
              ) : null}
            </li>
          ))}
        </ul>
        {active ? <ScheduleSessionForm result={result} /> : null}
      </section>

      <section id="note" className="stack stack--s" aria-labelledby="notes-title">
        <h2 id="notes-title" className="section-title">
          {t("mentoring.workspace.notes")}
        </h2>
        <ActionErrors result={result} intent="note" />
        <ul className="stack stack--s">
          {ws.notes.map((n) => (
            <li key={n.id} className={n.visibility === "private" ? "card note--private" : "card"}>
              <p className="meta">
                {n.visibility === "private" ? t("mentoring.workspace.privateNote") : t("mentoring.workspace.sharedNote")} ·{" "}
                {date(n.created_at, "datetime")}
              </p>
              <p>{n.body}</p>
            </li>
          ))}
        </ul>
        {active ? (
          <Form method="post" className="form stack stack--s">
            <input type="hidden" name="intent" value="note" />
            <div className="field">
              <label className="field__label" htmlFor="note-body">
                {t("mentoring.fields.body")}
              </label>
              <p className="field__hint" id="note-hint">
                {t("mentoring.workspace.noteHint")}
              </p>
              <textarea id="note-body" name="body" className="input" rows={3} maxLength={4000} aria-describedby="note-hint" />
            </div>
            {ws.role === "mentor" ? (
              <fieldset className="field">
                <legend className="field__label">{t("mentoring.fields.visibility")}</legend>
                <label className="checkbox">
                  <input type="radio" name="visibility" value="shared" defaultChecked />
                  <span>{t("mentoring.workspace.sharedNote")}</span>
                </label>
                <label className="checkbox">
                  <input type="radio" name="visibility" value="private" />
                  <span>{t("mentoring.workspace.privateNoteChoice")}</span>
                </label>
              </fieldset>
            ) : (
              <input type="hidden" name="visibility" value="shared" />
            )}
            <p>
              <button type="submit" className="btn">
                {t("mentoring.workspace.addNote")}
              </button>
            </p>
          </Form>
        ) : null}
      </section>

      <section id="end" className="stack stack--s" aria-labelledby="end-title">
        <h2 id="end-title" className="section-title">
          {active ? t("mentoring.workspace.endTitle") : t("mentoring.workspace.afterTitle")}
        </h2>
        <ActionErrors result={result} intent="end" />
        <ActionErrors result={result} intent="assessment" />
        {active ? (
          <Form method="post" className="stack stack--s">
            <input type="hidden" name="intent" value="end" />
            <label className="checkbox">
              <input type="checkbox" name="confirm" />
              <span>{t("mentoring.workspace.endConfirm")}</span>
            </label>
            <p>
              <button type="submit" className="btn">
                {t("mentoring.workspace.end")}
              </button>
            </p>
          </Form>
        ) : (
          <>
            {ws.assessment ? (
              <p>{t("mentoring.workspace.assessed")}</p>
            ) : (
              <Form method="post" className="form stack stack--s">
                <input type="hidden" name="intent" value="assessment" />
                <fieldset className="field">
                  <legend className="field__label">{t("mentoring.fields.rating")}</legend>
                  <div className="cluster">
                    {[1, 2, 3, 4, 5].map((n) => (
                      <label key={n} className="checkbox">
                        <input type="radio" name="rating" value={n} />
                        <span>{n}</span>
                      </label>
                    ))}
                  </div>
                </fieldset>
                <div className="field">
                  <label className="field__label" htmlFor="assessment-comment">
                    {t("mentoring.fields.comment")}
                  </label>
                  <textarea id="assessment-comment" name="comment" className="input" rows={3} />
                </div>
                <p>
                  <button type="submit" className="btn">
                    {t("mentoring.workspace.assess")}
                  </button>
                </p>
              </Form>
            )}
            <p>{t("mentoring.workspace.hours", { hours: ws.heldHours })}</p>
            {ws.heldHours > 0 ? (
              <form method="post" action={`/mentoring/pairings/${p.id}/attestation`}>
                <button type="submit" className="btn btn--primary">
                  {t("mentoring.workspace.attestation")}
                </button>
              </form>
            ) : null}
            {ws.role === "mentee" ? (
              <p>
                <Link to="/mentoring#ask">{t("mentoring.workspace.another")}</Link>
              </p>
            ) : null}
          </>
        )}
      </section>
    </div>
  );
}
