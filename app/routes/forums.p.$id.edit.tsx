import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { FormErrors } from "~/components/form";
import { RichTextField } from "~/components/rich-text/field";
import { useProfileOptions } from "~/modules/accounts/components/use-options";
import { invariantResponse, requireViewer } from "~/modules/accounts/guards.server";
import { FindingsPreview, findingsIn, GuardFindings, loadIdentifierHighlighter } from "~/modules/identifier-guard/components";
import { overridesFromForm } from "~/modules/identifier-guard/schemas";
import { editPost, getPostForEdit } from "~/modules/forums/forums.server";
import { FORUM_LIMITS, POSTS_PAGE_SIZE } from "~/modules/forums/limits";
import { editPostSchema } from "~/modules/forums/schemas";
import { useI18n } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => pageTitle(args, "forums.edit.title");

const parseId = (raw: string | undefined) => (raw && /^[1-9][0-9]{0,15}$/.test(raw) ? Number(raw) : null);

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request, context);
  const id = parseId(params.id);
  invariantResponse(id, "not_found");
  const post = await getPostForEdit(context.db, viewer, id);
  invariantResponse(post, "not_found");
  if (!post.isAuthor && !post.canModerate) throw new Response("forbidden", { status: 403 });
  return json({ post });
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const viewer = await requireViewer(request, context);
  const id = parseId(params.id);
  invariantResponse(id, "not_found");
  const formData = await request.formData();
  const submission = parseWithZod(formData, { schema: editPostSchema });
  if (submission.status !== "success") return json(submission.reply(), { status: 400 });
  const outcome = await editPost(context.db, viewer, id, submission.value, overridesFromForm(formData));
  if (!outcome.ok) {
    const reply = submission.reply({ formErrors: outcome.formError ? [outcome.formError] : undefined, fieldErrors: outcome.fieldErrors });
    return json({ ...reply, findings: outcome.findings ?? [] }, { status: outcome.status });
  }
  const after = Math.floor((outcome.postNumber - 1) / POSTS_PAGE_SIZE) * POSTS_PAGE_SIZE;
  return redirect(`/forums/t/${outcome.topicId}?${after > 0 ? `after=${after}&` : ""}saved=1#p-${outcome.postNumber}`);
}

export default function EditPost() {
  const { t, tx } = useI18n();
  const { post } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const options = useProfileOptions();
  const first = post.postNumber === 1;
  const [form, fields] = useForm({
    lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: editPostSchema }),
    shouldValidate: "onSubmit",
    defaultValue: first ? { title: post.title, tags: post.tags } : {},
  });
  const selected = new Set(Array.isArray(fields.tags.initialValue) ? fields.tags.initialValue : []);
  const titleInvalid = Boolean(fields.title.errors?.length);
  // A refusal of the identifier guard: its findings, listed with an override box each.
  const findings = findingsIn(lastResult);
  const refusedText = typeof lastResult?.initialValue?.body === "string" ? lastResult.initialValue.body : undefined;
  return (
    <div className="container container--narrow stack stack--l">
      <p>
        <Link to={`/forums/p/${post.id}`}>← {t("forums.edit.back")}</Link>
      </p>
      <h1>{first ? t("forums.edit.titleTopic") : t("forums.edit.title")}</h1>
      <p className="meta">{t("forums.edit.historyNote")}</p>
      {post.locked && post.canModerate ? (
        <p className="alert alert--info" role="note">
          {t("forums.topic.lockedNotice")}
        </p>
      ) : null}
      <Form method="post" className="form" {...getFormProps(form)} noValidate>
        <FormErrors
          form={form}
          fields={[
            [fields.title, t("forums.newTopic.titleLabel")],
            [fields.tags, t("forums.newTopic.tagsLabel")],
            [fields.body, t("forums.newTopic.bodyLabel")],
          ]}
        />
        {findings.length || form.allErrors.overrides ? (
          <div className="alert alert--error stack stack--s" role="alert">
            {findings.length ? <GuardFindings findings={findings} fieldLabel={(f) => tx(`forums.guardFields.${f}`)} /> : null}
            {(form.allErrors.overrides ?? []).map((e) => (
              <p key={e}>{tx(e)}</p>
            ))}
          </div>
        ) : null}
        {first ? (
          <>
            <div className={titleInvalid ? "field field--invalid" : "field"}>
              <label className="field__label" htmlFor={fields.title.id}>
                {t("forums.newTopic.titleLabel")}
              </label>
              <input
                {...getInputProps(fields.title, { type: "text", ariaAttributes: false })}
                key={fields.title.key}
                className="input"
                maxLength={FORUM_LIMITS.titleMax}
                aria-invalid={titleInvalid || undefined}
                aria-describedby={titleInvalid ? fields.title.errorId : undefined}
              />
              {titleInvalid ? (
                <p className="field__error" id={fields.title.errorId}>
                  {fields.title.errors?.map((e) => tx(e)).join(" ")}
                </p>
              ) : null}
              <FindingsPreview
                fieldId={fields.title.id}
                label={t("forums.newTopic.titleLabel")}
                active={findings.some((f) => f.field === "title")}
              />
            </div>
            <fieldset className="field checkbox-list">
              <legend className="field__label">{t("forums.newTopic.tagsLabel")}</legend>
              <ul>
                {options.topics.map((o) => (
                  <li key={o.value}>
                    <label className="checkbox">
                      <input type="checkbox" name={fields.tags.name} value={o.value} defaultChecked={selected.has(o.value)} />
                      <span>{o.label}</span>
                    </label>
                  </li>
                ))}
              </ul>
            </fieldset>
          </>
        ) : null}
        <RichTextField
          id="edit-body"
          label={t("forums.newTopic.bodyLabel")}
          errors={fields.body.errors}
          defaultText={refusedText ?? post.text}
          defaultJson={refusedText === undefined ? post.json : undefined}
          mentionsUrl={`/forums/api/mentions?space=${post.spaceId}`}
          referencesUrl="/forums/api/references"
          rows={12}
          loadHighlighter={loadIdentifierHighlighter}
        />
        <FindingsPreview fieldId="edit-body" label={t("forums.newTopic.bodyLabel")} active={findings.some((f) => f.field !== "title")} />
        <div className="form-actions">
          <button type="submit" className="btn btn--primary">
            {t("forums.edit.submit")}
          </button>
          <Link className="btn" to={`/forums/p/${post.id}`}>
            {t("forums.newTopic.cancel")}
          </Link>
        </div>
      </Form>
    </div>
  );
}
