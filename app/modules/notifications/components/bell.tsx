// The notification bell of the header: a link to /notifications (so it works
// without JavaScript) whose unread count follows the live connection.
import { NavLink } from "@remix-run/react";
import { useLive } from "~/modules/realtime/live";
import { useI18n } from "~/utils/i18n";

/** `initial` is the server's count, shown until the live connection has its own. */
export function NotificationBell({ initial }: { initial: number }) {
  const { t, tx } = useI18n();
  const { notifications } = useLive();
  const count = notifications ?? initial;
  return (
    <NavLink to="/notifications" className="btn btn--small btn--secondary chat-bell">
      <svg className="chat-bell__icon" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false">
        <path
          fill="currentColor"
          d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z"
        />
      </svg>
      <span className="visually-hidden">{t("chat.notificationCentre.title")}</span>
      {count > 0 ? (
        <span className="chat-badge">
          <span aria-hidden="true">{count > 99 ? "99+" : count}</span>
          <span className="visually-hidden">{tx("chat.notificationCentre.unread", { count })}</span>
        </span>
      ) : null}
    </NavLink>
  );
}
