// One event: details in the reader's language (times in Toronto), register or
// unregister with plain forms; a full event offers the waitlist.
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { RichTextView } from "~/components/rich-text/field";
import { renderRichTextSafe } from "~/components/rich-text/render.server";
import { hasRole } from "~/modules/accounts/accounts.server";
import { getOptionalViewer, requireViewer } from "~/modules/accounts/guards.server";
import { getEvent, registerForEvent, unregisterFromEvent } from "~/modules/events/events.server";
import { getFollowup } from "~/modules/events/followup.server";
import { registrationIntentSchema } from "~/modules/events/schemas";
import { myAttendance } from "~/modules/events/attendance.server";
import { liveWindow } from "~/modules/events/live.server";
import { useI18n } from "~/utils/i18n";
import { siteTitle } from "~/utils/meta";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: siteTitle(data?.event.title) }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const viewer = await getOptionalViewer(request, context);
  const event = await getEvent(context.db, viewer?.claims ?? null, params.id ?? "");
  if (!event) throw new Response("not_found", { status: 404 });
  const descriptionHtml = event.description ? renderRichTextSafe(event.description, "") : null;
  const followup = await getFollowup(context.db, viewer?.claims ?? null, event.id);
  const now = Date.now();
  const end = new Date(event.startsAt).getTime() + event.durationMinutes * 60_000;
  // The live room (registrants and hosts: organisers, linked speakers), then attendance and the CPD attestation.
  const organiser = hasRole(viewer, "organiser");
  const live =
    viewer && (organiser || event.iAmSpeaker || event.mine?.status === "registered")
      ? {
          ...liveWindow(event),
          organiser,
          attendance: event.mine?.status === "registered" ? await myAttendance(context.db, viewer, event.id) : null,
        }
      : null;
  return json({
    event: { ...event, description: null },
    descriptionHtml,
    signedIn: Boolean(viewer),
    organiser,
    past: end <= now,
    live,
    followup,
  });
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const viewer = await requireViewer(request, context);
  const parsed = registrationIntentSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return json({ formError: "errors.invalid" }, { status: 400 });
  const services = { db: context.db, mail: context.mail, jobs: context.jobs, realtime: context.realtime, publicUrl: context.env.publicUrl };
  const id = params.id ?? "";
  const outcome =
    parsed.data.intent === "register" ? await registerForEvent(services, viewer, id) : await unregisterFromEvent(services, viewer, id);
  if (!outcome.ok) return json({ formError: outcome.formError ?? "errors.invalid" }, { status: outcome.status });
  const done = "status" in outcome ? outcome.status : "unregistered";
  return redirect(`/events/${id}?done=${done}`);
}

