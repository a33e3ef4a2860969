import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams, type ShouldRevalidateFunction } from "@remix-run/react";
import { useRef } from "react";
import { FormErrors, SelectField } from "~/components/form";
import { RichTextField } from "~/components/rich-text/field";
import { useProfileOptions } from "~/modules/accounts/components/use-options";
import { invariantResponse, requireViewer } from "~/modules/accounts/guards.server";
import { Breadcrumbs, categoryLabel } from "~/modules/forums/components/breadcrumbs";
import { isDraftAutosave, useDraftAutosave } from "~/modules/forums/components/use-draft-autosave";
import { FindingsPreview, findingsIn, GuardFindings, loadIdentifierHighlighter } from "~/modules/identifier-guard/components";
import { overridesFromForm } from "~/modules/identifier-guard/schemas";
import { createTopic, getCategory, getDraft, saveDraft } from "~/modules/forums/forums.server";
import { FORUM_LIMITS } from "~/modules/forums/limits";
import { afterPublish } from "~/modules/forums/notify.server";
import { draftSchema, newTopicSchema } from "~/modules/forums/schemas";
import { useI18n } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => pageTitle(args, "forums.category.newTopic");

async function load(request: Request, context: LoaderFunctionArgs["context"], slug: string | undefined) {
  const viewer = await requireViewer(request, context);
  const category = await getCategory(context.db, viewer.claims, slug ?? "");
  invariantResponse(category, "not_found");
  if (!category.can_post) throw new Response("forbidden", { status: 403 });
  return { viewer, category };
}

/** An autosaved draft changes nothing on the page: its data is not reloaded under the person writing. */
export const shouldRevalidate: ShouldRevalidateFunction = ({ formAction, defaultShouldRevalidate }) =>
  isDraftAutosave(formAction) ? false : defaultShouldRevalidate;

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { viewer, category } = await load(request, context, params.slug);
  const draft = await getDraft(context.db, viewer.claims, `topic:${category.id}`);
  return json({ category, draft });
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { viewer, category } = await load(request, context, params.slug);
  const formData = await request.formData();
  if (formData.get("intent") === "draft") {
    const parsed = draftSchema.safeParse({
      key: `topic:${category.id}`,
      title: formData.get("title") ?? undefined,
      body: formData.get("body") ?? undefined,
      bodyJson: formData.get("bodyJson") ?? undefined,
    });
    if (parsed.success) {
      const saved = await saveDraft(context.db, viewer, parsed.data);
      if (saved.ok) return redirect(`/forums/c/${category.slug}/new?draft=saved`);
    }
  }
  const submission = parseWithZod(formData, { schema: newTopicSchema });
  if (submission.status !== "success") return json(submission.reply(), { status: 400 });
  const outcome = await createTopic(context.db, viewer, category.id, submission.value, overridesFromForm(formData));
  if (!outcome.ok) {
    const reply = submission.reply({ formErrors: outcome.formError ? [outcome.formError] : undefined, fieldErrors: outcome.fieldErrors });
    return json({ ...reply, findings: outcome.findings ?? [] }, { status: outcome.status });
  }
  await afterPublish(context, outcome, viewer.displayName);
  return redirect(`/forums/t/${outcome.topicId}?${outcome.postStatus === "published" ? "posted" : "held"}=1`);
}

