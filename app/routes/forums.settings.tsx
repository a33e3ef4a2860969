import { parseWithZod } from "@conform-to/zod";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { requireViewer } from "~/modules/accounts/guards.server";
import { Breadcrumbs } from "~/modules/forums/components/breadcrumbs";
import { getForumSettings, setEmailMode } from "~/modules/forums/forums.server";
import { EMAIL_MODES } from "~/modules/forums/limits";
import { emailSettingsSchema } from "~/modules/forums/schemas";
import { useI18n } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => pageTitle(args, "forums.settings.title");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request, context);
  return json(await getForumSettings(context.db, viewer));
}

export async function action({ request, context }: ActionFunctionArgs) {
  const viewer = await requireViewer(request, context);
  const submission = parseWithZod(await request.formData(), { schema: emailSettingsSchema });
  if (submission.status !== "success") return json(submission.reply(), { status: 400 });
  const outcome = await setEmailMode(context.db, viewer, submission.value.mode);
  if (!outcome.ok)
    return json(submission.reply({ formErrors: [outcome.formError ?? "forums.errors.forbidden"] }), { status: outcome.status });
  return redirect("/forums/settings?saved=1");
}

export default function ForumSettings() {
  const { t, tx, label } = useI18n();
  const { mode, watched } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const errors = result?.error
    ? Object.values(result.error)
        .flat()
        .filter((e): e is string => typeof e === "string")
    : [];
  return (
    <div className="container container--narrow stack stack--l">
      <Breadcrumbs items={[{ label: t("forums.title"), to: "/forums" }, { label: t("forums.settings.title") }]} />
      <h1>{t("forums.settings.title")}</h1>
      <p>{t("forums.settings.lead")}</p>
      {params.get("saved") ? (
        <p className="alert alert--success" role="status">
          {t("forums.settings.saved")}
        </p>
      ) : null}
      {errors.length ? (
        <div className="alert alert--error" role="alert">
          {errors.map((e) => (
            <p key={e}>{tx(e)}</p>
          ))}
        </div>
      ) : null}
      <Form method="post" className="form">
        <fieldset className="field radio-list">
          <legend className="field__label">{t("forums.settings.modeLabel")}</legend>
          {EMAIL_MODES.map((m) => (
            <label key={m} className="radio">
              <input type="radio" name="mode" value={m} defaultChecked={m === mode} /> <span>{tx(`forums.settings.modes.${m}`)}</span>
            </label>
          ))}
        </fieldset>
        <div className="form-actions">
          <button type="submit" className="btn btn--primary">
            {t("forums.settings.submit")}
          </button>
        </div>
      </Form>
      <section className="stack stack--s" aria-labelledby="watched-title">
        <h2 id="watched-title" className="section-title">
          {t("forums.settings.watchedTitle")}
        </h2>
        {watched.length === 0 ? (
          <p className="meta">{t("forums.settings.watchedNone")}</p>
        ) : (
          <ul>
            {watched.map((w) => (
              <li key={w.slug}>
                <Link to={`/forums/c/${w.slug}`}>{label(w)}</Link> — {tx(`forums.watch.levels.${w.level}`)}
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
