import { parseWithZod } from "@conform-to/zod";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useProfileOptions } from "~/modules/accounts/components/use-options";
import { hasRole } from "~/modules/accounts/accounts.server";
import { requireViewer } from "~/modules/accounts/guards.server";
import { Breadcrumbs } from "~/modules/forums/components/breadcrumbs";
import type { Outcome } from "~/modules/forums/forums.server";
import { FORUM_LIMITS, SPACE_KINDS, SPACE_VISIBILITIES } from "~/modules/forums/limits";
import {
  addSpaceMember,
  canManageForums,
  createCategory,
  createSpace,
  listManageable,
  moveCategory,
  removeSpaceMember,
  setCategoryArchived,
  updateCategory,
} from "~/modules/forums/manage.server";
import {
  categoryArchiveSchema,
  categoryMoveSchema,
  categorySchema,
  categoryUpdateSchema,
  spaceMemberRemoveSchema,
  spaceMemberSchema,
  spaceSchema,
} from "~/modules/forums/schemas";
import { useI18n } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => pageTitle(args, "forums.manage.title");

async function requireManager(request: Request, context: LoaderFunctionArgs["context"]) {
  const viewer = await requireViewer(request, context);
  if (!(await canManageForums(context.db, viewer))) throw new Response("forbidden", { status: 403 });
  return viewer;
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = await requireManager(request, context);
  return json({ spaces: await listManageable(context.db, viewer), isAdmin: hasRole(viewer, "admin") });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const viewer = await requireManager(request, context);
  const formData = await request.formData();
  const intent = String(formData.get("intent") ?? "");
  const target = String(formData.get("categoryId") ?? formData.get("spaceId") ?? "new");
  const invalid = (errors: Record<string, string[] | null> | undefined) => json({ intent, target, errors: errors ?? {} }, { status: 400 });
  const run = async (): Promise<Response | Outcome> => {
    switch (intent) {
      case "create": {
        const s = parseWithZod(formData, { schema: categorySchema });
        return s.status === "success" ? createCategory(context.db, viewer, s.value) : invalid(s.reply().error ?? undefined);
      }
      case "rename": {
        const s = parseWithZod(formData, { schema: categoryUpdateSchema });
        return s.status === "success" ? updateCategory(context.db, viewer, s.value) : invalid(s.reply().error ?? undefined);
      }
      case "move": {
        const s = parseWithZod(formData, { schema: categoryMoveSchema });
        return s.status === "success"
          ? moveCategory(context.db, viewer, s.value.categoryId, s.value.direction)
          : invalid(s.reply().error ?? undefined);
      }
      case "archive": {
        const s = parseWithZod(formData, { schema: categoryArchiveSchema });
        return s.status === "success"
          ? setCategoryArchived(context.db, viewer, s.value.categoryId, s.value.archived)
          : invalid(s.reply().error ?? undefined);
      }
      case "space": {
        const s = parseWithZod(formData, { schema: spaceSchema });
        return s.status === "success" ? createSpace(context.db, viewer, s.value) : invalid(s.reply().error ?? undefined);
      }
      case "member": {
        const s = parseWithZod(formData, { schema: spaceMemberSchema });
        return s.status === "success" ? addSpaceMember(context.db, viewer, s.value) : invalid(s.reply().error ?? undefined);
      }
      case "remove-member": {
        const s = parseWithZod(formData, { schema: spaceMemberRemoveSchema });
        return s.status === "success"
          ? removeSpaceMember(context.db, viewer, s.value.spaceId, s.value.userId)
          : invalid(s.reply().error ?? undefined);
      }
      default:
        return invalid({ "": ["forums.errors.invalid"] });
    }
  };
  const outcome = await run();
  if (outcome instanceof Response) return outcome;
  if (!outcome.ok)
    return json(
      { intent, target, errors: { ...(outcome.fieldErrors ?? {}), "": [outcome.formError ?? "forums.errors.forbidden"] } },
      { status: outcome.status },
    );
  return redirect(`/forums/manage?saved=${intent}`);
}

