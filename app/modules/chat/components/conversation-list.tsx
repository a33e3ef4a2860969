// The list of the person's conversations, with unread counts that follow the live
// connection (the server's counts until it answers).
import { NavLink } from "@remix-run/react";
import { useI18n } from "~/utils/i18n";
import type { ConversationKind } from "~/utils/db-schema";
import { useLive } from "~/modules/realtime/live";
import { UnreadBadge } from "./unread-badge";

export interface ListedConversation {
  id: string;
  kind: ConversationKind;
  visibility: "members" | "verified";
  name: string;
  unread: number;
}

export function ConversationList({ conversations }: { conversations: ListedConversation[] }) {
  const { t, tx } = useI18n();
  const live = useLive();
  if (conversations.length === 0) return <p className="meta">{t("chat.sidebar.empty")}</p>;
  return (
    <ul className="chat-list">
      {conversations.map((c) => {
        const unread = live.unread?.[c.id] ?? c.unread;
        const kind = c.kind === "channel" ? (c.visibility === "verified" ? "channelPublic" : "channelPrivate") : c.kind;
        return (
          <li key={c.id}>
            <NavLink to={`/chat/${c.id}`} className={unread > 0 ? "chat-list__link chat-list__link--unread" : "chat-list__link"}>
              <span className="chat-list__kind" aria-hidden="true">
                {c.kind === "channel" ? "#" : c.kind === "group" ? "◆" : "●"}
              </span>
              <span className="chat-list__name">
                {c.name}
                <span className="visually-hidden"> ({tx(`chat.kinds.${kind}`)})</span>
              </span>
              <UnreadBadge count={unread} label={tx("chat.unread", { count: unread })} />
            </NavLink>
          </li>
        );
      })}
    </ul>
  );
}
