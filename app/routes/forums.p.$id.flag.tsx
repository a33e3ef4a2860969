import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { FormErrors, SelectField, TextAreaField } from "~/components/form";
import { invariantResponse, requireViewer } from "~/modules/accounts/guards.server";
import { flagPost, getPostSummary } from "~/modules/forums/forums.server";
import { FLAG_REASONS, POSTS_PAGE_SIZE } from "~/modules/forums/limits";
import { flagSchema } from "~/modules/forums/schemas";
import { useI18n } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => pageTitle(args, "forums.flag.title");

const parseId = (raw: string | undefined) => (raw && /^[1-9][0-9]{0,15}$/.test(raw) ? Number(raw) : null);

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request, context);
  const id = parseId(params.id);
  invariantResponse(id, "not_found");
  const post = await getPostSummary(context.db, viewer.claims, id);
  invariantResponse(post, "not_found");
  return json({
    post: {
      id: post.id,
      title: post.title,
      excerpt: post.excerpt,
      author: post.author?.display_name ?? null,
      own: post.authorId === viewer.id,
    },
  });
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const viewer = await requireViewer(request, context);
  const id = parseId(params.id);
  invariantResponse(id, "not_found");
  const submission = parseWithZod(await request.formData(), { schema: flagSchema });
  if (submission.status !== "success") return json(submission.reply(), { status: 400 });
  const outcome = await flagPost(context.db, viewer, id, submission.value);
  if (!outcome.ok)
    return json(submission.reply({ formErrors: [outcome.formError ?? "forums.errors.forbidden"] }), { status: outcome.status });
  const after = Math.floor((outcome.postNumber - 1) / POSTS_PAGE_SIZE) * POSTS_PAGE_SIZE;
  return redirect(`/forums/t/${outcome.topicId}?${after > 0 ? `after=${after}&` : ""}flagged=1#p-${outcome.postNumber}`);
}

export default function Flag() {
  const { t, tx } = useI18n();
  const { post } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [form, fields] = useForm({
    lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: flagSchema }),
    shouldValidate: "onSubmit",
  });
  return (
    <div className="container container--narrow stack stack--l">
      <p>
        <Link to={`/forums/p/${post.id}`}>← {t("forums.edit.back")}</Link>
      </p>
      <h1>{t("forums.flag.title")}</h1>
      <p>{t("forums.flag.lead")}</p>
      <figure className="card stack stack--s">
        <figcaption className="meta">
          {t("forums.flag.quoted")} — {post.author ?? t("forums.post.formerMember")} · {post.title}
        </figcaption>
        <blockquote className="queue-item">{post.excerpt}</blockquote>
      </figure>
      {post.own ? (
        <p className="alert alert--info" role="note">
          {t("forums.errors.flag_own")}
        </p>
      ) : (
        <Form method="post" className="form" {...getFormProps(form)} noValidate>
          <FormErrors
            form={form}
            fields={[
              [fields.reason, t("forums.flag.reasonLabel")],
              [fields.note, t("forums.flag.noteLabel")],
            ]}
          />
          <SelectField
            field={fields.reason}
            label={t("forums.flag.reasonLabel")}
            placeholder={t("form.choose")}
            options={FLAG_REASONS.map((r) => ({ value: r, label: tx(`forums.flag.reasons.${r}`) }))}
            required
          />
          <TextAreaField field={fields.note} label={t("forums.flag.noteLabel")} rows={4} />
          <div className="form-actions">
            <button type="submit" className="btn btn--primary">
              {t("forums.flag.submit")}
            </button>
          </div>
        </Form>
      )}
    </div>
  );
}
