// Organisers: who attended an event's live room and for how long; each line can be
// adjusted (the minutes that count) with a mandatory reason, which the audit log keeps.
// Plain forms; the page works without JavaScript.
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { requireRole, requireViewer } from "~/modules/accounts/guards.server";
import { adjustAttendance, listAttendance } from "~/modules/events/attendance.server";
import { getEvent } from "~/modules/events/events.server";
import { adjustAttendanceSchema, ATTESTATION_THRESHOLD } from "~/modules/events/live-schemas";
import { useI18n } from "~/utils/i18n";
import { fieldErrorsFromZod } from "~/utils/outcome";
import { siteTitle } from "~/utils/meta";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: siteTitle(data?.title) }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request, context);
  requireRole(viewer, "organiser");
  const event = await getEvent(context.db, viewer.claims, params.id ?? "");
  const attendance = event ? await listAttendance(context.db, viewer, event.id) : null;
  if (!event || !attendance) throw new Response("not_found", { status: 404 });
  return json({ id: event.id, title: event.title, ...attendance });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const viewer = await requireViewer(request, context);
  requireRole(viewer, "organiser");
  const form = Object.fromEntries(await request.formData());
  const userId = typeof form.userId === "string" ? form.userId : "";
  const parsed = adjustAttendanceSchema.safeParse(form);
  if (!parsed.success) return json({ userId, formError: "errors.invalid", fieldErrors: fieldErrorsFromZod(parsed.error) }, { status: 400 });
  const outcome = await adjustAttendance(context.db, viewer, params.id ?? "", parsed.data);
  if (!outcome.ok)
    return json(
      { userId, formError: outcome.formError ?? "errors.invalid", fieldErrors: outcome.fieldErrors ?? {} },
      { status: outcome.status },
    );
  return redirect(`/events/${params.id}/attendance?done=adjusted`);
}

export default function Attendance() {
  const { t, tx } = useI18n();
  const { id, title, durationMinutes, lines } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  const errorsFor = (userId: string, field: string) =>
    actionData?.userId === userId ? (((actionData.fieldErrors ?? {}) as Record<string, string[]>)[field] ?? []) : [];
  return (
    <div className="container stack stack--l">
      <p>
        <Link to={`/events/${id}`}>← {t("eventsLive.room.back")}</Link>
      </p>
      <header className="page-header stack stack--s">
        <h1>{t("eventsLive.attendance.title")}</h1>
        <p className="lead">{title}</p>
        <p>
          {t("eventsLive.attendance.lead", { duration: durationMinutes, threshold: Math.ceil(durationMinutes * ATTESTATION_THRESHOLD) })}
        </p>
        <p>
          <a href={`/events/${id}/attendance.csv`} download>
            {t("eventsLive.attendance.export")}
          </a>
        </p>
      </header>
      {params.get("done") === "adjusted" && !actionData ? (
        <p className="alert alert--success" role="status">
          {t("eventsLive.attendance.saved")}
        </p>
      ) : null}
      {actionData?.formError && Object.keys(actionData.fieldErrors ?? {}).length === 0 ? (
        <p className="alert alert--error" role="alert">
          {tx(actionData.formError)}
        </p>
      ) : null}
      {lines.length === 0 ? (
        <p>{t("eventsLive.attendance.empty")}</p>
      ) : (
        <ul role="list" className="stack stack--m">
          {lines.map((line) => {
            const minutesErrors = errorsFor(line.userId, "minutes");
            const reasonErrors = errorsFor(line.userId, "reason");
            const key = line.userId.slice(0, 8);
            return (
              <li key={line.userId} className="card stack stack--s" data-attendee={line.userId}>
                <h2 className="h3">{line.name}</h2>
                <dl className="cluster">
                  <div>
                    <dt>{t("eventsLive.attendance.recorded")}</dt>
                    <dd>{line.recorded}</dd>
                  </div>
                  <div>
                    <dt>{t("eventsLive.attendance.counted")}</dt>
                    <dd>{line.minutes}</dd>
                  </div>
                  <div>
                    <dt>{t("eventsLive.attendance.entitled")}</dt>
                    <dd>{line.entitled ? t("eventsLive.attendance.yes") : t("eventsLive.attendance.no")}</dd>
                  </div>
                </dl>
                {line.adjusted ? (
                  <p className="meta">{t("eventsLive.attendance.adjustedBecause", { reason: line.adjusted.reason })}</p>
                ) : null}
                <Form method="post" className="stack stack--s" aria-label={t("eventsLive.attendance.adjust", { name: line.name })}>
                  <input type="hidden" name="userId" value={line.userId} />
                  <div className="field">
                    <label className="field__label" htmlFor={`minutes-${key}`}>
                      {t("eventsLive.attendance.minutes")}
                    </label>
                    <input
                      id={`minutes-${key}`}
                      name="minutes"
                      type="number"
                      inputMode="numeric"
                      min={0}
                      max={durationMinutes}
                      className="input"
                      defaultValue={line.minutes}
                      aria-invalid={minutesErrors.length ? true : undefined}
                      aria-describedby={minutesErrors.length ? `minutes-${key}-error` : undefined}
                    />
                    {minutesErrors.length ? (
                      <p className="field__error" id={`minutes-${key}-error`}>
                        {minutesErrors.map((e) => tx(e)).join(" ")}
                      </p>
                    ) : null}
                  </div>
                  <div className="field">
                    <label className="field__label" htmlFor={`reason-${key}`}>
                      {t("eventsLive.attendance.reason")}
                    </label>
                    <p className="field__hint" id={`reason-${key}-hint`}>
                      {t("eventsLive.attendance.reasonHint")}
                    </p>
                    <input
                      id={`reason-${key}`}
                      name="reason"
                      className="input"
                      maxLength={500}
                      aria-required="true"
                      aria-invalid={reasonErrors.length ? true : undefined}
                      aria-describedby={reasonErrors.length ? `reason-${key}-hint reason-${key}-error` : `reason-${key}-hint`}
                    />
                    {reasonErrors.length ? (
                      <p className="field__error" id={`reason-${key}-error`}>
                        {reasonErrors.map((e) => tx(e)).join(" ")}
                      </p>
                    ) : null}
                  </div>
                  <p>
                    <button type="submit" className="btn btn--secondary">
                      {t("eventsLive.attendance.submit")}
                    </button>
                  </p>
                </Form>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
