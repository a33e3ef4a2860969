// A mentor's profile, and the form to send them a request.
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { requireViewer } from "~/modules/accounts/guards.server";
import { DISCIPLINES, REGIONS, TOPICS } from "~/modules/accounts/reference";
import { ActionErrors, CodeCheckboxes, useTopicLabel, type ActionResult } from "~/modules/mentoring/components";
import { createRequest, getMentorProfile } from "~/modules/mentoring/mentoring.server";
import { MODALITIES, REQUEST_LANGUAGES, requestSchema } from "~/modules/mentoring/schemas";
import { useI18n } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => pageTitle(args, "mentoring.mentor.title");

const idSchema = z.string().uuid();

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request, context);
  const id = idSchema.safeParse(params.id);
  const mentor = id.success ? await getMentorProfile(context.db, viewer, id.data) : null;
  if (!mentor) throw new Response("not_found", { status: 404 });
  return json({ mentor, verified: viewer.verified, self: mentor.user_id === viewer.id });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const viewer = await requireViewer(request, context);
  const id = idSchema.safeParse(params.id);
  if (!id.success) throw new Response("not_found", { status: 404 });
  const form = await request.formData();
  const parsed = requestSchema.safeParse({
    intent: form.get("intent"),
    topics: form.getAll("topics"),
    goals: form.get("goals"),
    modality: form.get("modality"),
    language: form.get("language"),
    coordinationOk: form.get("coordinationOk") ?? undefined,
  });
  if (!parsed.success) {
    const fieldErrors: Record<string, string[]> = {};
    for (const i of parsed.error.issues) (fieldErrors[String(i.path[0])] ??= []).push(i.message);
    return json<ActionResult>({ intent: "request", fieldErrors }, { status: 400 });
  }
  const outcome = await createRequest(
    { db: context.db, jobs: context.jobs, mail: context.mail, env: context.env, realtime: context.realtime },
    viewer,
    id.data,
    parsed.data,
  );
  if (!outcome.ok) return json<ActionResult>({ intent: "request", ...outcome }, { status: outcome.status });
  return redirect("/mentoring?sent=1");
}

export default function MentorPage() {
  const { t, tx, label } = useI18n();
  const { mentor, verified, self } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const topic = useTopicLabel();
  const chosen = new Set(params.getAll("topics"));
  const free = Math.max(0, mentor.capacity - mentor.load);
  const open = mentor.accepting && free > 0;
  return (
    <div className="container container--narrow stack stack--l">
      <p>
        <Link to="/mentoring">← {t("mentoring.home.title")}</Link>
      </p>
      <header className="page-header stack stack--s">
        <h1>{mentor.person.display_name}</h1>
        <p className="lead">
          {label(DISCIPLINES.find((d) => d.code === mentor.person.discipline) ?? { name_fr: mentor.person.discipline })}
        </p>
      </header>
      <dl className="definition-list">
        <dt>{t("mentoring.fields.topics")}</dt>
        <dd>{mentor.topics.map(topic).join(", ")}</dd>
        <dt>{t("mentoring.fields.disciplines")}</dt>
        <dd>{mentor.disciplines.map((c) => label(DISCIPLINES.find((d) => d.code === c) ?? { name_fr: c })).join(", ")}</dd>
        <dt>{t("mentoring.fields.regions")}</dt>
        <dd>{mentor.regions.map((c) => label(REGIONS.find((r) => r.code === c) ?? { name_fr: c })).join(", ")}</dd>
        <dt>{t("mentoring.fields.languages")}</dt>
        <dd>{mentor.languages.map((l) => tx(`languages.${l}`)).join(", ")}</dd>
        <dt>{t("mentoring.fields.modalities")}</dt>
        <dd>{mentor.modalities.map((m) => tx(`mentoring.modalities.${m}`)).join(", ")}</dd>
        <dt>{t("mentoring.fields.availability")}</dt>
        <dd>{mentor.availability || "—"}</dd>
        <dt>{t("mentoring.mentor.places")}</dt>
        <dd>{open ? tx("mentoring.mentor.free", { count: free }) : t("mentoring.mentor.notTaking")}</dd>
      </dl>
      {mentor.bio ? <p>{mentor.bio}</p> : null}
      {self ? null : !verified ? (
        <p className="alert alert--info">{t("mentoring.errors.verifiedOnly")}</p>
      ) : !open ? null : (
        <section className="stack stack--s" aria-labelledby="request-title">
          <h2 id="request-title" className="section-title">
            {t("mentoring.request.title")}
          </h2>
          <ActionErrors result={result} intent="request" />
          <Form method="post" className="form stack stack--m">
            <input type="hidden" name="intent" value="request" />
            <CodeCheckboxes name="topics" legend={t("mentoring.fields.topics")} rows={TOPICS} checked={(code) => chosen.has(code)} />
            <div className="field">
              <label className="field__label" htmlFor="request-goals">
                {t("mentoring.fields.goals")}
              </label>
              <p className="field__hint" id="request-goals-hint">
                {t("mentoring.request.goalsHint")}
              </p>
              <textarea
                id="request-goals"
                name="goals"
                className="input"
                rows={5}
                maxLength={2000}
                aria-describedby="request-goals-hint"
                required
              />
            </div>
            <div className="field">
              <label className="field__label" htmlFor="request-modality">
                {t("mentoring.ask.modality")}
              </label>
              <select id="request-modality" name="modality" className="select" defaultValue={params.get("modality") ?? "video"}>
                {MODALITIES.map((m) => (
                  <option key={m} value={m}>
                    {tx(`mentoring.modalities.${m}`)}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label className="field__label" htmlFor="request-language">
                {t("mentoring.ask.language")}
              </label>
              <select id="request-language" name="language" className="select" defaultValue={params.get("language") ?? "fr"}>
                {REQUEST_LANGUAGES.map((l) => (
                  <option key={l} value={l}>
                    {tx(`languages.${l}`)}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label className="checkbox">
                <input type="checkbox" name="coordinationOk" aria-describedby="request-coordination-hint" />
                <span>{t("mentoring.request.coordinationOk")}</span>
              </label>
              <p className="field__hint" id="request-coordination-hint">
                {t("mentoring.request.coordinationHint")}
              </p>
            </div>
            <p>
              <button type="submit" className="btn btn--primary">
                {t("mentoring.request.submit")}
              </button>
            </p>
          </Form>
        </section>
      )}
    </div>
  );
}
