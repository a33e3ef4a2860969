// The satisfaction survey of an event that has ended: a registrant rates it from 1 to 5
// and may add a comment, once. A plain form (radio buttons in a fieldset); a refusal
// comes back with its message and what was typed.
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { requireViewer } from "~/modules/accounts/guards.server";
import { getEvent } from "~/modules/events/events.server";
import { answerSurvey, getFollowup } from "~/modules/events/followup.server";
import { surveyFormSchema } from "~/modules/events/schemas";
import { useI18n } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => pageTitle(args, "events.survey.title");

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request, context);
  const event = await getEvent(context.db, viewer.claims, params.id ?? "");
  if (!event) throw new Response("not_found", { status: 404 });
  const followup = await getFollowup(context.db, viewer.claims, event.id);
  const ended = new Date(event.startsAt).getTime() + event.durationMinutes * 60_000 <= Date.now();
  const state = followup.myAnswer
    ? "answered"
    : event.mine?.status !== "registered"
      ? "notRegistered"
      : event.status !== "scheduled" || !ended
        ? "notEnded"
        : "open";
  return json({ event: { id: event.id, title: event.title }, state, myAnswer: followup.myAnswer });
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const viewer = await requireViewer(request, context);
  const form = Object.fromEntries(await request.formData());
  const values = { rating: String(form.rating ?? ""), comment: String(form.comment ?? "") };
  const parsed = surveyFormSchema.safeParse(form);
  if (!parsed.success)
    return json(
      { errors: parsed.error.flatten().fieldErrors as Record<string, string[] | undefined>, formError: null, values },
      { status: 400 },
    );
  const id = params.id ?? "";
  const outcome = await answerSurvey(context.db, viewer, id, parsed.data);
  if (!outcome.ok)
    return json(
      { errors: {} as Record<string, string[] | undefined>, formError: outcome.formError ?? "errors.invalid", values },
      { status: outcome.status },
    );
  return redirect(`/events/${id}?done=survey`);
}

export default function Survey() {
  const { t, tx } = useI18n();
  const { event, state, myAnswer } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors = result?.errors ?? {};
  return (
    <div className="container container--narrow stack stack--l">
      <p>
        <Link to={`/events/${event.id}`}>← {event.title}</Link>
      </p>
      <header className="page-header stack stack--s">
        <h1>{t("events.survey.title")}</h1>
        <p className="lead">{event.title}</p>
      </header>
      {result?.formError ? (
        <p className="alert alert--error" role="alert">
          {tx(result.formError)}
        </p>
      ) : null}
      {state === "answered" && myAnswer ? (
        <p className="alert alert--info">{t("events.survey.thanks", { rating: myAnswer.rating })}</p>
      ) : state !== "open" ? (
        <p className="alert alert--info">{tx(`events.survey.errors.${state}`)}</p>
      ) : (
        <Form method="post" className="form stack" noValidate>
          <fieldset
            className={errors.rating ? "field field--invalid stack stack--s" : "field stack stack--s"}
            aria-describedby={errors.rating ? "survey-rating-error" : "survey-rating-hint"}
          >
            <legend className="field__label">{t("events.survey.rating")}</legend>
            <p className="field__hint" id="survey-rating-hint">
              {t("events.survey.ratingHint")}
            </p>
            <div className="cluster">
              {[1, 2, 3, 4, 5].map((n) => (
                <label key={n} className="checkbox">
                  <input type="radio" name="rating" value={n} defaultChecked={result?.values.rating === String(n)} />{" "}
                  {tx(`events.survey.scale.${n}`)}
                </label>
              ))}
            </div>
            {errors.rating ? (
              <p className="field__error" id="survey-rating-error">
                {errors.rating.map((m) => tx(m)).join(" ")}
              </p>
            ) : null}
          </fieldset>
          <div className={errors.comment ? "field field--invalid" : "field"}>
            <label className="field__label" htmlFor="survey-comment">
              {t("events.survey.comment")}
            </label>
            <textarea
              id="survey-comment"
              name="comment"
              className="input"
              rows={4}
              maxLength={2000}
              defaultValue={result?.values.comment ?? ""}
              aria-invalid={errors.comment ? true : undefined}
              aria-describedby={errors.comment ? "survey-comment-error" : undefined}
            />
            {errors.comment ? (
              <p className="field__error" id="survey-comment-error">
                {errors.comment.map((m) => tx(m)).join(" ")}
              </p>
            ) : null}
          </div>
          <div className="form-actions">
            <button type="submit" className="btn btn--primary">
              {t("events.survey.submit")}
            </button>
          </div>
        </Form>
      )}
    </div>
  );
}
