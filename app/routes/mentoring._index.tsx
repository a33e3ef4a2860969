// Mentoring home: ask for a mentor (a GET form: suggestions with their reasons), my
// requests and pairings, and for mentors the requests to answer and their profile.
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { requireViewer } from "~/modules/accounts/guards.server";
import { DISCIPLINES, REGIONS, TOPICS } from "~/modules/accounts/reference";
import { ActionErrors, CodeCheckboxes, ReasonList, useTopicLabel, type ActionResult } from "~/modules/mentoring/components";
import {
  answerRequest,
  isCoordinator,
  isMentor,
  myMentoring,
  saveMentorProfile,
  setCoordinationConsent,
  suggestMentors,
} from "~/modules/mentoring/mentoring.server";
import { answerSchema, askSchema, consentSchema, MODALITIES, mentorProfileSchema, REQUEST_LANGUAGES } from "~/modules/mentoring/schemas";
import { useI18n } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => pageTitle(args, "mentoring.home.title");

function formObject(form: FormData, multi: string[]) {
  const out: Record<string, unknown> = {};
  for (const key of new Set(form.keys())) out[key] = multi.includes(key) ? form.getAll(key) : form.get(key);
  return out;
}
const fieldErrorsOf = (issues: Array<{ path: Array<string | number>; message: string }>) => {
  const out: Record<string, string[]> = {};
  for (const i of issues) (out[String(i.path[0] ?? "form")] ??= []).push(i.message);
  return out;
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request, context);
  const url = new URL(request.url);
  const mine = await myMentoring(context.db, viewer);
  let suggestions = null;
  let askError = false;
  if (url.searchParams.has("topics") || url.searchParams.has("ask")) {
    const parsed = askSchema.safeParse({
      topics: url.searchParams.getAll("topics"),
      discipline: url.searchParams.get("discipline") || undefined,
      language: url.searchParams.get("language") || undefined,
      modality: url.searchParams.get("modality") || undefined,
      region: url.searchParams.get("region") || undefined,
    });
    if (parsed.success && viewer.verified) {
      // Same order for this person and question today; another member or day breaks ties differently.
      const seed = `${viewer.id}:${new Date().toISOString().slice(0, 10)}:${parsed.data.topics.join(",")}`;
      suggestions = await suggestMentors(context.db, viewer, parsed.data, seed);
    } else askError = !parsed.success;
  }
  return json(
    {
      ...mine,
      verified: viewer.verified,
      isMentor: isMentor(viewer),
      isCoordinator: isCoordinator(viewer),
      myId: viewer.id,
      suggestions,
      askError,
      now: new Date().toISOString(),
    },
    { status: askError ? 400 : 200 },
  );
}

export async function action({ request, context }: ActionFunctionArgs) {
  const viewer = await requireViewer(request, context);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  if (intent === "profile") {
    const parsed = mentorProfileSchema.safeParse(formObject(form, ["topics", "disciplines", "regions", "languages", "modalities"]));
    if (!parsed.success) return json<ActionResult>({ intent, fieldErrors: fieldErrorsOf(parsed.error.issues) }, { status: 400 });
    const outcome = await saveMentorProfile(context.db, viewer, parsed.data);
    if (!outcome.ok) return json<ActionResult>({ intent, ...outcome }, { status: outcome.status });
    return redirect("/mentoring?saved=profile#profile");
  }
  if (intent === "consent") {
    const consent = consentSchema.safeParse(formObject(form, []));
    if (!consent.success) return json<ActionResult>({ intent, formError: "errors.invalid" }, { status: 400 });
    const outcome = await setCoordinationConsent(context.db, viewer, consent.data.requestId, consent.data.on === "on");
    if (!outcome.ok) return json<ActionResult>({ intent, ...outcome }, { status: outcome.status });
    return redirect(`/mentoring?done=consent_${consent.data.on}#outgoing`);
  }
  const parsed = answerSchema.safeParse(formObject(form, []));
  if (!parsed.success) return json<ActionResult>({ intent: "answer", formError: "errors.invalid" }, { status: 400 });
  const outcome = await answerRequest(
    { db: context.db, jobs: context.jobs, mail: context.mail, env: context.env, realtime: context.realtime },
    viewer,
    parsed.data.intent,
    parsed.data.requestId,
  );
  if (!outcome.ok) return json<ActionResult>({ intent: "answer", ...outcome }, { status: outcome.status });
  if (outcome.pairingId) return redirect(`/mentoring/pairings/${outcome.pairingId}`);
  return redirect(`/mentoring?done=${parsed.data.intent}`);
}

