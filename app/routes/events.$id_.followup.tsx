// Organisers, after the event: the recording link (https only), the slides as files
// (a multipart form, checked and stored like the tools library's uploads), resources
// from the tools library and the satisfaction survey's results. Plain forms; a refusal
// names the field.
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { requireRole, requireViewer } from "~/modules/accounts/guards.server";
import { getEvent } from "~/modules/events/events.server";
import { addResource, getFollowup, removeResource, resourceChoices, saveRecording, surveyResults } from "~/modules/events/followup.server";
import { recordingFormSchema, removeSlideSchema, resourceFormSchema, slideFormSchema } from "~/modules/events/schemas";
import { addSlide, removeSlide } from "~/modules/events/slides.server";
import { ACCEPT_ATTRIBUTE, MAX_FILE_BYTES } from "~/modules/tools/limits";
import { FILE_FIELD, parseUploadForm } from "~/modules/tools/tools.server";
import { useI18n } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => pageTitle(args, "events.followup.title");

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request, context);
  requireRole(viewer, "organiser");
  const event = await getEvent(context.db, viewer.claims, params.id ?? "");
  if (!event) throw new Response("not_found", { status: 404 });
  const [followup, tools, results] = await Promise.all([
    getFollowup(context.db, viewer.claims, event.id),
    resourceChoices(context.db, viewer.claims),
    surveyResults(context.db, viewer, event.id),
  ]);
  return json({ event: { id: event.id, title: event.title }, followup, tools, results });
}

type Errors = Record<string, string[] | undefined>;

export async function action({ request, context, params }: ActionFunctionArgs) {
  const viewer = await requireViewer(request, context);
  requireRole(viewer, "organiser");
  const id = params.id ?? "";
  const deps = { db: context.db, storage: context.storage, logger: context.logger };
  // The slides' form is multipart (a file); the others are plain forms.
  const parsedForm = await parseUploadForm(request);
  if (!parsedForm.ok) {
    const fileError = parsedForm.reason === "bad_request" ? null : [`tools.errors.${parsedForm.reason}`];
    return json(
      {
        intent: "slide",
        errors: (fileError ? { [FILE_FIELD]: fileError } : {}) as Errors,
        formError: fileError ? null : "errors.invalid",
        typed: "",
      },
      { status: 400 },
    );
  }
  const form = Object.fromEntries(parsedForm.formData);
  if (form.intent === "addSlide" || form.intent === "removeSlide") {
    const parsed = form.intent === "addSlide" ? slideFormSchema.safeParse(form) : removeSlideSchema.safeParse(form);
    if (!parsed.success)
      return json({ intent: "slide", errors: parsed.error.flatten().fieldErrors as Errors, formError: null, typed: "" }, { status: 400 });
    const outcome =
      parsed.data.intent === "addSlide"
        ? await addSlide(deps, viewer, id, { title: parsed.data.title, file: parsedForm.file })
        : await removeSlide(deps, viewer, id, parsed.data.slideId);
    if (!outcome.ok)
      return json(
        { intent: "slide", errors: (outcome.fieldErrors ?? {}) as Errors, formError: outcome.formError ?? null, typed: "" },
        { status: outcome.status },
      );
    return redirect(`/events/${id}/followup?done=slides`);
  }
  if (form.intent === "recording") {
    const parsed = recordingFormSchema.safeParse(form);
    if (!parsed.success)
      return json(
        {
          intent: "recording",
          errors: parsed.error.flatten().fieldErrors as Errors,
          formError: null,
          typed: String(form.recordingUrl ?? ""),
        },
        { status: 400 },
      );
    const outcome = await saveRecording(context.db, viewer, id, parsed.data.recordingUrl);
    if (!outcome.ok)
      return json(
        { intent: "recording", errors: (outcome.fieldErrors ?? {}) as Errors, formError: outcome.formError ?? null, typed: "" },
        { status: outcome.status },
      );
    return redirect(`/events/${id}/followup?done=recording`);
  }
  const parsed = resourceFormSchema.safeParse(form);
  if (!parsed.success)
    return json({ intent: "resource", errors: parsed.error.flatten().fieldErrors as Errors, formError: null, typed: "" }, { status: 400 });
  const outcome =
    parsed.data.intent === "addResource"
      ? await addResource(context.db, viewer, id, parsed.data.toolId)
      : await removeResource(context.db, viewer, id, parsed.data.toolId);
  if (!outcome.ok)
    return json(
      { intent: "resource", errors: (outcome.fieldErrors ?? {}) as Errors, formError: outcome.formError ?? null, typed: "" },
      { status: outcome.status },
    );
  return redirect(`/events/${id}/followup?done=resource`);
}

