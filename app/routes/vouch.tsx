import { parseWithZod } from "@conform-to/zod";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { hasRole, listVouchCandidates, vouchFor, type Viewer } from "~/modules/accounts/accounts.server";
import { useProfileOptions } from "~/modules/accounts/components/use-options";
import { requireVerified } from "~/modules/accounts/guards.server";
import { tellMemberVerified } from "~/modules/accounts/notify.server";
import { LIMITS, vouchSchema } from "~/modules/accounts/schemas";
import { useI18n } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => pageTitle(args, "vouch.title");

function requireSponsor(viewer: Viewer) {
  if (!hasRole(viewer, "mentor") && !hasRole(viewer, "moderator")) throw new Response("forbidden", { status: 403 });
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = await requireVerified(request, context);
  requireSponsor(viewer);
  return json({ candidates: await listVouchCandidates(context.db, viewer) });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const viewer = await requireVerified(request, context);
  requireSponsor(viewer);
  const submission = parseWithZod(await request.formData(), { schema: vouchSchema });
  if (submission.status !== "success") return json(submission.reply(), { status: 400 });
  const result = await vouchFor(context.db, viewer, submission.value);
  if (!result.ok) return json(submission.reply({ formErrors: [result.formError ?? "errors.invalid"] }), { status: 400 });
  await tellMemberVerified(context, submission.value.userId);
  return redirect("/vouch?done=1");
}

export default function Vouch() {
  const { t, tx, date } = useI18n();
  const { candidates } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const options = useProfileOptions();
  const failedFor = result?.initialValue?.userId;
  const errors = result?.error
    ? Object.values(result.error)
        .flat()
        .filter((e): e is string => typeof e === "string")
    : [];
  return (
    <div className="container container--narrow stack stack--l">
      <header className="page-header">
        <h1>{t("vouch.title")}</h1>
        <p className="lead">{t("vouch.lead")}</p>
      </header>
      {params.get("done") ? (
        <p className="alert alert--success" role="status">
          {t("vouch.done")}
        </p>
      ) : null}
      {candidates.length === 0 ? <p className="empty-state">{t("vouch.empty")}</p> : null}
      {candidates.map((c) => (
        <section key={c.id} className="card stack" aria-labelledby={`c-${c.id}`}>
          <h2 id={`c-${c.id}`} className="card__title">
            {c.display_name}
          </h2>
          <p className="card__meta">
            {options.disciplines.find((d) => d.value === c.discipline)?.label} ·{" "}
            {options.regions.find((r) => r.value === c.region_code)?.label}
            {c.establishment ? ` · ${c.establishment}` : ""} · {t("vouch.since", { date: date(c.created_at) })}
          </p>
          <Form method="post" className="form stack">
            <input type="hidden" name="userId" value={c.id} />
            {failedFor === c.id && errors.length ? (
              <p className="field__error" role="alert" id={`note-${c.id}-error`}>
                {errors.map((e) => tx(e)).join(" ")}
              </p>
            ) : null}
            <div className="field">
              <label className="field__label" htmlFor={`note-${c.id}`}>
                {t("vouch.note")}
              </label>
              <p className="field__hint" id={`note-${c.id}-hint`}>
                {t("vouch.noteHint")}
              </p>
              <textarea
                id={`note-${c.id}`}
                name="note"
                className="input"
                rows={3}
                maxLength={LIMITS.note}
                aria-describedby={`note-${c.id}-hint${failedFor === c.id && errors.length ? ` note-${c.id}-error` : ""}`}
              />
            </div>
            <div className="form-actions">
              <button type="submit" className="btn btn--primary">
                {t("vouch.submit")}
              </button>
            </div>
          </Form>
        </section>
      ))}
    </div>
  );
}
