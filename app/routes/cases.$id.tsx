// One case: the template, the recommendations block, follow-ups and replies, what it
// cites, and the actions the viewer has (submit with attestation, reply, recommend,
// follow up, open or send back after review, close). Plain forms: everything works
// without JavaScript; with it, replies use the forums' rich-text editor and show
// possible identifiers as the person types.
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { RichTextField, RichTextView } from "~/components/rich-text/field";
import { useSucceededCount } from "~/components/use-succeeded-count";
import { invariantResponse, requireVerified } from "~/modules/accounts/guards.server";
import {
  closeCase,
  followUpCase,
  getCase,
  openCase,
  recommendOnCase,
  replyToCase,
  sendBackCase,
  submitCase,
  type Refused,
} from "~/modules/cases/cases.server";
import { FindingsPreview, GuardFindings, loadIdentifierHighlighter } from "~/modules/identifier-guard/components";
import { afterCasePost } from "~/modules/cases/notify.server";
import { useCaseLive } from "~/modules/cases/use-case-live";
import { overridesFromForm } from "~/modules/identifier-guard/schemas";
import { CONSENT_SETTINGS } from "~/modules/cases/template";
import { useI18n } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => pageTitle(args, "cases.title");

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const viewer = await requireVerified(request, context);
  const view = await getCase(context.db, viewer.claims, params.id ?? "");
  invariantResponse(view, "not_found");
  const c = view.case;
  return json({
    c: {
      id: c.id,
      title: c.title,
      status: c.status,
      question: String(c.question),
      careSetting: String(c.care_setting),
      ageDecade: c.age_decade as number | null,
      gender: c.gender as string | null,
      substances: c.substances as string[],
      treatment: c.treatment as string | null,
      doseRange: c.dose_range as string | null,
      conditions: c.conditions as string[],
      housing: c.housing as string | null,
      socialSituation: String(c.social_situation),
      whatTried: String(c.what_tried),
      detailsHtml: view.detailsHtml,
      reviewNote: c.review_note as string | null,
    },
    presenter: view.presenter,
    mine: view.mine,
    canModerate: view.canModerate,
    canRecommend: view.canRecommend,
    posts: view.posts.map((p) => ({ id: p.id, kind: p.kind, html: p.html, author: p.authorName, createdAt: p.createdAt.toISOString() })),
    citations: view.citations,
    overrides: view.overrides.map((o) => ({ ...o, createdAt: o.createdAt.toISOString() })),
  });
}

const POST_INTENTS = { reply: replyToCase, recommend: recommendOnCase, followUp: followUpCase } as const;
const POST_KIND = { reply: "reply", recommend: "recommendation", followUp: "follow_up" } as const;

export async function action({ request, context, params }: ActionFunctionArgs) {
  const viewer = await requireVerified(request, context);
  const id = params.id ?? "";
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const body = { body: String(form.get("body") ?? ""), bodyJson: String(form.get("bodyJson") ?? "") };
  let outcome: { ok: true } | Refused;
  if (intent === "reply" || intent === "recommend" || intent === "followUp") {
    const posted = await POST_INTENTS[intent](context.db, viewer.claims, id, body, overridesFromForm(form));
    if (posted.ok) {
      await afterCasePost(context, { caseId: id, postId: posted.id, kind: POST_KIND[intent], actorId: viewer.id });
      // The page says it is published (and shows the post); the form comes back empty.
      return redirect(`/cases/${id}?posted=${intent}#post-${posted.id}`);
    }
    outcome = posted;
  } else {
    switch (intent) {
      case "submit":
        outcome = await submitCase(context.db, viewer.claims, id, Object.fromEntries(form));
        break;
      case "open":
        outcome = await openCase(context.db, viewer.claims, id);
        break;
      case "sendBack":
        outcome = await sendBackCase(context.db, viewer.claims, id, { note: form.get("note") ?? "" });
        break;
      case "close":
        outcome = await closeCase(context.db, viewer.claims, id);
        break;
      default:
        outcome = { ok: false, status: 400, formError: "cases.errors.invalid" };
    }
  }
  if (!outcome.ok) return json({ intent, outcome, body: body.body, note: String(form.get("note") ?? "") }, { status: outcome.status });
  return redirect(intent === "sendBack" ? "/cases/review" : `/cases/${id}`);
}

