import { parseWithZod } from "@conform-to/zod";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { requireViewer } from "~/modules/accounts/guards.server";
import { MessageTime } from "~/modules/chat/components/message-item";
import {
  getNotificationSettings,
  listNotifications,
  markNotificationsRead,
  updateNotificationSettings,
} from "~/modules/notifications/notifications.server";
import {
  EMAIL_DELAYS_MINUTES,
  NOTIFICATION_EVENTS,
  notificationKey,
  notificationsActionSchema,
  notificationUrl,
  notificationVars,
} from "~/modules/notifications/schemas";
import { useI18n } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => pageTitle(args, "chat.notificationCentre.title");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request, context);
  const before = Number(new URL(request.url).searchParams.get("before"));
  const [page, settings] = await Promise.all([
    listNotifications(context.db, viewer.claims, { before: Number.isSafeInteger(before) && before > 0 ? before : undefined }),
    getNotificationSettings(context.db, viewer.claims),
  ]);
  return json({ ...page, settings }, { headers: { "Cache-Control": "no-store" } });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const viewer = await requireViewer(request, context);
  const formData = await request.formData();
  const submission = parseWithZod(formData, { schema: notificationsActionSchema });
  if (submission.status !== "success") return json({ formError: "errors.choice" }, { status: 400 });
  const input = submission.value;
  if (input.intent === "settings") {
    await updateNotificationSettings(context.db, viewer.claims, input.emailDelay === "never" ? null : Number(input.emailDelay));
    return redirect("/notifications?saved=1#settings");
  }
  const unread = await markNotificationsRead(context.db, viewer.claims, input.intent === "read-all" ? "all" : { ids: [input.id] });
  // The bell of the person's other tabs follows.
  context.realtime.emitToUsers([viewer.id], NOTIFICATION_EVENTS.count, { unread });
  const open = formData.get("open");
  return redirect(typeof open === "string" && open.startsWith("/") && !open.startsWith("//") ? open : "/notifications");
}

export default function Notifications() {
  const { t, tx } = useI18n();
  const { notifications, hasMore, unread, settings } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const delay = settings.emailDelayMinutes === null ? "never" : String(settings.emailDelayMinutes);
  return (
    <div className="container container--narrow stack stack--l">
      <header className="page-header">
        <h1>{t("chat.notificationCentre.title")}</h1>
        <p className="meta" role="status">
          {tx("chat.notificationCentre.unread", { count: unread })}
        </p>
      </header>
      {result?.formError ? (
        <p className="alert alert--error" role="alert">
          {tx(result.formError)}
        </p>
      ) : null}
      {unread > 0 ? (
        <Form method="post">
          <input type="hidden" name="intent" value="read-all" />
          <button type="submit" className="btn btn--small btn--secondary">
            {t("chat.notificationCentre.readAll")}
          </button>
        </Form>
      ) : null}
      {notifications.length === 0 ? (
        <p className="empty-state">{t("chat.notificationCentre.empty")}</p>
      ) : (
        <ul className="stack stack--s chat-notifications">
          {notifications.map((n) => {
            const url = notificationUrl(n.payload);
            return (
              <li key={n.id} className={n.readAt ? "card" : "card chat-notification--unread"}>
                <p>
                  {n.readAt ? null : <span className="visually-hidden">{t("chat.notificationCentre.new")} </span>}
                  {tx(notificationKey(n.kind), notificationVars(n))}
                </p>
                <p className="card__meta">
                  <MessageTime value={n.createdAt} />
                </p>
                <div className="cluster">
                  {url ? (
                    <Form method="post">
                      <input type="hidden" name="intent" value="read" />
                      <input type="hidden" name="id" value={n.id} />
                      <input type="hidden" name="open" value={url} />
                      <button type="submit" className="btn btn--small btn--primary">
                        {t("chat.notificationCentre.open")}
                      </button>
                    </Form>
                  ) : null}
                  {n.readAt ? null : (
                    <Form method="post">
                      <input type="hidden" name="intent" value="read" />
                      <input type="hidden" name="id" value={n.id} />
                      <button type="submit" className="btn btn--small">
                        {t("chat.notificationCentre.markRead")}
                      </button>
                    </Form>
                  )}
                </div>
              </li>
            );
          })}
        </ul>
      )}
      {hasMore && notifications.length ? (
        <p>
          <Link to={`/notifications?before=${notifications.at(-1)?.id}`}>{t("chat.notificationCentre.older")}</Link>
        </p>
      ) : null}

      <section id="settings" className="stack" aria-labelledby="email-title" tabIndex={-1}>
        <h2 id="email-title" className="section-title">
          {t("chat.notificationCentre.emailTitle")}
        </h2>
        {params.get("saved") ? (
          <p className="alert alert--success" role="status">
            {t("chat.settings.saved")}
          </p>
        ) : null}
        <Form method="post" className="form">
          <input type="hidden" name="intent" value="settings" />
          <fieldset className="field radio-list" aria-describedby="email-hint">
            <legend className="field__label">{t("chat.notificationCentre.emailLegend")}</legend>
            <p className="field__hint" id="email-hint">
              {t("chat.notificationCentre.emailHint")}
            </p>
            {EMAIL_DELAYS_MINUTES.map((m) => (
              <label className="radio" key={m}>
                <input type="radio" name="emailDelay" value={String(m)} defaultChecked={delay === String(m)} />
                <span>{tx(`chat.notificationCentre.delay.${m}`)}</span>
              </label>
            ))}
            <label className="radio">
              <input type="radio" name="emailDelay" value="never" defaultChecked={delay === "never"} />
              <span>{t("chat.notificationCentre.delay.never")}</span>
            </label>
          </fieldset>
          <div className="form-actions">
            <button type="submit" className="btn btn--primary">
              {t("chat.settings.save")}
            </button>
          </div>
        </Form>
      </section>
    </div>
  );
}
