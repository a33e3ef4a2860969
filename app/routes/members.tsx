import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { listDirectory } from "~/modules/accounts/accounts.server";
import { useProfileOptions } from "~/modules/accounts/components/use-options";
import { requireVerified } from "~/modules/accounts/guards.server";
import { codes, DISCIPLINES, REGIONS } from "~/modules/accounts/reference";
import { useI18n } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => pageTitle(args, "members.title");

// Filters are a GET form: bad values are ignored rather than failing the page.
const filtersSchema = z.object({
  q: z.string().trim().max(80).optional().catch(undefined),
  region: z.enum(codes(REGIONS)).optional().catch(undefined),
  discipline: z.enum(codes(DISCIPLINES)).optional().catch(undefined),
});

export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = await requireVerified(request, context);
  const url = new URL(request.url);
  const filters = filtersSchema.parse({
    q: url.searchParams.get("q") || undefined,
    region: url.searchParams.get("region") || undefined,
    discipline: url.searchParams.get("discipline") || undefined,
  });
  const people = await listDirectory(context.db, viewer, filters);
  return json({ people, filters });
}

export default function Members() {
  const { t, tx, colon } = useI18n();
  const { people, filters } = useLoaderData<typeof loader>();
  const options = useProfileOptions();
  const regionName = (code: string) => options.regions.find((r) => r.value === code)?.label ?? code;
  const disciplineName = (code: string) => options.disciplines.find((d) => d.value === code)?.label ?? code;
  return (
    <div className="container stack stack--l">
      <header className="page-header">
        <h1>{t("members.title")}</h1>
        <p className="lead">{t("members.lead")}</p>
      </header>
      <Form method="get" className="form cluster" role="search" aria-label={t("members.filters")}>
        <div className="field">
          <label className="field__label" htmlFor="q">
            {t("members.search")}
          </label>
          <input id="q" name="q" type="search" className="input" defaultValue={filters.q ?? ""} />
        </div>
        <div className="field">
          <label className="field__label" htmlFor="region">
            {t("fields.region")}
          </label>
          <select id="region" name="region" className="select" defaultValue={filters.region ?? ""}>
            <option value="">{t("members.allRegions")}</option>
            {options.regions.map((r) => (
              <option key={r.value} value={r.value}>
                {r.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label className="field__label" htmlFor="discipline">
            {t("fields.discipline")}
          </label>
          <select id="discipline" name="discipline" className="select" defaultValue={filters.discipline ?? ""}>
            <option value="">{t("members.allDisciplines")}</option>
            {options.disciplines.map((d) => (
              <option key={d.value} value={d.value}>
                {d.label}
              </option>
            ))}
          </select>
        </div>
        <div className="form-actions">
          <button type="submit" className="btn btn--secondary">
            {t("members.apply")}
          </button>
        </div>
      </Form>
      <p className="meta" role="status">
        {tx("members.count", { count: people.length })}
      </p>
      {people.length === 0 ? (
        <p className="empty-state">{t("members.empty")}</p>
      ) : (
        <ul className="grid" aria-label={t("members.title")}>
          {people.map((p) => (
            <li key={p.id} className="card stack stack--s">
              <h2 className="card__title">{p.display_name}</h2>
              <p className="card__meta">
                {disciplineName(p.discipline)} · {regionName(p.region_code)}
              </p>
              {p.establishment ? <p className="meta">{p.establishment}</p> : null}
              {p.roles.length ? (
                <p className="cluster">
                  {p.roles.map((r) => (
                    <span key={r} className="badge badge--role">
                      {tx(`roles.${r}`)}
                    </span>
                  ))}
                </p>
              ) : null}
              {p.bio ? <p>{p.bio}</p> : null}
              <p className="meta">
                {t("members.languages")}
                {colon}
                {p.languages.map((l) => tx(`languages.${l}`)).join(", ")}
              </p>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
