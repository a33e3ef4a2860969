import { parseWithZod } from "@conform-to/zod";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { hasRole } from "~/modules/accounts/accounts.server";
import { requireViewer } from "~/modules/accounts/guards.server";
import { Breadcrumbs } from "~/modules/forums/components/breadcrumbs";
import { FORUM_LIMITS } from "~/modules/forums/limits";
import { canManageForums } from "~/modules/forums/manage.server";
import { getReviewQueue, liftSanction, moderatePost, resolveFlag, sanctionMember } from "~/modules/forums/moderation.server";
import { liftSanctionSchema, moderatePostSchema, resolveFlagSchema, sanctionSchema } from "~/modules/forums/schemas";
import { useI18n } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => pageTitle(args, "forums.moderation.title");

async function requireModerator(request: Request, context: LoaderFunctionArgs["context"]) {
  const viewer = await requireViewer(request, context);
  if (!(await canManageForums(context.db, viewer))) throw new Response("forbidden", { status: 403 });
  return viewer;
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = await requireModerator(request, context);
  return json({ queue: await getReviewQueue(context.db, viewer), canSanction: hasRole(viewer, "moderator") });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const viewer = await requireModerator(request, context);
  const formData = await request.formData();
  const intent = String(formData.get("intent") ?? "");
  const fail = (errors: Record<string, string[] | null> | string, status = 400) =>
    json({ intent, errors: typeof errors === "string" ? { "": [errors] } : errors }, { status });
  let outcome;
  if (intent === "flag") {
    const s = resolveFlagSchema.safeParse(Object.fromEntries(formData));
    if (!s.success) return fail("forums.errors.invalid");
    outcome = await resolveFlag(context.db, viewer, s.data);
  } else if (intent === "post") {
    const s = moderatePostSchema.safeParse(Object.fromEntries(formData));
    if (!s.success) return fail("forums.errors.invalid");
    outcome = await moderatePost(context, viewer, s.data);
  } else if (intent === "sanction") {
    const submission = parseWithZod(formData, { schema: sanctionSchema });
    if (submission.status !== "success") return fail(submission.reply().error ?? "forums.errors.invalid");
    outcome = await sanctionMember(context.db, viewer, submission.value);
  } else if (intent === "lift") {
    const s = liftSanctionSchema.safeParse(Object.fromEntries(formData));
    if (!s.success) return fail("forums.errors.invalid");
    outcome = await liftSanction(context.db, viewer, s.data.sanctionId);
  } else {
    return fail("forums.errors.invalid");
  }
  if (!outcome.ok) return fail(outcome.formError ?? "forums.errors.forbidden", outcome.status);
  return redirect("/forums/moderation?done=1");
}

function SanctionForm({ userId, name, id }: { userId: string; name: string; id: string }) {
  const { t, tx } = useI18n();
  return (
    <details>
      <summary>
        {t("forums.moderation.sanctionsTitle")} — {name}
      </summary>
      <Form method="post" className="form">
        <input type="hidden" name="intent" value="sanction" />
        <input type="hidden" name="userId" value={userId} />
        <fieldset className="field radio-list">
          <legend className="field__label">{t("forums.moderation.sanctionKind")}</legend>
          {(["warning", "silence"] as const).map((k) => (
            <label key={k} className="radio">
              <input type="radio" name="kind" value={k} defaultChecked={k === "warning"} />{" "}
              <span>{tx(`forums.moderation.kinds.${k}`)}</span>
            </label>
          ))}
        </fieldset>
        <div className="field">
          <label className="field__label" htmlFor={`${id}-days`}>
            {t("forums.moderation.days")}
          </label>
          <input
            className="input"
            id={`${id}-days`}
            name="days"
            type="number"
            min={1}
            max={FORUM_LIMITS.silenceDaysMax}
            inputMode="numeric"
          />
        </div>
        <div className="field">
          <label className="field__label" htmlFor={`${id}-reason`}>
            {t("forums.moderation.reason")}
          </label>
          <textarea
            className="input"
            id={`${id}-reason`}
            name="reason"
            rows={3}
            required
            minLength={FORUM_LIMITS.reasonMin}
            maxLength={FORUM_LIMITS.reasonMax}
          />
        </div>
        <div className="form-actions">
          <button type="submit" className="btn btn--danger btn--small">
            {t("forums.moderation.sanctionSubmit")}
          </button>
        </div>
      </Form>
    </details>
  );
}