export default function EventPage() {
  const { t, tx, date } = useI18n();
  const { event, descriptionHtml, signedIn, organiser, past, live, followup } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  const done = params.get("done");
  const full = event.capacity !== null && event.places.registered >= event.capacity;
  const canRegister = signedIn && !event.mine && !past && event.status === "scheduled" && event.registrationOpen;
  return (
    <div className="container container--narrow stack stack--l">
      <p>
        <Link to="/events">← {t("events.item.back")}</Link>
      </p>
      <header className="page-header stack stack--s">
        <h1>{event.title}</h1>
        <p className="lead">
          {tx(`events.kinds.${event.kind}`)}
          {event.seriesTitle ? (
            <>
              {" · "}
              <Link to={`/events?series=${event.seriesId}`}>{event.seriesTitle}</Link>
            </>
          ) : null}
        </p>
        {organiser ? (
          <ul className="cluster" role="list">
            {event.status === "scheduled" ? (
              <li>
                <Link className="btn btn--small btn--secondary" to={`/events/${event.id}/edit`}>
                  {t("events.manage.edit")}
                </Link>
              </li>
            ) : null}
            <li>
              <Link className="btn btn--small btn--secondary" to={`/events/${event.id}/followup`}>
                {t("events.followup.link")}
              </Link>
            </li>
          </ul>
        ) : null}
      </header>
      {done && ["registered", "waitlisted", "unregistered", "updated", "cancelled", "survey"].includes(done) ? (
        <p className="alert alert--success" role="status">
          {tx(`events.done.${done}`)}
        </p>
      ) : null}
      {actionData?.formError ? (
        <p className="alert alert--error" role="alert">
          {tx(actionData.formError)}
        </p>
      ) : null}
      {event.status === "cancelled" ? <p className="alert alert--warning">{t("events.item.cancelled")}</p> : null}
      <dl className="stack stack--s">
        <div>
          <dt>{t("events.item.when")}</dt>
          <dd>
            <time dateTime={event.startsAt}>{date(event.startsAt, "datetime")}</time> ·{" "}
            {t("events.item.duration", { minutes: event.durationMinutes })}
          </dd>
        </div>
        <div>
          <dt>{t("events.list.audience")}</dt>
          <dd>
            {tx(`events.audiences.${event.audience}`)} · {tx(`events.languages.${event.language}`)}
          </dd>
        </div>
        <div>
          <dt>{t("events.item.placesLabel")}</dt>
          <dd>
            {event.capacity !== null
              ? t("events.item.places", { registered: event.places.registered, capacity: event.capacity })
              : t("events.item.placesUnlimited", { registered: event.places.registered })}
            {event.places.waitlisted > 0 ? <> · {t("events.item.waitlistCount", { count: event.places.waitlisted })}</> : null}
          </dd>
        </div>
        {event.speakers.length > 0 ? (
          <div>
            <dt>{t("events.item.speakers")}</dt>
            <dd>
              <ul role="list" className="speaker-list" data-testid="speakers">
                {event.speakers.map((s, i) => (
                  <li key={i}>
                    <span className="speaker-list__name">{s.name}</span>
                    {s.affiliation ? <span className="meta">{` · ${s.affiliation}`}</span> : null}
                  </li>
                ))}
              </ul>
            </dd>
          </div>
        ) : null}
        {event.cpdHours !== null ? (
          <div>
            <dt>{t("events.item.cpd")}</dt>
            <dd>
              {t("events.item.cpdHours", { hours: event.cpdHours })}
              {event.cpdBody ? <> · {t("events.item.cpdBody", { body: event.cpdBody })}</> : null}
              {event.cpdCategory ? <> · {t("events.item.cpdCategory", { category: event.cpdCategory })}</> : null}
            </dd>
          </div>
        ) : null}
      </dl>
      {live ? (
        <section className="card stack stack--s" aria-labelledby="live-title">
          <h2 id="live-title">{t("eventsLive.room.title")}</h2>
          {event.iAmSpeaker ? <p className="meta">{t("events.speakers.youHost")}</p> : null}
          {live.window === "open" ? (
            <p>
              <Link className="btn btn--primary" to={`/events/${event.id}/live`}>
                {t("eventsLive.room.enter")}
              </Link>
            </p>
          ) : null}
          {live.window === "before" ? <p>{t("eventsLive.room.opensAt", { opens: date(live.opensAt, "datetime") })}</p> : null}
          {live.attendance && (live.window !== "before" || live.attendance.minutes > 0) ? (
            <p>{t("eventsLive.attendance.mine", { minutes: live.attendance.minutes, duration: event.durationMinutes })}</p>
          ) : null}
          {live.window === "ended" && live.attendance ? (
            live.attendance.entitled && past ? (
              <Form method="post" action={`/events/${event.id}/attestation`} reloadDocument>
                <button type="submit" className="btn btn--primary">
                  {t("eventsLive.attestation.download")}
                </button>
              </Form>
            ) : (
              <p>{t("eventsLive.attestation.notEntitled")}</p>
            )
          ) : null}
          {live.organiser ? (
            <p>
              <Link to={`/events/${event.id}/attendance`}>{t("eventsLive.attendance.manage")}</Link>
            </p>
          ) : null}
        </section>
      ) : null}
      {descriptionHtml ? <RichTextView html={descriptionHtml} /> : null}
      {!followup.slidesPublished && followup.slides.length > 0 ? (
        // Only the event's hosts read slides before the end (RLS): they check them, with the rule said.
        <section className="stack stack--s" aria-labelledby="host-slides-title">
          <h2 id="host-slides-title">{t("events.slides.hostTitle")}</h2>
          <p className="alert alert--info">{t("events.slides.beforeEnd")}</p>
          <SlideList slides={followup.slides} />
        </section>
      ) : null}
      {past &&
      (followup.recordingUrl ||
        followup.resources.length > 0 ||
        (followup.slidesPublished && followup.slides.length > 0) ||
        event.mine?.status === "registered") ? (
        <section className="stack stack--s" aria-labelledby="after-title">
          <h2 id="after-title">{t("events.after.title")}</h2>
          {followup.recordingUrl ? (
            <p>
              <a href={followup.recordingUrl} rel="noopener noreferrer">
                {t("events.after.recording")}
              </a>
            </p>
          ) : null}
          {followup.slidesPublished && followup.slides.length > 0 ? (
            <>
              <h3>{t("events.after.slides")}</h3>
              <SlideList slides={followup.slides} />
            </>
          ) : null}
          {followup.resources.length > 0 ? (
            <>
              <h3>{t("events.after.resources")}</h3>
              <ul>
                {followup.resources.map((r) => (
                  <li key={r.id}>
                    <Link to={`/tools/${r.id}`}>{r.title}</Link>
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          {event.mine?.status === "registered" && event.status === "scheduled" ? (
            followup.myAnswer ? (
              <p>{t("events.survey.thanks", { rating: followup.myAnswer.rating })}</p>
            ) : (
              <p>
                <Link className="btn btn--primary" to={`/events/${event.id}/survey`}>
                  {t("events.survey.invite")}
                </Link>
              </p>
            )
          ) : null}
        </section>
      ) : null}
      <section className="stack stack--s" aria-labelledby="registration-title">
        <h2 id="registration-title">{t("events.manage.registrations")}</h2>
        {event.mine?.status === "registered" ? <p className="alert alert--info">{t("events.item.registered")}</p> : null}
        {event.mine?.status === "waitlisted" ? (
          <p className="alert alert--info">{t("events.item.waitlisted", { position: event.mine.position ?? 1 })}</p>
        ) : null}
        {!signedIn ? (
          <p>
            <Link to={`/login?redirectTo=${encodeURIComponent(`/events/${event.id}`)}`}>{t("events.item.signIn")}</Link>
          </p>
        ) : null}
        {signedIn && !event.registrationOpen && !event.mine ? <p>{t("events.item.closed")}</p> : null}
        {canRegister ? (
          <Form method="post">
            <input type="hidden" name="intent" value="register" />
            <button type="submit" className="btn btn--primary">
              {full ? t("events.item.joinWaitlist") : t("events.item.register")}
            </button>
          </Form>
        ) : null}
        {event.mine && !past ? (
          <Form method="post">
            <input type="hidden" name="intent" value="unregister" />
            <button type="submit" className="btn btn--secondary">
              {event.mine.status === "waitlisted" ? t("events.item.leaveWaitlist") : t("events.item.unregister")}
            </button>
          </Form>
        ) : null}
      </section>
    </div>
  );
}

/** An event's slides, each a download with its size. */
function SlideList({ slides }: { slides: Array<{ id: number; title: string; fileId: string; byteSize: number }> }) {
  const { t } = useI18n();
  return (
    <ul data-testid="slides">
      {slides.map((s) => (
        <li key={s.id}>
          <a href={`/files/${s.fileId}`} download>
            {s.title}
          </a>{" "}
          <span className="meta">{t("events.slides.size", { size: Math.max(1, Math.round(s.byteSize / 1024)) })}</span>
        </li>
      ))}
    </ul>
  );
}
