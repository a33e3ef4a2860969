import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { NavLink, Outlet, useLoaderData, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import { hasRole } from "~/modules/accounts/accounts.server";
import { requireVerified } from "~/modules/accounts/guards.server";
import { listConversations } from "~/modules/chat/chat.server";
import { ConversationList } from "~/modules/chat/components/conversation-list";
import { onLive, startLive } from "~/modules/realtime/live";
import { CHAT_BROADCASTS, membershipBroadcastSchema } from "~/modules/chat/schemas";
import { useI18n } from "~/utils/i18n";
import { getLocale } from "~/utils/locale.server";
import { pageTitle } from "~/utils/meta";
import { localizeChannel } from "~/modules/chat/channel-labels.server";

export const meta: MetaFunction = (args) => pageTitle(args, "chat.title");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = await requireVerified(request, context);
  const locale = await getLocale(request);
  const conversations = (await listConversations(context.db, viewer.claims)).map((c) => localizeChannel(c, locale));
  return json({ conversations, me: viewer.id, isModerator: hasRole(viewer, "moderator") });
}

export default function ChatLayout() {
  const { t } = useI18n();
  const { conversations, me, isModerator } = useLoaderData<typeof loader>();
  const revalidator = useRevalidator();
  useEffect(() => {
    startLive(me);
    // Added to a conversation, removed, a rename: the list comes from the server again.
    return onLive(CHAT_BROADCASTS.membership, (raw) => {
      const event = membershipBroadcastSchema.safeParse(raw);
      if (event.success && (event.data.userId === me || event.data.change === "renamed")) revalidator.revalidate();
    });
  }, [me, revalidator]);
  return (
    <div className="chat-layout container">
      <nav className="chat-sidebar stack stack--s" aria-label={t("chat.sidebar.label")}>
        <ul className="chat-sidebar__actions">
          <li>
            <NavLink to="/chat/new" className="btn btn--small btn--primary">
              {t("chat.sidebar.new")}
            </NavLink>
          </li>
          <li>
            <NavLink to="/chat/channels" className="btn btn--small btn--secondary">
              {t("chat.sidebar.channels")}
            </NavLink>
          </li>
          <li>
            <NavLink to="/chat/settings" className="btn btn--small">
              {t("chat.sidebar.settings")}
            </NavLink>
          </li>
          {isModerator ? (
            <li>
              <NavLink to="/chat/moderation" className="btn btn--small">
                {t("chat.sidebar.moderation")}
              </NavLink>
            </li>
          ) : null}
        </ul>
        <ConversationList conversations={conversations} />
      </nav>
      <div className="chat-main">
        <Outlet />
      </div>
    </div>
  );
}