export default function Moderation() {
  const {
    t,
    tx,
    date,
    colon,
    quotes: [open, close],
  } = useI18n();
  const { queue, canSanction } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const [params] = useSearchParams();
  const errors = data?.errors
    ? Object.values(data.errors)
        .flat()
        .filter((e): e is string => Boolean(e))
    : [];
  const button = (intent: string, fields: Record<string, string | number>, label: string, className = "btn btn--small btn--secondary") => (
    <Form method="post">
      <input type="hidden" name="intent" value={intent} />
      {Object.entries(fields).map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={v} />
      ))}
      <button type="submit" className={className}>
        {label}
      </button>
    </Form>
  );
  return (
    <div className="container stack stack--l">
      <Breadcrumbs items={[{ label: t("forums.title"), to: "/forums" }, { label: t("forums.moderation.title") }]} />
      <header className="page-header">
        <h1>{t("forums.moderation.title")}</h1>
        <p className="lead">{t("forums.moderation.lead")}</p>
      </header>
      {params.get("done") ? (
        <p className="alert alert--success" role="status">
          {t("forums.moderation.done")}
        </p>
      ) : null}
      {errors.length ? (
        <div className="alert alert--error" role="alert">
          {errors.map((e) => (
            <p key={e}>{tx(e)}</p>
          ))}
        </div>
      ) : null}

      <section className="stack" aria-labelledby="flags-title">
        <h2 id="flags-title" className="section-title">
          {t("forums.moderation.flagsTitle")}
        </h2>
        {queue.flags.length === 0 ? (
          <p className="meta">{t("forums.moderation.empty")}</p>
        ) : (
          <ul className="result-list">
            {queue.flags.map((f) => (
              <li key={f.id} className="queue-item">
                <p>
                  <strong>
                    {t("forums.moderation.flaggedBy", {
                      name: f.reporter ?? t("forums.post.formerMember"),
                      reason: tx(`forums.flag.reasons.${f.reason}`),
                    })}
                  </strong>{" "}
                  <span className="meta">{date(f.createdAt, "datetime")}</span>
                </p>
                {f.note ? <p>{t("forums.moderation.note", { note: f.note })}</p> : null}
                <p className="meta">
                  {t("forums.moderation.inTopic", { title: f.post.title })} ·{" "}
                  {t("forums.moderation.author", { name: f.post.author ?? t("forums.post.formerMember") })}
                </p>
                <blockquote>{f.post.excerpt}</blockquote>
                <div className="cluster">
                  <Link className="btn btn--small" to={`/forums/p/${f.post.id}`}>
                    {t("forums.moderation.open")}
                  </Link>
                  {f.post.status !== "hidden"
                    ? button("post", { postId: f.post.id, act: "hide" }, t("forums.moderation.hidePost"), "btn btn--small btn--danger")
                    : null}
                  {button("flag", { flagId: f.id, resolution: "dismissed" }, t("forums.moderation.dismiss"))}
                </div>
                {canSanction && f.post.authorId ? (
                  <SanctionForm userId={f.post.authorId} name={f.post.author ?? ""} id={`flag-${f.id}`} />
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="stack" aria-labelledby="pending-title">
        <h2 id="pending-title" className="section-title">
          {t("forums.moderation.pendingTitle")}
        </h2>
        {queue.pending.length === 0 ? (
          <p className="meta">{t("forums.moderation.empty")}</p>
        ) : (
          <ul className="result-list">
            {queue.pending.map((p) => (
              <li key={p.postId} className="queue-item">
                <p>
                  <strong>{t("forums.moderation.inTopic", { title: p.title })}</strong>{" "}
                  <span className="meta">{date(p.createdAt, "datetime")}</span>
                </p>
                <p className="meta">{t("forums.moderation.author", { name: p.author ?? t("forums.post.formerMember") })}</p>
                <blockquote>{p.excerpt}</blockquote>
                <div className="cluster">
                  {button("post", { postId: p.postId, act: "approve" }, t("forums.moderation.approve"), "btn btn--small btn--primary")}
                  {button("post", { postId: p.postId, act: "hide" }, t("forums.moderation.reject"), "btn btn--small")}
                  <Link className="btn btn--small" to={`/forums/p/${p.postId}`}>
                    {t("forums.moderation.open")}
                  </Link>
                </div>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="stack" aria-labelledby="overrides-title">
        <h2 id="overrides-title" className="section-title">
          {t("forums.moderation.overridesTitle")}
        </h2>
        <p className="meta">{t("forums.moderation.overridesLead")}</p>
        {queue.overrides.length === 0 ? (
          <p className="meta">{t("forums.moderation.empty")}</p>
        ) : (
          <ul className="result-list" data-testid="identifier-overrides">
            {queue.overrides.map((o) => (
              <li key={o.id} className="queue-item stack stack--2xs">
                <p>
                  <strong>
                    {tx(`forums.guardFields.${o.field}`)} — {tx(`identifierGuard.kinds.${o.kind}`)}
                    {colon}
                    {open}
                    {o.match}
                    {close}
                  </strong>{" "}
                  <span className="meta">{date(o.createdAt, "datetime")}</span>
                </p>
                <p>{t("forums.moderation.overrideReason", { reason: o.reason })}</p>
                <p className="meta">
                  {t("forums.moderation.inTopic", { title: o.title })} ·{" "}
                  {t("forums.moderation.author", { name: o.author ?? t("forums.post.formerMember") })}
                </p>
                <p>
                  <Link className="btn btn--small" to={`/forums/p/${o.postId}`}>
                    {t("forums.moderation.open")}
                  </Link>
                </p>
              </li>
            ))}
          </ul>
        )}
      </section>

      {canSanction ? (
        <section className="stack" aria-labelledby="sanctions-title">
          <h2 id="sanctions-title" className="section-title">
            {t("forums.moderation.activeTitle")}
          </h2>
          {queue.sanctions.length === 0 ? (
            <p className="meta">{t("forums.moderation.empty")}</p>
          ) : (
            <ul className="result-list">
              {queue.sanctions.map((s) => (
                <li key={s.id}>
                  <p>
                    <strong>{s.name ?? t("forums.post.formerMember")}</strong> — {tx(`forums.moderation.kinds.${s.kind}`)}{" "}
                    {s.endsAt ? t("forums.moderation.until", { date: date(s.endsAt, "datetime") }) : null}
                  </p>
                  <p className="meta">{s.reason}</p>
                  {button("lift", { sanctionId: s.id }, t("forums.moderation.lift"))}
                </li>
              ))}
            </ul>
          )}
        </section>
      ) : null}
    </div>
  );
}