export default function CasePage() {
  const { t, tx, date, colon } = useI18n();
  const { c, presenter, mine, canModerate, canRecommend, posts, citations, overrides } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const [params] = useSearchParams();
  const posted = params.get("posted");
  const postedMessage = posted === "reply" || posted === "recommend" || posted === "followUp" ? t(`cases.page.posted.${posted}`) : null;
  // Each form starts afresh after its own successful post (with JavaScript the page is not
  // reloaded, so its editor would otherwise keep the text and invite a second post).
  const sent = { reply: useSucceededCount("reply"), recommend: useSucceededCount("recommend"), followUp: useSucceededCount("followUp") };
  const arrived = useCaseLive({
    caseId: c.id,
    enabled: c.status !== "draft" && c.status !== "closed",
    knownPostIds: posts.map((p) => p.id),
  });
  const discussing = ["open", "recommended", "follow_up"].includes(c.status);
  const message = (m: string) => (m.startsWith("cases.") || m.startsWith("forums.") || m.startsWith("identifierGuard.") ? tx(m) : m);
  const errorFor = (intent: string) =>
    data && data.intent === intent && !data.outcome.ok ? (
      <div className="alert alert--error" role="alert">
        <p>{tx(data.outcome.formError ?? "cases.errors.invalid")}</p>
        {data.outcome.findings?.length ? (
          <GuardFindings
            findings={data.outcome.findings}
            fieldLabel={(f) => tx(`cases.form.${f}`)}
            overridable={intent !== "sendBack" && intent !== "submit"}
          />
        ) : null}
        {Object.entries(data.outcome.fieldErrors ?? {})
          .filter(([k]) => !data.outcome.findings?.some((f) => f.field === k))
          .map(([k, msgs]) => msgs.map((m) => <p key={k + m}>{message(m)}</p>))}
      </div>
    ) : null;
  const postForm = (intent: keyof typeof sent, label: string) => {
    const refused = data?.intent === intent && !data.outcome.ok;
    return (
      <Form method="post" className="form stack stack--s" key={`${intent}:${sent[intent]}`}>
        <input type="hidden" name="intent" value={intent} />
        {errorFor(intent)}
        <RichTextField
          id={`body-${intent}`}
          label={label}
          rows={4}
          defaultText={refused ? data.body : ""}
          referencesUrl="/forums/api/references"
          hint={t("cases.page.citeHint")}
          loadHighlighter={loadIdentifierHighlighter}
        />
        <FindingsPreview fieldId={`body-${intent}`} label={label} active={refused && Boolean(data.outcome.findings?.length)} />
        <div className="form-actions">
          <button type="submit" className="btn btn--primary">
            {label}
          </button>
        </div>
      </Form>
    );
  };
  const section = (kind: string, title: string, highlight = false) => {
    const list = posts.filter((p) => p.kind === kind);
    if (list.length === 0) return null;
    return (
      <section className={`stack stack--s${highlight ? " card card--highlight" : ""}`} aria-labelledby={`h-${kind}`}>
        <h2 id={`h-${kind}`}>{title}</h2>
        {list.map((p) => (
          <article key={p.id} className="card" id={`post-${p.id}`}>
            <p className="meta">
              {p.author ?? ""} · {date(p.createdAt, "datetime")}
            </p>
            <RichTextView html={p.html} />
          </article>
        ))}
      </section>
    );
  };
  return (
    <div className="container container--narrow stack stack--l">
      <p>
        <Link to="/cases">← {t("cases.back")}</Link>
      </p>
      <p className="visually-hidden" role="status" aria-live="polite">
        {arrived ? t("cases.page.livePosted") : ""}
      </p>
      <div role="status" aria-live="polite">
        {postedMessage ? <p className="alert alert--success">{postedMessage}</p> : null}
      </div>
      <header className="page-header">
        <h1>{c.title}</h1>
        <p className="meta">
          {tx(`cases.statuses.${c.status}`)} · {tx(`cases.careSettings.${c.careSetting}`)} · {t("cases.page.presentedBy")}{" "}
          {presenter.displayName ?? presenter.pseudonym ?? ""}
          {presenter.revealed && presenter.pseudonym ? ` (${t("cases.page.pseudonymOnly")}${colon}${presenter.pseudonym})` : ""}
        </p>
      </header>
      {c.reviewNote && (mine || canModerate) ? (
        <div className="alert alert--info" role="note">
          <p>
            <strong>{t("cases.page.reviewNote")}</strong>
            {colon}
            {c.reviewNote}
          </p>
        </div>
      ) : null}
      <section className="stack stack--s" aria-labelledby="h-question">
        <h2 id="h-question">{t("cases.page.question")}</h2>
        <p>{c.question}</p>
      </section>
      <section className="stack stack--s" aria-labelledby="h-profile">
        <h2 id="h-profile">{t("cases.page.profile")}</h2>
        <ul>
          {c.ageDecade ? (
            <li>
              {t("cases.form.ageDecade")}
              {colon}
              {c.ageDecade}–{c.ageDecade + 9}
            </li>
          ) : null}
          {c.gender ? <li>{tx(`cases.genders.${c.gender}`)}</li> : null}
          {c.substances.length ? (
            <li>
              {t("cases.form.substances")}
              {colon}
              {c.substances.map((s) => tx(`cases.substancesList.${s}`)).join(", ")}
            </li>
          ) : null}
          {c.treatment ? (
            <li>
              {t("cases.form.treatment")}
              {colon}
              {tx(`cases.treatments.${c.treatment}`)}
              {c.doseRange ? ` (${tx(`cases.doseRanges.${c.doseRange}`)})` : ""}
            </li>
          ) : null}
          {c.conditions.length ? (
            <li>
              {t("cases.form.conditions")}
              {colon}
              {c.conditions.map((s) => tx(`cases.conditionsList.${s}`)).join(", ")}
            </li>
          ) : null}
          {c.housing ? (
            <li>
              {t("cases.form.housing")}
              {colon}
              {tx(`cases.housingList.${c.housing}`)}
            </li>
          ) : null}
        </ul>
        {c.socialSituation ? <p>{c.socialSituation}</p> : null}
        {c.detailsHtml ? <RichTextView html={c.detailsHtml} /> : null}
      </section>
      {c.whatTried ? (
        <section className="stack stack--s" aria-labelledby="h-tried">
          <h2 id="h-tried">{t("cases.page.tried")}</h2>
          <p>{c.whatTried}</p>
        </section>
      ) : null}
      {citations.length ? (
        <section className="stack stack--s" aria-labelledby="h-cited">
          <h2 id="h-cited">{t("cases.page.cited")}</h2>
          <ul className="case-citations">
            {citations.map((ci) => (
              <li key={`${ci.kind}:${ci.id}`} data-kind={ci.kind}>
                {ci.kind === "tool" ? t("cases.page.citedTool") : t("cases.page.citedTopic")}
                {colon}
                <Link to={ci.href}>{ci.label}</Link>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {section("recommendation", t("cases.page.recommendations"), true)}
      {section("follow_up", t("cases.page.followUps"))}
      {section("reply", t("cases.page.replies"))}
      {overrides.length ? (
        <section className="stack stack--s" aria-labelledby="h-overrides">
          <h2 id="h-overrides">{t("cases.page.overridesTitle")}</h2>
          <ul className="case-overrides">
            {overrides.map((o) => (
              <li key={o.id}>
                {t("cases.page.overrideLine", {
                  field: tx(`cases.form.${o.field}`),
                  kind: tx(`identifierGuard.kinds.${o.kind}`),
                  match: o.match,
                  reason: o.reason,
                  who: o.authorName ?? "",
                  when: date(o.createdAt, "datetime"),
                })}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {mine && c.status === "draft" ? (
        <>
          <p>
            <Link className="btn btn--secondary" to={`/cases/${c.id}/edit`}>
              {t("cases.form.edit")}
            </Link>
          </p>
          <Form method="post" className="form stack stack--s card">
            <h2>{t("cases.page.submitTitle")}</h2>
            {errorFor("submit")}
            <input type="hidden" name="intent" value="submit" />
            <label className="checkbox">
              <input type="checkbox" name="attestNotIdentifiable" /> {t("cases.page.attest")}
            </label>
            {CONSENT_SETTINGS.has(c.careSetting) ? (
              <label className="checkbox">
                <input type="checkbox" name="attestConsent" /> {t("cases.page.attestConsent")}
              </label>
            ) : null}
            <div className="form-actions">
              <button type="submit" className="btn btn--primary">
                {t("cases.page.submit")}
              </button>
            </div>
          </Form>
        </>
      ) : null}
      {canModerate && (c.status === "submitted" || c.status === "in_review") ? (
        <section className="card stack stack--s" aria-labelledby="h-review">
          <h2 id="h-review">{t("cases.review.title")}</h2>
          <Form method="post">
            <input type="hidden" name="intent" value="open" />
            {errorFor("open")}
            <button type="submit" className="btn btn--primary">
              {t("cases.page.open")}
            </button>
          </Form>
          <Form method="post" className="form stack stack--s">
            <input type="hidden" name="intent" value="sendBack" />
            {errorFor("sendBack")}
            <div className="field">
              <label className="field__label" htmlFor="note">
                {t("cases.form.note")}
              </label>
              <textarea
                className="input"
                id="note"
                name="note"
                rows={3}
                maxLength={1000}
                defaultValue={data?.intent === "sendBack" ? data.note : ""}
              />
            </div>
            <FindingsPreview fieldId="note" label={t("cases.form.note")} />
            <div className="form-actions">
              <button type="submit" className="btn btn--secondary">
                {t("cases.page.sendBack")}
              </button>
            </div>
          </Form>
        </section>
      ) : null}
      {discussing ? postForm("reply", t("cases.page.reply")) : null}
      {discussing && canRecommend ? postForm("recommend", t("cases.page.recommend")) : null}
      {discussing && mine ? postForm("followUp", t("cases.page.followUp")) : null}
      {(mine || canModerate) && c.status !== "draft" && c.status !== "closed" ? (
        <Form method="post">
          <input type="hidden" name="intent" value="close" />
          {errorFor("close")}
          <button type="submit" className="btn btn--secondary">
            {t("cases.page.close")}
          </button>
        </Form>
      ) : null}
    </div>
  );
}