export default function MentoringHome() {
  const { t, tx, date, label } = useI18n();
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const topic = useTopicLabel();
  const chosen = new Set(params.getAll("topics"));
  const profile = data.mentorProfile;
  const suggestionQuery = (mentorId: string) => {
    const q = new URLSearchParams();
    for (const c of params.getAll("topics")) q.append("topics", c);
    q.set("modality", params.get("modality") ?? "video");
    q.set("language", params.get("language") ?? "fr");
    return `/mentoring/mentors/${mentorId}?${q.toString()}`;
  };
  return (
    <div className="container stack stack--l">
      <header className="page-header stack stack--s">
        <h1>{t("mentoring.home.title")}</h1>
        <p className="lead">{t("mentoring.home.lead")}</p>
      </header>
      {params.get("sent") ? (
        <p className="alert alert--success" role="status">
          {t("mentoring.home.sent")}
        </p>
      ) : null}
      {params.get("done") ? (
        <p className="alert alert--success" role="status">
          {tx(`mentoring.home.done.${params.get("done")}`)}
        </p>
      ) : null}
      <ActionErrors result={result} intent="answer" />
      <ActionErrors result={result} intent="consent" />
      {data.isCoordinator ? (
        <p>
          <Link to="/mentoring/coordination">{t("mentoring.coordination.title")}</Link>
        </p>
      ) : null}

      {data.isMentor ? (
        <section className="stack stack--s" aria-labelledby="incoming">
          <h2 id="incoming" className="section-title">
            {t("mentoring.home.incoming")}
          </h2>
          {data.incoming.filter((r) => r.status === "pending").length === 0 ? (
            <p>{t("mentoring.home.noIncoming")}</p>
          ) : (
            <ul className="stack stack--s">
              {data.incoming
                .filter((r) => r.status === "pending")
                .map((r) => (
                  <li key={r.id} className="card stack stack--s">
                    <h3 className="card__title">{t("mentoring.home.requestFrom", { name: r.mentee })}</h3>
                    <p className="card__meta">
                      {r.topics.map(topic).join(" · ")} · {tx(`mentoring.modalities.${r.modality}`)} ·{" "}
                      {t("mentoring.home.expires", { date: date(r.expires_at) })}
                    </p>
                    <p>{r.goals}</p>
                    <Form method="post" className="cluster">
                      <input type="hidden" name="requestId" value={r.id} />
                      <button className="btn btn--primary" name="intent" value="accept">
                        {t("mentoring.home.accept")}
                      </button>
                      <button className="btn" name="intent" value="decline">
                        {t("mentoring.home.decline")}
                      </button>
                    </Form>
                  </li>
                ))}
            </ul>
          )}
        </section>
      ) : null}

      <section className="stack stack--s" aria-labelledby="pairings">
        <h2 id="pairings" className="section-title">
          {t("mentoring.home.pairings")}
        </h2>
        {data.pairings.length === 0 ? (
          <p>{t("mentoring.home.noPairings")}</p>
        ) : (
          <ul className="stack stack--s">
            {data.pairings.map((p) => (
              <li key={p.id}>
                <Link to={`/mentoring/pairings/${p.id}`}>
                  {p.role === "mentor"
                    ? t("mentoring.home.pairingWithMentee", { name: p.mentee })
                    : t("mentoring.home.pairingWithMentor", { name: p.mentor })}
                </Link>
                {" · "}
                <span className="meta">
                  {tx(`mentoring.pairingStatus.${p.status}`)} · {date(p.started_at)}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>

      {data.outgoing.length ? (
        <section className="stack stack--s" aria-labelledby="outgoing">
          <h2 id="outgoing" className="section-title">
            {t("mentoring.home.outgoing")}
          </h2>
          <ul className="stack stack--s">
            {data.outgoing.map((r) => (
              <li key={r.id} className="stack stack--s">
                <div className="cluster">
                  <span>
                    {t("mentoring.home.requestTo", { name: r.mentor })} ·{" "}
                    <span className="meta">
                      {tx(`mentoring.requestStatus.${r.status}`)} · {date(r.created_at)}
                      {r.assigned_by ? ` · ${t("mentoring.home.assignedByCoordination")}` : ""}
                    </span>
                  </span>
                  {r.status === "pending" ? (
                    <Form method="post">
                      <input type="hidden" name="requestId" value={r.id} />
                      <button className="btn btn--small" name="intent" value="withdraw">
                        {t("mentoring.home.withdraw")}
                      </button>
                    </Form>
                  ) : null}
                </div>
                {r.status === "pending" ? (
                  <Form method="post" className="cluster">
                    <input type="hidden" name="intent" value="consent" />
                    <input type="hidden" name="requestId" value={r.id} />
                    <input type="hidden" name="on" value={r.coordination_ok ? "off" : "on"} />
                    <span className="meta">{r.coordination_ok ? t("mentoring.home.consentOn") : t("mentoring.home.consentOff")}</span>
                    <button className="btn btn--small">
                      {r.coordination_ok ? t("mentoring.home.consentTurnOff") : t("mentoring.home.consentTurnOn")}
                    </button>
                  </Form>
                ) : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section className="stack stack--s" aria-labelledby="ask">
        <h2 id="ask" className="section-title">
          {t("mentoring.ask.title")}
        </h2>
        {!data.verified ? (
          <p className="alert alert--info">{t("mentoring.errors.verifiedOnly")}</p>
        ) : (
          <Form method="get" className="form stack stack--m" action="/mentoring#suggestions">
            <input type="hidden" name="ask" value="1" />
            {data.askError ? (
              <p className="alert alert--error" role="alert">
                {t("mentoring.ask.topicsRequired")}
              </p>
            ) : null}
            <CodeCheckboxes name="topics" legend={t("mentoring.ask.topics")} rows={TOPICS} checked={(code) => chosen.has(code)} />
            <div className="field">
              <label className="field__label" htmlFor="ask-discipline">
                {t("mentoring.ask.discipline")}
              </label>
              <select id="ask-discipline" name="discipline" className="select" defaultValue={params.get("discipline") ?? ""}>
                <option value="">{t("mentoring.ask.myDiscipline")}</option>
                {DISCIPLINES.map((d) => (
                  <option key={d.code} value={d.code}>
                    {label(d)}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label className="field__label" htmlFor="ask-language">
                {t("mentoring.ask.language")}
              </label>
              <select id="ask-language" name="language" className="select" defaultValue={params.get("language") ?? "fr"}>
                {REQUEST_LANGUAGES.map((l) => (
                  <option key={l} value={l}>
                    {tx(`languages.${l}`)}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label className="field__label" htmlFor="ask-modality">
                {t("mentoring.ask.modality")}
              </label>
              <select id="ask-modality" name="modality" className="select" defaultValue={params.get("modality") ?? "video"}>
                {MODALITIES.map((m) => (
                  <option key={m} value={m}>
                    {tx(`mentoring.modalities.${m}`)}
                  </option>
                ))}
              </select>
            </div>
            <fieldset className="field">
              <legend className="field__label">{t("mentoring.ask.region")}</legend>
              <label className="checkbox">
                <input type="radio" name="region" value="any" defaultChecked={params.get("region") !== "same"} />
                <span>{t("mentoring.ask.anyRegion")}</span>
              </label>
              <label className="checkbox">
                <input type="radio" name="region" value="same" defaultChecked={params.get("region") === "same"} />
                <span>{t("mentoring.ask.sameRegion")}</span>
              </label>
            </fieldset>
            <p>
              <button type="submit" className="btn btn--primary">
                {t("mentoring.ask.submit")}
              </button>
            </p>
          </Form>
        )}
        {data.suggestions ? (
          <section id="suggestions" className="stack stack--s" aria-labelledby="suggestions-title">
            <h3 id="suggestions-title">{t("mentoring.ask.suggestions")}</h3>
            <p className="meta">{t("mentoring.ask.howRanked")}</p>
            {data.suggestions.length === 0 ? (
              <p>{t("mentoring.ask.none")}</p>
            ) : (
              <ol className="stack stack--s">
                {data.suggestions.map((s) => (
                  <li key={s.userId} className="card stack stack--s">
                    <h4 className="card__title">
                      <Link to={suggestionQuery(s.userId)}>{s.name}</Link>
                    </h4>
                    <p className="card__meta">
                      {label(DISCIPLINES.find((d) => d.code === s.discipline) ?? { name_fr: s.discipline })} ·{" "}
                      {label(REGIONS.find((r) => r.code === s.region) ?? { name_fr: s.region })}
                    </p>
                    <ReasonList reasons={s.reasons} />
                  </li>
                ))}
              </ol>
            )}
          </section>
        ) : null}
      </section>

      {data.isMentor ? (
        <section id="profile" className="stack stack--s" aria-labelledby="profile-title">
          <h2 id="profile-title" className="section-title">
            {t("mentoring.profile.title")}
          </h2>
          {params.get("saved") ? (
            <p className="alert alert--success" role="status">
              {t("mentoring.profile.saved")}
            </p>
          ) : null}
          {profile ? (
            <p>
              <Link to={`/mentoring/mentors/${data.myId}`}>{t("mentoring.profile.view")}</Link>
            </p>
          ) : null}
          <ActionErrors result={result} intent="profile" />
          <Form method="post" className="form stack stack--m">
            <input type="hidden" name="intent" value="profile" />
            {(
              [
                ["topics", TOPICS, profile?.topics],
                ["disciplines", DISCIPLINES, profile?.disciplines],
                ["regions", REGIONS, profile?.regions],
              ] as const
            ).map(([name, rows, values]) => (
              <CodeCheckboxes
                key={name}
                name={name}
                legend={tx(`mentoring.fields.${name}`)}
                rows={rows}
                checked={(code) => values?.includes(code) ?? false}
              />
            ))}
            <fieldset className="field checkbox-list">
              <legend className="field__label">{t("mentoring.fields.languages")}</legend>
              {["fr", "en", "es"].map((l) => (
                <label className="checkbox" key={l}>
                  <input type="checkbox" name="languages" value={l} defaultChecked={(profile?.languages ?? ["fr"]).includes(l)} />
                  <span>{tx(`languages.${l}`)}</span>
                </label>
              ))}
            </fieldset>
            <fieldset className="field checkbox-list">
              <legend className="field__label">{t("mentoring.fields.modalities")}</legend>
              {MODALITIES.map((m) => (
                <label className="checkbox" key={m}>
                  <input type="checkbox" name="modalities" value={m} defaultChecked={(profile?.modalities ?? ["video"]).includes(m)} />
                  <span>{tx(`mentoring.modalities.${m}`)}</span>
                </label>
              ))}
            </fieldset>
            <div className="field">
              <label className="field__label" htmlFor="profile-capacity">
                {t("mentoring.fields.capacity")}
              </label>
              <input
                id="profile-capacity"
                name="capacity"
                type="number"
                min={1}
                max={10}
                className="input input--short"
                defaultValue={profile?.capacity ?? 2}
              />
            </div>
            <div className="field">
              <label className="field__label" htmlFor="profile-availability">
                {t("mentoring.fields.availability")}
              </label>
              <input
                id="profile-availability"
                name="availability"
                className="input"
                maxLength={500}
                defaultValue={profile?.availability ?? ""}
              />
            </div>
            <div className="field">
              <label className="field__label" htmlFor="profile-bio">
                {t("mentoring.fields.bio")}
              </label>
              <textarea id="profile-bio" name="bio" className="input" rows={4} maxLength={1500} defaultValue={profile?.bio ?? ""} />
            </div>
            <label className="checkbox">
              <input type="checkbox" name="accepting" defaultChecked={profile?.accepting ?? true} />
              <span>{t("mentoring.fields.accepting")}</span>
            </label>
            <label className="checkbox">
              <input type="checkbox" name="matchingOptIn" defaultChecked={profile?.matching_opt_in ?? false} />
              <span>{t("mentoring.fields.matchingOptIn")}</span>
            </label>
            <p className="field__hint">{t("mentoring.profile.optInHint")}</p>
            <p>
              <button type="submit" className="btn btn--primary">
                {t("mentoring.profile.save")}
              </button>
            </p>
          </Form>
        </section>
      ) : null}
    </div>
  );
}
