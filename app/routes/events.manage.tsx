// Organisers: create series and events, edit or cancel them, see registrations.
// Plain forms; errors come back per field and nothing is saved.
import { getFormProps } from "@conform-to/react";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { refusalReply } from "~/components/form-reply";
import { requireRole, requireViewer } from "~/modules/accounts/guards.server";
import { cancelEvent, createEvent, createSeries, listEvents, listRegistrations } from "~/modules/events/events.server";
import { parseEventForm } from "~/modules/events/editing.server";
import { EventFields, FieldError, useEventForm } from "~/modules/events/components/event-fields";
import { seriesFormSchema } from "~/modules/events/schemas";
import { useI18n } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => pageTitle(args, "events.manage.title");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request, context);
  requireRole(viewer, "organiser");
  const upcoming = await listEvents(context.db, viewer.claims, { when: "upcoming" });
  // Past events too: their attendance, its export and the follow-up are done after the event.
  const past = await listEvents(context.db, viewer.claims, { when: "past" });
  const selected = new URL(request.url).searchParams.get("event");
  const registrations = selected ? await listRegistrations(context.db, viewer, selected) : null;
  return json({ ...upcoming, past: past.events.slice(0, 50), selected, registrations });
}

type Errors = Record<string, string[] | undefined>;

export async function action({ request, context }: ActionFunctionArgs) {
  const viewer = await requireViewer(request, context);
  requireRole(viewer, "organiser");
  const form = await request.formData();
  const intent = form.get("intent");
  const services = { db: context.db, mail: context.mail, jobs: context.jobs, realtime: context.realtime, publicUrl: context.env.publicUrl };
  if (intent === "series") {
    const parsed = seriesFormSchema.safeParse(Object.fromEntries(form));
    if (!parsed.success)
      return json({ intent, errors: parsed.error.flatten().fieldErrors as Errors, formError: null, reply: null }, { status: 400 });
    const outcome = await createSeries(context.db, viewer, parsed.data);
    if (!outcome.ok)
      return json(
        { intent, errors: (outcome.fieldErrors ?? {}) as Errors, formError: outcome.formError ?? null, reply: null },
        { status: outcome.status },
      );
    return redirect("/events/manage?done=series");
  }
  if (intent === "event") {
    // The description goes through the rich-text validator (a bare string never reaches the jsonb column).
    const parsed = parseEventForm(form);
    if (!parsed.ok)
      return json({ intent, errors: {} as Errors, formError: null, reply: refusalReply(form, parsed.errors) }, { status: 400 });
    const outcome = await createEvent(services, viewer, parsed.input);
    if (!outcome.ok)
      return json(
        { intent, errors: {} as Errors, formError: outcome.formError ?? null, reply: refusalReply(form, outcome.fieldErrors ?? {}) },
        { status: outcome.status },
      );
    return redirect(`/events/${outcome.id}`);
  }
  if (intent === "cancel") {
    const outcome = await cancelEvent(services, viewer, String(form.get("eventId") ?? ""));
    if (!outcome.ok)
      return json({ intent, errors: {} as Errors, formError: outcome.formError ?? null, reply: null }, { status: outcome.status });
    return redirect("/events/manage?done=cancelled");
  }
  return json({ intent: null, errors: {} as Errors, formError: "errors.invalid", reply: null }, { status: 400 });
}