export default function NewTopic() {
  const { t, tx, date, locale } = useI18n();
  const { category, draft } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [params] = useSearchParams();
  const navigation = useNavigation();
  const options = useProfileOptions();
  const formRef = useRef<HTMLFormElement>(null);
  const { schedule, cancel: cancelDraft } = useDraftAutosave(formRef, `topic:${category.id}`);
  const [form, fields] = useForm({
    lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: newTopicSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
    defaultValue: { title: draft?.title ?? "", tags: category.topic_code ? [category.topic_code] : [] },
  });
  const formProps = getFormProps(form);
  const selectedTags = new Set(Array.isArray(fields.tags.initialValue) ? fields.tags.initialValue : []);
  const titleInvalid = Boolean(fields.title.errors?.length);
  // A refusal of the identifier guard: its findings, listed with an override box each.
  const findings = findingsIn(lastResult);
  const refusedText = typeof lastResult?.initialValue?.body === "string" ? lastResult.initialValue.body : undefined;
  return (
    <div className="container container--narrow stack stack--l">
      <Breadcrumbs
        items={[
          { label: t("forums.title"), to: "/forums" },
          { label: categoryLabel(locale, category, category), to: `/forums/c/${category.slug}` },
          { label: t("forums.category.newTopic") },
        ]}
      />
      <h1>{t("forums.newTopic.title", { category: categoryLabel(locale, category, category) })}</h1>
      {params.get("draft") ? (
        <p className="alert alert--success" role="status">
          {t("forums.topic.draftSaved")}
        </p>
      ) : null}
      {draft && !params.get("draft") ? (
        <p className="alert alert--info" role="status">
          {t("forums.topic.draftRestored", { date: date(draft.updatedAt, "datetime") })}
        </p>
      ) : null}
      <Form
        method="post"
        className="form"
        ref={formRef}
        {...formProps}
        noValidate
        onInput={schedule}
        onSubmit={(event) => {
          cancelDraft();
          formProps.onSubmit(event);
        }}
      >
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
        <div className={titleInvalid ? "field field--invalid" : "field"}>
          <label className="field__label" htmlFor={fields.title.id}>
            {t("forums.newTopic.titleLabel")}
          </label>
          <p className="field__hint" id={`${fields.title.id}-hint`}>
            {t("forums.newTopic.titleHint")}
          </p>
          <input
            {...getInputProps(fields.title, { type: "text", ariaAttributes: false })}
            key={fields.title.key}
            className="input"
            maxLength={FORUM_LIMITS.titleMax}
            aria-invalid={titleInvalid || undefined}
            aria-describedby={[`${fields.title.id}-hint`, titleInvalid ? fields.title.errorId : null].filter(Boolean).join(" ")}
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
        <fieldset className={fields.tags.errors?.length ? "field checkbox-list field--invalid" : "field checkbox-list"}>
          <legend className="field__label">{t("forums.newTopic.tagsLabel")}</legend>
          <ul>
            {options.topics.map((o) => (
              <li key={o.value}>
                <label className="checkbox">
                  <input type="checkbox" name={fields.tags.name} value={o.value} defaultChecked={selectedTags.has(o.value)} />
                  <span>{o.label}</span>
                </label>
              </li>
            ))}
          </ul>
          {fields.tags.errors?.length ? (
            <p className="field__error" id={fields.tags.errorId}>
              {fields.tags.errors.map((e) => tx(e)).join(" ")}
            </p>
          ) : null}
        </fieldset>
        {category.region_code ? null : (
          <SelectField
            field={fields.region}
            label={t("forums.newTopic.regionLabel")}
            options={options.regions}
            placeholder={t("form.none")}
          />
        )}
        <RichTextField
          id="topic-body"
          label={t("forums.newTopic.bodyLabel")}
          hint={t("forums.topic.replyHint")}
          errors={fields.body.errors}
          defaultText={refusedText ?? draft?.text}
          defaultJson={refusedText === undefined ? draft?.json : undefined}
          mentionsUrl={`/forums/api/mentions?space=${category.space_id}`}
          referencesUrl="/forums/api/references"
          onEditorChange={schedule}
          loadHighlighter={loadIdentifierHighlighter}
          rows={12}
        />
        <FindingsPreview fieldId="topic-body" label={t("forums.newTopic.bodyLabel")} active={findings.some((f) => f.field !== "title")} />
        <div className="form-actions">
          <button type="submit" className="btn btn--primary" disabled={navigation.state === "submitting"}>
            {t("forums.newTopic.submit")}
          </button>
          <button type="submit" name="intent" value="draft" className="btn btn--secondary" formNoValidate>
            {t("forums.newTopic.saveDraft")}
          </button>
          <Link className="btn" to={`/forums/c/${category.slug}`}>
            {t("forums.newTopic.cancel")}
          </Link>
        </div>
      </Form>
    </div>
  );
}
