import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useRouteLoaderData } from "@remix-run/react";
import { listHomeContent } from "~/modules/home/home.server";
import { formatPublished } from "~/modules/tools/published";
import { documentLang, useI18n } from "~/utils/i18n";
import { publisherLabel, seriesLabel } from "~/utils/reference-labels";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => [...pageTitle(args, "home.title"), { name: "description", content: "Passerelle" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const claims = await context.auth.getClaims(request.headers.get("Cookie"));
  return json(await listHomeContent(context.db, claims));
}

export default function Home() {
  const { t, tx, date, label, locale } = useI18n();
  const { tools, upcoming, events, topics, counts } = useLoaderData<typeof loader>();
  const root = useRouteLoaderData("root") as { viewer: { displayName: string; verified: boolean } | null } | undefined;
  const viewer = root?.viewer ?? null;
  const topicName = (code: string) => {
    const row = topics.find((x) => x.code === code);
    return row ? label(row) : code;
  };
  return (
    <>
      <section className="hero" aria-labelledby="hero-title">
        <div className="container stack">
          <h1 id="hero-title" className="hero__title">
            {t("home.heroTitle")}
          </h1>
          <p className="hero__lead">{t("home.heroLead")}</p>
          {viewer ? (
            <p>
              {viewer.verified
                ? t("home.welcomeVerified", { name: viewer.displayName })
                : t("home.welcomeUnverified", { name: viewer.displayName })}
            </p>
          ) : (
            <p className="cluster">
              <Link className="btn btn--primary" to="/signup">
                {t("home.join")}
              </Link>
              <Link className="btn btn--secondary" to="/login">
                {t("nav.signIn")}
              </Link>
            </p>
          )}
          <p className="meta">{t("home.counts", { members: counts.members, regions: counts.regions, tools: tools.length })}</p>
        </div>
      </section>
      <div className="container stack stack--l">
        <section className="stack" aria-labelledby="offer-title">
          <h2 id="offer-title" className="section-title">
            {t("home.offerTitle")}
          </h2>
          <ul className="grid">
            {(["forums", "cases", "mentorship", "webinars", "tools", "chat"] as const).map((k) => (
              <li key={k} className="card stack stack--s">
                <h3 className="card__title">{tx(`home.offer.${k}.title`)}</h3>
                <p>{tx(`home.offer.${k}.body`)}</p>
              </li>
            ))}
          </ul>
        </section>
        <section className="stack" aria-labelledby="tools-title">
          <h2 id="tools-title" className="section-title">
            {t("home.toolsTitle")}
          </h2>
          <ul className="grid">
            {tools.map((tool) => (
              <li key={tool.id} className="card stack stack--s">
                <h3 className="card__title">
                  {/* The library's page: versions, files, citations and the source link. */}
                  <Link to={`/tools/${tool.id}`} lang="fr-CA">
                    {tool.title}
                  </Link>
                </h3>
                <p className="card__meta">
                  {[
                    tx(`toolKinds.${tool.kind}`),
                    tool.publisher ? publisherLabel(tool.publisher, locale) : null,
                    formatPublished(locale, tool.published_on),
                  ]
                    .filter(Boolean)
                    .join(" · ")}
                </p>
                {tool.topics.length ? (
                  <ul className="tag-list" aria-label={t("home.topics")}>
                    {tool.topics.map((c) => (
                      <li key={c} className="tag">
                        {topicName(c)}
                      </li>
                    ))}
                  </ul>
                ) : null}
              </li>
            ))}
          </ul>
        </section>
        {upcoming.length ? (
          <section className="stack" aria-labelledby="upcoming-title">
            <h2 id="upcoming-title" className="section-title">
              {t("home.upcomingTitle")}
            </h2>
            <ul className="stack stack--s">
              {upcoming.map((e) => (
                <EventCard key={e.id} event={e} when={date(e.starts_at, "datetime")} />
              ))}
            </ul>
            <p>
              <Link to="/events">{t("home.allEvents")}</Link>
            </p>
          </section>
        ) : null}
        <section className="stack" aria-labelledby="events-title">
          <h2 id="events-title" className="section-title">
            {t("home.eventsTitle")}
          </h2>
          <ul className="stack stack--s">
            {events.map((e) => (
              <EventCard key={e.id} event={e} when={date(e.starts_at)} />
            ))}
          </ul>
        </section>
      </div>
    </>
  );
}

type HomeEvent = ReturnType<typeof useLoaderData<typeof loader>>["events"][number];

/** An event on the home page: its date, kind and series, and its title linking to its page (in its own language). */
function EventCard({ event, when }: { event: HomeEvent; when: string }) {
  const { tx, locale } = useI18n();
  return (
    <li className="card">
      <p className="card__meta">
        <time dateTime={event.starts_at}>{when}</time> · {tx(`eventKinds.${event.kind}`)}
        {event.series ? ` · ${seriesLabel(event.series, locale)}` : ""}
      </p>
      <p className="card__title" lang={documentLang(event.language)}>
        <Link to={`/events/${event.id}`}>{event.title}</Link>
      </p>
    </li>
  );
}
