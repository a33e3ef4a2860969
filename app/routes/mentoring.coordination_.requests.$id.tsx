// A coordinator assigns an open request: the member's needs, then the mentors the
// matching proposes for them with its reasons, each with an "assign" button (a plain
// form). Only requests whose member allowed it; refusals come back with their status.
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireViewer } from "~/modules/accounts/guards.server";
import { DISCIPLINES, REGIONS } from "~/modules/accounts/reference";
import { ActionErrors, ReasonList, useTopicLabel, type ActionResult } from "~/modules/mentoring/components";
import { assignmentView, assignRequest, isCoordinator } from "~/modules/mentoring/mentoring.server";
import { assignSchema } from "~/modules/mentoring/schemas";
import { useI18n } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => pageTitle(args, "mentoring.assign.title");
const idSchema = z.string().uuid();

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request, context);
  if (!isCoordinator(viewer)) throw new Response("forbidden", { status: 403 });
  const id = idSchema.safeParse(params.id);
  // Same order for this coordinator and request today; ties fall differently elsewhere.
  const view = id.success
    ? await assignmentView(context.db, viewer, id.data, `${viewer.id}:${id.data}:${new Date().toISOString().slice(0, 10)}`)
    : null;
  if (!view) throw new Response("not_found", { status: 404 });
  return json({ view });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const viewer = await requireViewer(request, context);
  const id = idSchema.safeParse(params.id);
  if (!id.success) throw new Response("not_found", { status: 404 });
  const form = await request.formData();
  const parsed = assignSchema.safeParse(Object.fromEntries(form));
  if (!parsed.success) {
    const fieldErrors: Record<string, string[]> = {};
    for (const i of parsed.error.issues) (fieldErrors[String(i.path[0] ?? "form")] ??= []).push(i.message);
    return json<ActionResult>({ intent: "assign", fieldErrors }, { status: 400 });
  }
  const outcome = await assignRequest(
    { db: context.db, jobs: context.jobs, mail: context.mail, env: context.env, realtime: context.realtime },
    viewer,
    id.data,
    parsed.data.mentorId,
  );
  if (!outcome.ok) return json<ActionResult>({ intent: "assign", ...outcome }, { status: outcome.status });
  return redirect("/mentoring/coordination?assigned=1#open-title");
}

export default function AssignRequest() {
  const { t, tx, date, label } = useI18n();
  const { view } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const topic = useTopicLabel();
  const r = view.request;
  const open = r.status === "pending";
  return (
    <div className="container stack stack--l">
      <p>
        <Link to="/mentoring/coordination">← {t("mentoring.coordination.title")}</Link>
      </p>
      <header className="page-header stack stack--s">
        <h1>{t("mentoring.assign.heading", { name: view.mentee.name })}</h1>
        <p className="lead">{t("mentoring.assign.lead")}</p>
      </header>
      <dl className="definition-list">
        <dt>{t("mentoring.fields.topics")}</dt>
        <dd>{r.topics.map(topic).join(", ")}</dd>
        <dt>{t("mentoring.fields.goals")}</dt>
        <dd>{r.goals}</dd>
        <dt>{t("mentoring.ask.modality")}</dt>
        <dd>{tx(`mentoring.modalities.${r.modality}`)}</dd>
        <dt>{t("mentoring.ask.language")}</dt>
        <dd>{tx(`languages.${r.language}`)}</dd>
        <dt>{t("mentoring.assign.practice")}</dt>
        <dd>
          {label(DISCIPLINES.find((d) => d.code === view.mentee.discipline) ?? { name_fr: view.mentee.discipline || "—" })} ·{" "}
          {label(REGIONS.find((g) => g.code === view.mentee.region) ?? { name_fr: view.mentee.region || "—" })}
        </dd>
        <dt>{t("mentoring.assign.current")}</dt>
        <dd>
          {view.currentMentor} · {tx(`mentoring.requestStatus.${r.status}`)} · {t("mentoring.assign.sentOn", { date: date(r.createdAt) })}
        </dd>
      </dl>
      <ActionErrors result={result} intent="assign" />
      {!open ? (
        <p className="alert alert--info">{t("mentoring.errors.db.request_closed")}</p>
      ) : !r.coordinationOk ? (
        <p className="alert alert--info">{t("mentoring.errors.db.no_consent")}</p>
      ) : (
        <section className="stack stack--s" aria-labelledby="assign-suggestions">
          <h2 id="assign-suggestions" className="section-title">
            {t("mentoring.ask.suggestions")}
          </h2>
          <p className="meta">{t("mentoring.ask.howRanked")}</p>
          {view.suggestions.length === 0 ? (
            <p>{t("mentoring.ask.none")}</p>
          ) : (
            <ol className="stack stack--s">
              {view.suggestions.map((s) => (
                <li key={s.userId} className="card stack stack--s">
                  <h3 className="card__title">
                    <Link to={`/mentoring/mentors/${s.userId}`}>{s.name}</Link>
                  </h3>
                  <p className="card__meta">
                    {label(DISCIPLINES.find((d) => d.code === s.discipline) ?? { name_fr: s.discipline })} ·{" "}
                    {label(REGIONS.find((g) => g.code === s.region) ?? { name_fr: s.region })} ·{" "}
                    {tx("mentoring.mentor.free", { count: s.free })}
                  </p>
                  <ReasonList reasons={s.reasons} />
                  <Form method="post">
                    <input type="hidden" name="intent" value="assign" />
                    <input type="hidden" name="mentorId" value={s.userId} />
                    <button type="submit" className="btn btn--primary">
                      {t("mentoring.assign.submit", { name: s.name })}
                    </button>
                  </Form>
                </li>
              ))}
            </ol>
          )}
        </section>
      )}
    </div>
  );
}
