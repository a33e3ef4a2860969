// One's calendar subscription address: created (shown once), replaced or turned off.
import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { requireViewer } from "~/modules/accounts/guards.server";
import { createCalendarToken, hasCalendarToken, revokeCalendarToken } from "~/modules/events/events.server";
import { calendarTokenIntentSchema } from "~/modules/events/schemas";
import { useI18n } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => pageTitle(args, "events.calendar.title");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request, context);
  return json({ active: await hasCalendarToken(context.db, viewer.claims) });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const viewer = await requireViewer(request, context);
  const parsed = calendarTokenIntentSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return json({ url: null, revoked: false, formError: "errors.invalid" }, { status: 400 });
  if (parsed.data.intent === "revoke") {
    await revokeCalendarToken(context.db, viewer);
    return json({ url: null, revoked: true, formError: null });
  }
  const token = await createCalendarToken(context.db, viewer);
  // Not cached anywhere: the page that shows it is the answer to this POST.
  return json(
    { url: `${context.env.publicUrl}/calendar/${token}.ics`, revoked: false, formError: null },
    { headers: { "Cache-Control": "no-store" } },
  );
}

export default function CalendarSubscription() {
  const { t, tx } = useI18n();
  const { active } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const isActive = result?.url ? true : result?.revoked ? false : active;
  return (
    <div className="container container--narrow stack stack--l">
      <p>
        <Link to="/events">← {t("events.item.back")}</Link>
      </p>
      <header className="page-header stack stack--s">
        <h1>{t("events.calendar.title")}</h1>
        <p className="lead">{t("events.calendar.lead")}</p>
      </header>
      {result?.formError ? (
        <p className="alert alert--error" role="alert">
          {tx(result.formError)}
        </p>
      ) : null}
      {result?.revoked ? (
        <p className="alert alert--success" role="status">
          {t("events.calendar.revoked")}
        </p>
      ) : null}
      {result?.url ? (
        <div className="field">
          <label className="field__label" htmlFor="calendar-url">
            {t("events.calendar.yourUrl")}
          </label>
          <input id="calendar-url" className="input" readOnly value={result.url} />
        </div>
      ) : (
        <p>{isActive ? t("events.calendar.active") : t("events.calendar.none")}</p>
      )}
      <div className="cluster">
        <Form method="post">
          <input type="hidden" name="intent" value="create" />
          <button type="submit" className="btn btn--primary">
            {isActive ? t("events.calendar.renew") : t("events.calendar.create")}
          </button>
        </Form>
        {isActive ? (
          <Form method="post">
            <input type="hidden" name="intent" value="revoke" />
            <button type="submit" className="btn btn--secondary">
              {t("events.calendar.revoke")}
            </button>
          </Form>
        ) : null}
      </div>
    </div>
  );
}
