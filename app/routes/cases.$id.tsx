// One case: the template, the recommendations block, follow-ups and replies, and the
// actions the viewer has (submit with attestation, reply, recommend, follow up, open,
// close). Plain forms: everything works without JavaScript.
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { invariantResponse, requireVerified } from "~/modules/accounts/guards.server";
import {
  closeCase, followUpCase, getCase, openCase, recommendOnCase, replyToCase, submitCase, type Refused,
} from "~/modules/cases/cases.server";
import { GuardFindings } from "~/modules/cases/components";
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
      id: c.id, title: c.title, status: c.status, question: String(c.question), careSetting: String(c.care_setting),
      ageDecade: c.age_decade as number | null, gender: c.gender as string | null, substances: c.substances as string[],
      treatment: c.treatment as string | null, doseRange: c.dose_range as string | null, conditions: c.conditions as string[],
      housing: c.housing as string | null, socialSituation: String(c.social_situation), whatTried: String(c.what_tried),
      details: String(c.details_text),
    },
    presenter: view.presenter, mine: view.mine, canModerate: view.canModerate, canRecommend: view.canRecommend,
    posts: view.posts.map((p) => ({ id: p.id, kind: p.kind, text: p.bodyText, author: p.authorName, createdAt: p.createdAt.toISOString() })),
  });
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const viewer = await requireVerified(request, context);
  const id = params.id ?? "";
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const body = { body: String(form.get("body") ?? "") };
  let outcome: { ok: true } | Refused;
  switch (intent) {
    case "submit": outcome = await submitCase(context.db, viewer.claims, id, Object.fromEntries(form)); break;
    case "reply": outcome = await replyToCase(context.db, viewer.claims, id, body); break;
    case "recommend": outcome = await recommendOnCase(context.db, viewer.claims, id, body); break;
    case "followUp": outcome = await followUpCase(context.db, viewer.claims, id, body); break;
    case "open": outcome = await openCase(context.db, viewer.claims, id); break;
    case "close": outcome = await closeCase(context.db, viewer.claims, id); break;
    default: outcome = { ok: false, status: 400, formError: "cases.errors.invalid" };
  }
  if (!outcome.ok) return json({ intent, outcome, body: body.body }, { status: outcome.status });
  return redirect(`/cases/${id}`);
}

