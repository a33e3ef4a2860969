// Verified members suggest a tool; it enters the curators' queue.
import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { FormErrors, TextAreaField, TextField } from "~/components/form";
import { requireViewer } from "~/modules/accounts/guards.server";
import { suggestionSchema } from "~/modules/tools/schemas";
import { suggestTool } from "~/modules/tools/tools.server";
import { useI18n } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => pageTitle(args, "tools.suggest.title");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request, context);
  return json({ verified: viewer.verified });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const viewer = await requireViewer(request, context);
  const submission = parseWithZod(await request.formData(), { schema: suggestionSchema });
  if (submission.status !== "success") return json(submission.reply(), { status: 400 });
  const outcome = await suggestTool(context.db, viewer, submission.value);
  if (!outcome.ok) return json(submission.reply({ formErrors: [outcome.formError ?? "errors.invalid"] }), { status: outcome.status });
  return redirect("/tools/suggest?sent=1");
}

export default function SuggestTool() {
  const { t } = useI18n();
  const { verified } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [params] = useSearchParams();
  const [form, fields] = useForm({
    lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: suggestionSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  return (
    <div className="container container--narrow stack stack--l">
      <p>
        <Link to="/tools">← {t("tools.item.back")}</Link>
      </p>
      <header className="page-header stack stack--s">
        <h1>{t("tools.suggest.title")}</h1>
        <p className="lead">{t("tools.suggest.lead")}</p>
      </header>
      {params.get("sent") ? (
        <p className="alert alert--success" role="status">
          {t("tools.suggest.sent")}
        </p>
      ) : null}
      {!verified ? (
        <p className="alert alert--info">{t("tools.suggest.verifiedOnly")}</p>
      ) : (
        <Form method="post" className="form stack stack--l" {...getFormProps(form)} noValidate>
          <FormErrors
            form={form}
            fields={[
              [fields.title, t("tools.suggest.titleField")],
              [fields.url, t("tools.suggest.url")],
              [fields.publisher, t("tools.suggest.publisher")],
              [fields.note, t("tools.suggest.note")],
            ]}
          />
          <TextField field={fields.title} label={t("tools.suggest.titleField")} required />
          <TextField field={fields.url} type="url" label={t("tools.suggest.url")} hint={t("tools.suggest.urlHint")} />
          <TextField field={fields.publisher} label={t("tools.suggest.publisher")} />
          <TextAreaField field={fields.note} label={t("tools.suggest.note")} hint={t("tools.suggest.noteHint")} rows={4} />
          <div className="form-actions">
            <button type="submit" className="btn btn--primary">
              {t("tools.suggest.submit")}
            </button>
          </div>
        </Form>
      )}
    </div>
  );
}