export default function ManageEvents() {
  const { t, tx, date } = useI18n();
  const { events, past, series, topics, regions, selected, registrations } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const done = params.get("done");
  const [eventForm, eventFields] = useEventForm("ev", result?.reply);
  const se = result?.intent === "series" ? result.errors : {};
  return (
    <div className="container stack stack--l">
      <p>
        <Link to="/events">← {t("events.item.back")}</Link>
      </p>
      <header className="page-header">
        <h1>{t("events.manage.title")}</h1>
      </header>
      {done === "series" ? (
        <p className="alert alert--success" role="status">
          {t("events.manage.seriesCreated")}
        </p>
      ) : null}
      {done === "cancelled" ? (
        <p className="alert alert--success" role="status">
          {t("events.manage.cancelledDone")}
        </p>
      ) : null}
      {result?.formError ? (
        <p className="alert alert--error" role="alert">
          {tx(result.formError)}
        </p>
      ) : null}

      <section className="stack" aria-labelledby="upcoming-title">
        <h2 id="upcoming-title">{t("events.list.upcoming")}</h2>
        <ul className="stack">
          {events.map((e) => (
            <EventItem key={e.id} event={e} upcoming />
          ))}
        </ul>
      </section>

      {past.length > 0 ? (
        <section className="stack" aria-labelledby="past-title">
          <h2 id="past-title">{t("events.list.past")}</h2>
          <ul className="stack">
            {past.map((e) => (
              <EventItem key={e.id} event={e} />
            ))}
          </ul>
        </section>
      ) : null}

      {selected && registrations ? (
        <section className="stack" id="registrations" aria-labelledby="registrations-title">
          <h2 id="registrations-title">{t("events.manage.registrations")}</h2>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t("events.manage.columns.name")}</th>
                <th scope="col">{t("events.manage.columns.status")}</th>
                <th scope="col">{t("events.manage.columns.position")}</th>
                <th scope="col">{t("events.manage.columns.date")}</th>
              </tr>
            </thead>
            <tbody>
              {registrations.map((r) => (
                <tr key={r.user_id}>
                  <td>{r.display_name}</td>
                  <td>{tx(`events.manage.statuses.${r.status}`)}</td>
                  <td>{r.waitlist_position ?? ""}</td>
                  <td>{date(r.created_at, "datetime")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}

      <section className="stack" aria-labelledby="new-event-title">
        <h2 id="new-event-title">{t("events.manage.newEvent")}</h2>
        <Form method="post" className="form stack" {...getFormProps(eventForm)}>
          <input type="hidden" name="intent" value="event" />
          <EventFields form={eventForm} fields={eventFields} series={series} topics={topics} regions={regions} />
          <div className="form-actions">
            <button type="submit" className="btn btn--primary">
              {t("events.manage.save")}
            </button>
          </div>
        </Form>
      </section>

      <section className="stack" aria-labelledby="new-series-title">
        <h2 id="new-series-title">{t("events.manage.newSeries")}</h2>
        <Form method="post" className="form stack" noValidate>
          <input type="hidden" name="intent" value="series" />
          <div className={se.title ? "field field--invalid" : "field"}>
            <label className="field__label" htmlFor="se-title">
              {t("events.manage.fields.title")}
            </label>
            <input
              id="se-title"
              name="title"
              className="input"
              required
              aria-invalid={se.title ? true : undefined}
              aria-describedby={se.title ? "se-title-error" : undefined}
            />
            <FieldError id="se-title-error" messages={se.title} />
          </div>
          <div className="field">
            <label className="field__label" htmlFor="se-summary">
              {t("events.manage.fields.summary")}
            </label>
            <textarea id="se-summary" name="summary" className="input" rows={3} />
          </div>
          <div className="form-actions">
            <button type="submit" className="btn btn--secondary">
              {t("events.manage.save")}
            </button>
          </div>
        </Form>
      </section>
    </div>
  );
}

/** One event with the organiser's pages: edit, registrations, attendance (and its export), follow-up. */
function EventItem({
  event: e,
  upcoming = false,
}: {
  event: { id: string; title: string; startsAt: string; status: string };
  upcoming?: boolean;
}) {
  const { t, date } = useI18n();
  return (
    <li className="card" data-event={e.id}>
      <p className="manage-event__title">
        <Link to={`/events/${e.id}`}>{e.title}</Link>
      </p>
      <p className="meta">
        <time dateTime={e.startsAt}>{date(e.startsAt, "datetime")}</time>
        {e.status === "cancelled" ? (
          <>
            {" "}
            <span className="badge">{t("events.item.cancelled")}</span>
          </>
        ) : null}
      </p>
      <ul className="cluster" aria-label={t("events.manage.pagesOf", { title: e.title })}>
        <li>
          <Link to={`/events/${e.id}/edit`} aria-label={`${t("events.manage.edit")} · ${e.title}`}>
            {t("events.manage.edit")}
          </Link>
        </li>
        <li>
          <Link to={`/events/manage?event=${e.id}#registrations`}>{t("events.manage.registrations")}</Link>
        </li>
        <li>
          <a href={`/events/${e.id}/registrations.csv`} download>
            {t("events.manage.export")}
          </a>
        </li>
        <li>
          <Link to={`/events/${e.id}/attendance`} aria-label={`${t("events.manage.attendance")} · ${e.title}`}>
            {t("events.manage.attendance")}
          </Link>
        </li>
        <li>
          <a href={`/events/${e.id}/attendance.csv`} download>
            {t("events.manage.exportAttendance")}
          </a>
        </li>
        <li>
          <Link to={`/events/${e.id}/followup`} aria-label={`${t("events.manage.followup")} · ${e.title}`}>
            {t("events.manage.followup")}
          </Link>
        </li>
      </ul>
      {upcoming && e.status === "scheduled" ? (
        <Form method="post">
          <input type="hidden" name="intent" value="cancel" />
          <input type="hidden" name="eventId" value={e.id} />
          <button type="submit" className="btn btn--small btn--secondary">
            {t("events.manage.cancel")}
          </button>
        </Form>
      ) : null}
    </li>
  );
}