export default function CasePage() {
  const { t, tx, date } = useI18n();
  const { c, presenter, mine, canModerate, canRecommend, posts } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const discussing = ["open", "recommended", "follow_up"].includes(c.status);
  const errorFor = (intent: string) => data && data.intent === intent && !data.outcome.ok ? (
    <div className="alert alert--error" role="alert">
      <p>{tx(data.outcome.formError ?? "cases.errors.invalid")}</p>
      {data.outcome.findings?.length ? <GuardFindings findings={data.outcome.findings} /> : null}
      {Object.entries(data.outcome.fieldErrors ?? {}).filter(([k]) => !data.outcome.findings?.some((f) => f.field === k))
        .map(([k, msgs]) => msgs.map((m) => <p key={k + m}>{m.includes(".") && !m.includes(" ") ? tx(m) : m}</p>))}
    </div>
  ) : null;
  const postForm = (intent: string, label: string) => (
    <Form method="post" className="form stack stack--s">
      <input type="hidden" name="intent" value={intent} />
      {errorFor(intent)}
      <label htmlFor={`body-${intent}`}>{label}</label>
      <textarea id={`body-${intent}`} name="body" rows={4} defaultValue={data?.intent === intent ? data.body : ""} />
      <div className="form-actions"><button type="submit" className="btn btn--primary">{label}</button></div>
    </Form>
  );
  const section = (kind: string, title: string, highlight = false) => {
    const list = posts.filter((p) => p.kind === kind);
    if (list.length === 0) return null;
    return (
      <section className={`stack stack--s${highlight ? " card card--highlight" : ""}`} aria-labelledby={`h-${kind}`}>
        <h2 id={`h-${kind}`}>{title}</h2>
        {list.map((p) => (
          <article key={p.id} className="card">
            <p className="meta">{p.author ?? ""} · {date(p.createdAt, "datetime")}</p>
            <p style={{ whiteSpace: "pre-wrap" }}>{p.text}</p>
          </article>
        ))}
      </section>
    );
  };
  return (
    <div className="container container--narrow stack stack--l">
      <p><Link to="/cases">← {t("cases.back")}</Link></p>
      <header className="page-header">
        <h1>{c.title}</h1>
        <p className="meta">{tx(`cases.statuses.${c.status}`)} · {tx(`cases.careSettings.${c.careSetting}`)} · {t("cases.page.presentedBy")}{" "}
          {presenter.displayName ?? presenter.pseudonym ?? ""}{presenter.revealed && presenter.pseudonym ? ` (${t("cases.page.pseudonymOnly")} : ${presenter.pseudonym})` : ""}</p>
      </header>
      <section className="stack stack--s" aria-labelledby="h-question">
        <h2 id="h-question">{t("cases.page.question")}</h2>
        <p>{c.question}</p>
      </section>
      <section className="stack stack--s" aria-labelledby="h-profile">
        <h2 id="h-profile">{t("cases.page.profile")}</h2>
        <ul>
          {c.ageDecade ? <li>{t("cases.form.ageDecade")} : {c.ageDecade}–{c.ageDecade + 9}</li> : null}
          {c.gender ? <li>{tx(`cases.genders.${c.gender}`)}</li> : null}
          {c.substances.length ? <li>{t("cases.form.substances")} : {c.substances.map((s) => tx(`cases.substancesList.${s}`)).join(", ")}</li> : null}
          {c.treatment ? <li>{t("cases.form.treatment")} : {tx(`cases.treatments.${c.treatment}`)}{c.doseRange ? ` (${tx(`cases.doseRanges.${c.doseRange}`)})` : ""}</li> : null}
          {c.conditions.length ? <li>{t("cases.form.conditions")} : {c.conditions.map((s) => tx(`cases.conditionsList.${s}`)).join(", ")}</li> : null}
          {c.housing ? <li>{t("cases.form.housing")} : {tx(`cases.housingList.${c.housing}`)}</li> : null}
        </ul>
        {c.socialSituation ? <p>{c.socialSituation}</p> : null}
        {c.details ? <p style={{ whiteSpace: "pre-wrap" }}>{c.details}</p> : null}
      </section>
      {c.whatTried ? <section className="stack stack--s" aria-labelledby="h-tried"><h2 id="h-tried">{t("cases.page.tried")}</h2><p>{c.whatTried}</p></section> : null}
      {section("recommendation", t("cases.page.recommendations"), true)}
      {section("follow_up", t("cases.page.followUps"))}
      {section("reply", t("cases.page.replies"))}

      {mine && c.status === "draft" ? (
        <Form method="post" className="form stack stack--s card">
          <h2>{t("cases.page.submitTitle")}</h2>
          {errorFor("submit")}
          <input type="hidden" name="intent" value="submit" />
          <label className="checkbox"><input type="checkbox" name="attestNotIdentifiable" /> {t("cases.page.attest")}</label>
          {CONSENT_SETTINGS.has(c.careSetting) ? <label className="checkbox"><input type="checkbox" name="attestConsent" /> {t("cases.page.attestConsent")}</label> : null}
          <div className="form-actions"><button type="submit" className="btn btn--primary">{t("cases.page.submit")}</button></div>
        </Form>
      ) : null}
      {canModerate && (c.status === "submitted" || c.status === "in_review") ? (
        <Form method="post"><input type="hidden" name="intent" value="open" />{errorFor("open")}
          <button type="submit" className="btn btn--primary">{t("cases.page.open")}</button></Form>
      ) : null}
      {discussing ? postForm("reply", t("cases.page.reply")) : null}
      {discussing && canRecommend ? postForm("recommend", t("cases.page.recommend")) : null}
      {discussing && mine ? postForm("followUp", t("cases.page.followUp")) : null}
      {(mine || canModerate) && c.status !== "draft" && c.status !== "closed" ? (
        <Form method="post"><input type="hidden" name="intent" value="close" />{errorFor("close")}
          <button type="submit" className="btn btn--secondary">{t("cases.page.close")}</button></Form>
      ) : null}
    </div>
  );
}