export default function Followup() {
  const { t, tx } = useI18n();
  const { event, followup, tools, results } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const done = params.get("done");
  const re = result?.intent === "recording" ? result.errors : {};
  const te = result?.intent === "resource" ? result.errors : {};
  const se = result?.intent === "slide" ? result.errors : {};
  const linked = new Set(followup.resources.map((r) => r.id));
  return (
    <div className="container container--narrow stack stack--l">
      <p>
        <Link to={`/events/${event.id}`}>← {event.title}</Link>
      </p>
      <header className="page-header stack stack--s">
        <h1>{t("events.followup.title")}</h1>
        <p className="lead">{event.title}</p>
      </header>
      {done === "recording" || done === "resource" || done === "slides" ? (
        <p className="alert alert--success" role="status">
          {t("events.followup.saved")}
        </p>
      ) : null}
      {result?.formError ? (
        <p className="alert alert--error" role="alert">
          {tx(result.formError)}
        </p>
      ) : null}

      <section className="stack stack--s" aria-labelledby="recording-title">
        <h2 id="recording-title">{t("events.followup.recording")}</h2>
        <Form method="post" className="form stack" noValidate>
          <input type="hidden" name="intent" value="recording" />
          <div className={re.recordingUrl ? "field field--invalid" : "field"}>
            <label className="field__label" htmlFor="fu-recording">
              {t("events.followup.recordingUrl")}
            </label>
            <p className="field__hint" id="fu-recording-hint">
              {t("events.followup.recordingHint")}
            </p>
            <input
              id="fu-recording"
              name="recordingUrl"
              type="url"
              inputMode="url"
              className="input"
              defaultValue={result?.intent === "recording" ? result.typed : (followup.recordingUrl ?? "")}
              aria-invalid={re.recordingUrl ? true : undefined}
              aria-describedby={re.recordingUrl ? "fu-recording-hint fu-recording-error" : "fu-recording-hint"}
            />
            {re.recordingUrl ? (
              <p className="field__error" id="fu-recording-error">
                {re.recordingUrl.map((m) => tx(m)).join(" ")}
              </p>
            ) : null}
          </div>
          <div className="form-actions">
            <button type="submit" className="btn btn--primary">
              {t("events.manage.save")}
            </button>
          </div>
        </Form>
      </section>

      <section className="stack stack--s" aria-labelledby="slides-title">
        <h2 id="slides-title">{t("events.slides.title")}</h2>
        <p>{t("events.slides.lead")}</p>
        {followup.slides.length > 0 ? (
          <ul className="stack stack--s" data-testid="slides">
            {followup.slides.map((s) => (
              <li key={s.id} className="cluster">
                <a href={`/files/${s.fileId}`} download>
                  {s.title}
                </a>
                <span className="meta">{t("events.slides.size", { size: Math.max(1, Math.round(s.byteSize / 1024)) })}</span>
                <Form method="post">
                  <input type="hidden" name="intent" value="removeSlide" />
                  <input type="hidden" name="slideId" value={s.id} />
                  <button type="submit" className="btn btn--small btn--secondary">
                    {t("events.slides.remove", { title: s.title })}
                  </button>
                </Form>
              </li>
            ))}
          </ul>
        ) : (
          <p>{t("events.slides.none")}</p>
        )}
        {followup.slides.length > 0 && !followup.slidesPublished ? (
          <p className="alert alert--info">{t("events.slides.beforeEnd")}</p>
        ) : null}
        <Form method="post" encType="multipart/form-data" className="form stack" noValidate>
          <input type="hidden" name="intent" value="addSlide" />
          <div className={se.title ? "field field--invalid" : "field"}>
            <label className="field__label" htmlFor="fu-slide-title">
              {t("events.slides.titleLabel")}
            </label>
            <p className="field__hint" id="fu-slide-title-hint">
              {t("events.slides.titleHint")}
            </p>
            <input
              id="fu-slide-title"
              name="title"
              className="input"
              maxLength={200}
              aria-invalid={se.title ? true : undefined}
              aria-describedby={se.title ? "fu-slide-title-hint fu-slide-title-error" : "fu-slide-title-hint"}
            />
            {se.title ? (
              <p className="field__error" id="fu-slide-title-error">
                {se.title.map((m) => tx(m)).join(" ")}
              </p>
            ) : null}
          </div>
          <div className={se.file ? "field field--invalid" : "field"}>
            <label className="field__label" htmlFor="fu-slide-file">
              {t("events.slides.file")}
            </label>
            <p className="field__hint" id="fu-slide-file-hint">
              {t("events.slides.fileHint", { size: MAX_FILE_BYTES >> 20 })}
            </p>
            <input
              id="fu-slide-file"
              name="file"
              type="file"
              className="input"
              accept={ACCEPT_ATTRIBUTE}
              aria-invalid={se.file ? true : undefined}
              aria-describedby={se.file ? "fu-slide-file-hint fu-slide-file-error" : "fu-slide-file-hint"}
            />
            {se.file ? (
              <p className="field__error" id="fu-slide-file-error">
                {se.file.map((m) => tx(m)).join(" ")}
              </p>
            ) : null}
          </div>
          <div className="form-actions">
            <button type="submit" className="btn btn--secondary">
              {t("events.slides.upload")}
            </button>
          </div>
        </Form>
      </section>

      <section className="stack stack--s" aria-labelledby="resources-title">
        <h2 id="resources-title">{t("events.followup.resources")}</h2>
        <p>
          {t("events.followup.resourcesLead")} <Link to="/tools/new">{t("events.followup.newTool")}</Link>
        </p>
        {followup.resources.length > 0 ? (
          <ul className="stack stack--s">
            {followup.resources.map((r) => (
              <li key={r.id} className="cluster">
                <Link to={`/tools/${r.id}`}>{r.title}</Link>
                <Form method="post">
                  <input type="hidden" name="intent" value="removeResource" />
                  <input type="hidden" name="toolId" value={r.id} />
                  <button type="submit" className="btn btn--small btn--secondary">
                    {t("events.followup.remove", { title: r.title })}
                  </button>
                </Form>
              </li>
            ))}
          </ul>
        ) : (
          <p>{t("events.followup.noResources")}</p>
        )}
        <Form method="post" className="form stack" noValidate>
          <input type="hidden" name="intent" value="addResource" />
          <div className={te.toolId ? "field field--invalid" : "field"}>
            <label className="field__label" htmlFor="fu-tool">
              {t("events.followup.tool")}
            </label>
            <select
              id="fu-tool"
              name="toolId"
              className="select"
              defaultValue=""
              aria-invalid={te.toolId ? true : undefined}
              aria-describedby={te.toolId ? "fu-tool-error" : undefined}
            >
              <option value="">{t("events.followup.chooseTool")}</option>
              {tools
                .filter((tool) => !linked.has(tool.id))
                .map((tool) => (
                  <option key={tool.id} value={tool.id}>
                    {tool.title}
                  </option>
                ))}
            </select>
            {te.toolId ? (
              <p className="field__error" id="fu-tool-error">
                {te.toolId.map((m) => tx(m)).join(" ")}
              </p>
            ) : null}
          </div>
          <div className="form-actions">
            <button type="submit" className="btn btn--secondary">
              {t("events.followup.add")}
            </button>
          </div>
        </Form>
      </section>

      <section className="stack stack--s" aria-labelledby="results-title">
        <h2 id="results-title">{t("events.followup.results")}</h2>
        {!results || results.answers === 0 ? (
          <p>{t("events.followup.noAnswers")}</p>
        ) : (
          <>
            <p>{tx("events.followup.summary", { count: results.answers, average: results.average ?? 0 })}</p>
            <table className="table">
              <caption className="visually-hidden">{t("events.followup.distribution")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("events.followup.rating")}</th>
                  <th scope="col">{t("events.followup.answers")}</th>
                </tr>
              </thead>
              <tbody>
                {results.counts.map((n, i) => (
                  <tr key={i}>
                    <th scope="row">{tx(`events.survey.scale.${i + 1}`)}</th>
                    <td>{n}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {results.comments.length > 0 ? (
              <>
                <h3>{t("events.followup.comments")}</h3>
                <ul className="stack stack--s">
                  {results.comments.map((c, i) => (
                    <li key={i}>
                      <blockquote>{c}</blockquote>
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
          </>
        )}
      </section>
    </div>
  );
}
