// Organisers edit an event (same contract as creation) or cancel it. A change of time
// or a cancellation tells every registrant and waitlisted person by mail; registrants
// get the updated invitation (same UID, higher SEQUENCE). Plain forms: nothing needs
// JavaScript; a refused form comes back with what was typed and a message per field.
import { getFormProps } from "@conform-to/react";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { refusalReply } from "~/components/form-reply";
import { requireRole, requireViewer } from "~/modules/accounts/guards.server";
import { EventFields, useEventForm } from "~/modules/events/components/event-fields";
import { eventForEditing, parseEventForm } from "~/modules/events/editing.server";
import { cancelEvent, listEvents, updateEvent } from "~/modules/events/events.server";
import { useI18n } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => pageTitle(args, "events.edit.title");

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request, context);
  requireRole(viewer, "organiser");
  const event = await eventForEditing(context.db, viewer, params.id ?? "");
  if (!event) throw new Response("not_found", { status: 404 });
  const { series, topics, regions } = await listEvents(context.db, viewer.claims, { when: "upcoming" });
  return json({ event, series, topics, regions });
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const viewer = await requireViewer(request, context);
  requireRole(viewer, "organiser");
  const id = params.id ?? "";
  const form = await request.formData();
  const services = { db: context.db, mail: context.mail, jobs: context.jobs, realtime: context.realtime, publicUrl: context.env.publicUrl };
  const intent = form.get("intent");
  if (intent === "cancel") {
    const outcome = await cancelEvent(services, viewer, id);
    if (!outcome.ok) return json({ reply: null, formError: outcome.formError ?? "errors.invalid" }, { status: outcome.status });
    return redirect(`/events/${id}?done=cancelled`);
  }
  if (intent !== "save") return json({ reply: null, formError: "errors.invalid" }, { status: 400 });
  const parsed = parseEventForm(form);
  if (!parsed.ok) return json({ reply: refusalReply(form, parsed.errors), formError: null }, { status: 400 });
  const outcome = await updateEvent(services, viewer, id, parsed.input);
  if (!outcome.ok)
    return json({ reply: refusalReply(form, outcome.fieldErrors ?? {}), formError: outcome.formError ?? null }, { status: outcome.status });
  return redirect(`/events/${id}?done=updated`);
}

export default function EditEvent() {
  const { t, tx } = useI18n();
  const { event, series, topics, regions } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  // After a refusal the form shows what the organiser typed (conform's reply), not the stored values.
  const [form, fields] = useEventForm("ed", result?.reply, { ...event, description: event.descriptionText });
  const cancelled = event.status === "cancelled";
  return (
    <div className="container container--narrow stack stack--l">
      <p>
        <Link to={`/events/${event.id}`}>← {event.title}</Link>
      </p>
      <header className="page-header stack stack--s">
        <h1>{t("events.edit.title")}</h1>
        <p className="lead">{tx("events.edit.lead", { count: event.registered })}</p>
      </header>
      {result?.formError ? (
        <p className="alert alert--error" role="alert">
          {tx(result.formError)}
        </p>
      ) : null}
      {Object.keys(form.allErrors).length > 0 ? (
        <p className="alert alert--error" role="alert">
          {t("events.edit.fix")}
        </p>
      ) : null}
      {cancelled ? (
        <p className="alert alert--warning">{t("events.item.cancelled")}</p>
      ) : (
        <Form method="post" className="form stack" {...getFormProps(form)}>
          <input type="hidden" name="intent" value="save" />
          <EventFields
            form={form}
            fields={fields}
            series={series}
            topics={topics}
            regions={regions}
            spaceId={event.spaceId}
            withDescription
          />
          <div className="form-actions">
            <button type="submit" className="btn btn--primary">
              {t("events.manage.save")}
            </button>
          </div>
        </Form>
      )}
      {cancelled ? null : (
        <section className="stack stack--s" aria-labelledby="cancel-title">
          <h2 id="cancel-title">{t("events.manage.cancel")}</h2>
          <p>{t("events.edit.cancelLead")}</p>
          <Form method="post">
            <input type="hidden" name="intent" value="cancel" />
            <button type="submit" className="btn btn--danger">
              {t("events.manage.cancel")}
            </button>
          </Form>
        </section>
      )}
    </div>
  );
}
