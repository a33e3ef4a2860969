import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { getOptionalViewer } from "~/modules/accounts/guards.server";
import { hasRole } from "~/modules/accounts/accounts.server";
import { useI18n } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => pageTitle(args, "mailbox.title");

// The embedded mode's mailbox: mail stays in the outbox (no SMTP), and this page
// shows it so someone trying Passerelle can follow a password-reset link. It holds
// every member's reset links, so it answers to admins only, and only where DEV_MAILBOX
// is on (the embedded default; never with SMTP_URL). Everyone else gets a 404, as if
// it did not exist, rather than a sign-in prompt that would advertise it.
export async function loader({ request, context }: LoaderFunctionArgs) {
  if (!context.env.devMailbox) throw new Response("not_found", { status: 404 });
  const viewer = await getOptionalViewer(request, context);
  if (!hasRole(viewer, "admin")) throw new Response("not_found", { status: 404 });
  const messages = await context.db.asSystem("dev mailbox: list outbox", (tx) =>
    tx
      .selectFrom("outbox")
      .select(["id", "to_email", "subject", "body_text", "created_at", "headers"])
      .orderBy("id", "desc")
      .limit(50)
      .execute(),
  );
  // Headers as text lines (List-Unsubscribe…), shown as they would be sent.
  return json({
    messages: messages.map(({ headers, ...m }) => ({
      ...m,
      headers: Object.entries(headers)
        .filter(([, v]) => typeof v === "string")
        .map(([k, v]) => `${k}: ${String(v)}`),
    })),
  });
}

export default function Mailbox() {
  const { t, date } = useI18n();
  const { messages } = useLoaderData<typeof loader>();
  return (
    <div className="container container--narrow stack stack--l">
      <header className="page-header">
        <h1>{t("mailbox.title")}</h1>
        <p className="lead">{t("mailbox.lead")}</p>
      </header>
      {messages.length === 0 ? <p className="empty-state">{t("mailbox.empty")}</p> : null}
      {messages.map((m) => (
        <article key={m.id} className="card stack stack--s" aria-labelledby={`m-${m.id}`}>
          <h2 id={`m-${m.id}`} className="card__title">
            {m.subject}
          </h2>
          <p className="card__meta">
            {t("mailbox.to")} {m.to_email} · {date(m.created_at, "datetime")}
          </p>
          {m.headers.length > 0 ? (
            <details>
              <summary>{t("mailbox.headers")}</summary>
              <pre className="mailbox-message">{m.headers.join("\n")}</pre>
            </details>
          ) : null}
          <pre className="mailbox-message">{m.body_text}</pre>
        </article>
      ))}
    </div>
  );
}
