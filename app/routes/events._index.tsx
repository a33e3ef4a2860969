// Upcoming and past events: a GET form of filters (works without JavaScript).
import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { hasRole } from "~/modules/accounts/accounts.server";
import { getOptionalViewer } from "~/modules/accounts/guards.server";
import { listEvents } from "~/modules/events/events.server";
import { AUDIENCES, EVENT_LANGUAGES, eventFiltersSchema } from "~/modules/events/schemas";
import { useI18n } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => pageTitle(args, "events.list.title");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = await getOptionalViewer(request, context);
  const filters = eventFiltersSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const result = await listEvents(context.db, viewer?.claims ?? null, filters);
  return json({ filters, ...result, signedIn: Boolean(viewer), organiser: hasRole(viewer, "organiser") });
}

/** One filter of the list: a labelled select whose first choice is "any". */
function FilterSelect(props: {
  name: string;
  label: string;
  value: string | undefined;
  options: ReadonlyArray<{ value: string; label: string }>;
}) {
  const { t } = useI18n();
  const id = `f-${props.name}`;
  return (
    <div className="field">
      <label className="field__label" htmlFor={id}>
        {props.label}
      </label>
      <select id={id} name={props.name} className="select" defaultValue={props.value ?? ""}>
        <option value="">{t("events.list.any")}</option>
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

export default function EventsList() {
  const { t, tx, date, label } = useI18n();
  const { filters, events, series, topics, regions, signedIn, organiser } = useLoaderData<typeof loader>();
  const other = filters.when === "past" ? "upcoming" : "past";
  const keep = new URLSearchParams(Object.entries(filters).filter(([k, v]) => k !== "when" && typeof v === "string") as [string, string][]);
  keep.set("when", other);
  return (
    <div className="container stack stack--l">
      <header className="page-header stack stack--s">
        <h1>{t("events.list.title")}</h1>
        <p className="lead">{t("events.list.lead")}</p>
        <ul className="cluster">
          {signedIn ? (
            <li>
              <Link className="btn btn--small btn--secondary" to="/events/calendar">
                {t("events.list.calendar")}
              </Link>
            </li>
          ) : null}
          {organiser ? (
            <li>
              <Link className="btn btn--small btn--primary" to="/events/manage">
                {t("events.list.manage")}
              </Link>
            </li>
          ) : null}
        </ul>
      </header>
      <nav aria-label={t("events.list.title")} className="cluster">
        <span aria-current="page" className="btn btn--small btn--primary">
          {tx(`events.list.${filters.when}`)}
        </span>
        <Link className="btn btn--small btn--secondary" to={`/events?${keep.toString()}`}>
          {tx(`events.list.${other}`)}
        </Link>
      </nav>
      <Form method="get" className="form cluster" role="search" aria-label={t("events.list.filters")}>
        <input type="hidden" name="when" value={filters.when} />
        <FilterSelect
          name="topic"
          label={t("events.list.topic")}
          value={filters.topic}
          options={topics.map((o) => ({ value: o.code, label: label(o) }))}
        />
        <FilterSelect
          name="audience"
          label={t("events.list.audience")}
          value={filters.audience}
          options={AUDIENCES.map((a) => ({ value: a, label: tx(`events.audiences.${a}`) }))}
        />
        <FilterSelect
          name="language"
          label={t("events.list.language")}
          value={filters.language}
          options={EVENT_LANGUAGES.map((l) => ({ value: l, label: tx(`events.languages.${l}`) }))}
        />
        <FilterSelect
          name="series"
          label={t("events.list.series")}
          value={filters.series}
          options={series.map((o) => ({ value: o.id, label: o.title }))}
        />
        <FilterSelect
          name="region"
          label={t("events.list.region")}
          value={filters.region}
          options={regions.map((r) => ({ value: r.code, label: label(r) }))}
        />
        <div className="form-actions">
          <button type="submit" className="btn btn--secondary">
            {t("events.list.apply")}
          </button>
        </div>
      </Form>
      {events.length === 0 ? (
        <p>{t("events.list.empty")}</p>
      ) : (
        <ul className="stack" aria-label={tx(`events.list.${filters.when}`)}>
          {events.map((e) => (
            <li key={e.id} className="card stack stack--s">
              <h2 className="card__title">
                <Link to={`/events/${e.id}`}>{e.title}</Link>
              </h2>
              <p>
                <time dateTime={e.startsAt}>{date(e.startsAt, "datetime")}</time>
                {" · "}
                {tx(`events.kinds.${e.kind}`)}
                {" · "}
                {tx(`events.audiences.${e.audience}`)}
                {e.seriesTitle ? (
                  <>
                    {" · "}
                    {e.seriesTitle}
                  </>
                ) : null}
              </p>
              {e.status === "cancelled" ? <p className="badge">{t("events.item.cancelled")}</p> : null}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