export default function Manage() {
  const { t, tx, label } = useI18n();
  const { spaces, isAdmin } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const [params] = useSearchParams();
  const options = useProfileOptions();
  const errorsFor = (intent: string, target: string): string[] =>
    data && data.intent === intent && data.target === target
      ? Object.values(data.errors ?? {}).flatMap((v) => (Array.isArray(v) ? v.filter((e): e is string => typeof e === "string") : []))
      : [];
  const Errors = ({ list }: { list: string[] }) =>
    list.length ? (
      <div className="alert alert--error" role="alert">
        {list.map((e) => (
          <p key={e}>{tx(e)}</p>
        ))}
      </div>
    ) : null;
  const hidden = (fields: Record<string, string>) =>
    Object.entries(fields).map(([k, v]) => <input key={k} type="hidden" name={k} value={v} />);
  return (
    <div className="container stack stack--l">
      <Breadcrumbs items={[{ label: t("forums.title"), to: "/forums" }, { label: t("forums.manage.title") }]} />
      <header className="page-header">
        <h1>{t("forums.manage.title")}</h1>
        <p className="lead">{t("forums.manage.lead")}</p>
      </header>
      {params.get("saved") ? (
        <p className="alert alert--success" role="status">
          {t("forums.manage.saved")}
        </p>
      ) : null}

      <section className="card stack" aria-labelledby="new-category">
        <h2 id="new-category">{t("forums.manage.newCategory")}</h2>
        <Errors list={errorsFor("create", "new")} />
        <Form method="post" className="form">
          {hidden({ intent: "create" })}
          <div className="field">
            <label className="field__label" htmlFor="new-space">
              {t("forums.manage.space")}
            </label>
            <select className="select" id="new-space" name="spaceId" required>
              {spaces
                .filter((s) => !s.archived)
                .map((s) => (
                  <option key={s.id} value={s.id}>
                    {label(s)}
                  </option>
                ))}
            </select>
          </div>
          <div className="field">
            <label className="field__label" htmlFor="new-slug">
              {t("forums.manage.slug")}
            </label>
            <p className="field__hint" id="new-slug-hint">
              {t("forums.manage.slugHint")}
            </p>
            <input
              className="input"
              id="new-slug"
              name="slug"
              required
              pattern="[a-z0-9][a-z0-9\-]{1,62}"
              aria-describedby="new-slug-hint"
            />
          </div>
          <div className="field">
            <label className="field__label" htmlFor="new-name-fr">
              {t("forums.manage.nameFr")}
            </label>
            <input className="input" id="new-name-fr" name="nameFr" required maxLength={FORUM_LIMITS.categoryNameMax} lang="fr-CA" />
          </div>
          <div className="field">
            <label className="field__label" htmlFor="new-name-en">
              {t("forums.manage.nameEn")}
            </label>
            <input className="input" id="new-name-en" name="nameEn" required maxLength={FORUM_LIMITS.categoryNameMax} lang="en-CA" />
          </div>
          <div className="field">
            <label className="field__label" htmlFor="new-desc-fr">
              {t("forums.manage.descriptionFr")}
            </label>
            <textarea className="input" id="new-desc-fr" name="descriptionFr" maxLength={FORUM_LIMITS.descriptionMax} lang="fr-CA" />
          </div>
          <div className="field">
            <label className="field__label" htmlFor="new-desc-en">
              {t("forums.manage.descriptionEn")}
            </label>
            <textarea className="input" id="new-desc-en" name="descriptionEn" maxLength={FORUM_LIMITS.descriptionMax} lang="en-CA" />
          </div>
          <div className="field">
            <label className="field__label" htmlFor="new-topic">
              {t("forums.manage.topic")}
            </label>
            <select className="select" id="new-topic" name="topicCode" defaultValue="">
              <option value="">{t("form.none")}</option>
              {options.topics.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </select>
          </div>
          <div className="form-actions">
            <button type="submit" className="btn btn--primary">
              {t("forums.manage.create")}
            </button>
          </div>
        </Form>
      </section>

      <h2 className="section-title">{t("forums.manage.spacesTitle")}</h2>
      {spaces.map((space) => (
        <details key={space.id} className="card stack" open={space.kind === "community"}>
          <summary>
            <span id={`space-${space.id}`}>{label(space)}</span>{" "}
            <span className="badge badge--state">{tx(`forums.visibility.${space.visibility}`)}</span>{" "}
            <span className="meta">{tx("forums.manage.categoryCount", { count: space.categories.length })}</span>
          </summary>
          <ul className="category-list">
            {space.categories.map((c, i) => (
              <li key={c.id}>
                <div className="stack stack--s">
                  <Errors list={[...errorsFor("rename", c.id), ...errorsFor("archive", c.id), ...errorsFor("move", c.id)]} />
                  <Form method="post" className="cluster">
                    {hidden({ intent: "rename", categoryId: c.id })}
                    <div className="field">
                      <label className="field__label" htmlFor={`fr-${c.id}`}>
                        {t("forums.manage.nameFr")}
                      </label>
                      <input className="input" id={`fr-${c.id}`} name="nameFr" defaultValue={c.name_fr} required lang="fr-CA" />
                    </div>
                    <div className="field">
                      <label className="field__label" htmlFor={`en-${c.id}`}>
                        {t("forums.manage.nameEn")}
                      </label>
                      <input className="input" id={`en-${c.id}`} name="nameEn" defaultValue={c.name_en} required lang="en-CA" />
                    </div>
                    <input type="hidden" name="descriptionFr" value={c.description_fr} />
                    <input type="hidden" name="descriptionEn" value={c.description_en} />
                    <button type="submit" className="btn btn--small btn--secondary">
                      {t("forums.manage.rename")}
                    </button>
                  </Form>
                  {c.archived ? (
                    <p>
                      <span className="badge badge--warning">{t("forums.manage.archivedBadge")}</span>
                    </p>
                  ) : null}
                </div>
                <div className="cluster">
                  {i > 0 ? (
                    <Form method="post">
                      {hidden({ intent: "move", categoryId: c.id, direction: "up" })}
                      <button type="submit" className="btn btn--small" aria-label={`${t("forums.manage.up")} — ${label(c)}`}>
                        {t("forums.manage.up")}
                      </button>
                    </Form>
                  ) : null}
                  {i < space.categories.length - 1 ? (
                    <Form method="post">
                      {hidden({ intent: "move", categoryId: c.id, direction: "down" })}
                      <button type="submit" className="btn btn--small" aria-label={`${t("forums.manage.down")} — ${label(c)}`}>
                        {t("forums.manage.down")}
                      </button>
                    </Form>
                  ) : null}
                  <Form method="post">
                    {hidden({ intent: "archive", categoryId: c.id, archived: c.archived ? "false" : "true" })}
                    <button
                      type="submit"
                      className="btn btn--small"
                      aria-label={`${c.archived ? t("forums.manage.unarchive") : t("forums.manage.archive")} — ${label(c)}`}
                    >
                      {c.archived ? t("forums.manage.unarchive") : t("forums.manage.archive")}
                    </button>
                  </Form>
                </div>
              </li>
            ))}
          </ul>
          {isAdmin && space.visibility === "members" ? (
            <div className="card stack stack--s">
              <h3>{t("forums.manage.membersTitle", { space: label(space) })}</h3>
              <Errors list={[...errorsFor("member", space.id), ...errorsFor("remove-member", space.id)]} />
              {space.members.length === 0 ? (
                <p className="meta">{t("forums.manage.noMembers")}</p>
              ) : (
                <ul className="cluster">
                  {space.members.map((m) => (
                    <li key={m.userId}>
                      <Form method="post" className="cluster">
                        {hidden({ intent: "remove-member", spaceId: space.id, userId: m.userId })}
                        <span>
                          {m.displayName} ({tx(`forums.manage.roles.${m.role}`)})
                        </span>
                        <button type="submit" className="btn btn--small btn--danger">
                          {t("forums.manage.removeMember", { name: m.displayName })}
                        </button>
                      </Form>
                    </li>
                  ))}
                </ul>
              )}
              <Form method="post" className="cluster">
                {hidden({ intent: "member", spaceId: space.id })}
                <div className="field">
                  <label className="field__label" htmlFor={`email-${space.id}`}>
                    {t("forums.manage.memberEmail")}
                  </label>
                  <input className="input" id={`email-${space.id}`} name="email" type="email" required />
                </div>
                <div className="field">
                  <label className="field__label" htmlFor={`role-${space.id}`}>
                    {t("forums.manage.memberRole")}
                  </label>
                  <select className="select" id={`role-${space.id}`} name="role">
                    <option value="member">{t("forums.manage.roles.member")}</option>
                    <option value="moderator">{t("forums.manage.roles.moderator")}</option>
                  </select>
                </div>
                <button type="submit" className="btn btn--small btn--secondary">
                  {t("forums.manage.addMember")}
                </button>
              </Form>
            </div>
          ) : null}
        </details>
      ))}

      {isAdmin ? (
        <section className="card stack" aria-labelledby="new-space-title">
          <h2 id="new-space-title">{t("forums.manage.newSpace")}</h2>
          <Errors list={errorsFor("space", "new")} />
          <Form method="post" className="form">
            {hidden({ intent: "space" })}
            <div className="field">
              <label className="field__label" htmlFor="space-slug">
                {t("forums.manage.slug")}
              </label>
              <input className="input" id="space-slug" name="slug" required />
            </div>
            <div className="field">
              <label className="field__label" htmlFor="space-kind">
                {t("forums.manage.kind")}
              </label>
              <select className="select" id="space-kind" name="kind">
                {SPACE_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {tx(`forums.manage.kinds.${k}`)}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label className="field__label" htmlFor="space-visibility">
                {t("forums.manage.visibility")}
              </label>
              <select className="select" id="space-visibility" name="visibility" defaultValue="members">
                {SPACE_VISIBILITIES.map((k) => (
                  <option key={k} value={k}>
                    {tx(`forums.visibility.${k}`)}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label className="field__label" htmlFor="space-fr">
                {t("forums.manage.nameFr")}
              </label>
              <input className="input" id="space-fr" name="nameFr" required lang="fr-CA" />
            </div>
            <div className="field">
              <label className="field__label" htmlFor="space-en">
                {t("forums.manage.nameEn")}
              </label>
              <input className="input" id="space-en" name="nameEn" required lang="en-CA" />
            </div>
            <div className="form-actions">
              <button type="submit" className="btn btn--primary">
                {t("forums.manage.createSpace")}
              </button>
            </div>
          </Form>
        </section>
      ) : null}
    </div>
  );
}
