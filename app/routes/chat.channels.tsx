import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { requireVerified } from "~/modules/accounts/guards.server";
import { joinChannel, listPublicChannels } from "~/modules/chat/chat.server";
import { isUuid, refusal } from "~/modules/chat/guards.server";
import { localizeChannel } from "~/modules/chat/channel-labels.server";
import { publishMembership } from "~/modules/chat/publish.server";
import { getLocale } from "~/utils/locale.server";
import { useI18n } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => pageTitle(args, "chat.channels.title");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = await requireVerified(request, context);
  const locale = await getLocale(request);
  const channels = await listPublicChannels(context.db, viewer.claims);
  return json({ channels: channels.map((c) => localizeChannel(c, locale)) });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const viewer = await requireVerified(request, context);
  const id = (await request.formData()).get("conversationId");
  if (!isUuid(id)) return refusal("not_found", "join");
  const joined = await joinChannel(context.db, viewer.claims, id);
  if (!joined.ok) return refusal(joined.code, "join");
  publishMembership(context.realtime, id, viewer.id, "added");
  return redirect(`/chat/${id}`);
}

export default function Channels() {
  const { t, tx } = useI18n();
  const { channels } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <div className="stack stack--l">
      <header className="page-header">
        <h1>{t("chat.channels.title")}</h1>
        <p className="lead">{t("chat.channels.lead")}</p>
      </header>
      {result?.formError ? (
        <p className="alert alert--error" role="alert">
          {tx(result.formError)}
        </p>
      ) : null}
      {channels.length === 0 ? (
        <p className="empty-state">{t("chat.channels.empty")}</p>
      ) : (
        <ul className="grid">
          {channels.map((c) => (
            <li key={c.id} className="card stack stack--s">
              <h2 className="card__title">{c.joined ? <Link to={`/chat/${c.id}`}>{c.name}</Link> : c.name}</h2>
              <p className="card__meta">
                {c.regionCode ? `${t("chat.channels.region")} · ` : ""}
                {tx("chat.header.members", { count: c.members })}
              </p>
              {c.topic ? <p>{c.topic}</p> : null}
              {c.joined ? (
                <p className="meta">{t("chat.channels.joined")}</p>
              ) : (
                <Form method="post">
                  <input type="hidden" name="conversationId" value={c.id} />
                  <button type="submit" className="btn btn--small btn--primary">
                    {t("chat.join.submit")}
                    <span className="visually-hidden"> {c.name}</span>
                  </button>
                </Form>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
