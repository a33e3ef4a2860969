import { Link } from "@remix-run/react";
import { useI18n } from "~/utils/i18n";

export default function ChatHome() {
  const { t } = useI18n();
  return (
    <div className="stack">
      <header className="page-header">
        <h1>{t("chat.title")}</h1>
        <p className="lead">{t("chat.home.lead")}</p>
      </header>
      <div className="empty-state stack stack--s">
        <p>{t("chat.home.choose")}</p>
        <p className="cluster">
          <Link to="/chat/new" className="btn btn--primary">
            {t("chat.sidebar.new")}
          </Link>
          <Link to="/chat/channels" className="btn btn--secondary">
            {t("chat.sidebar.channels")}
          </Link>
        </p>
      </div>
      <p className="field__hint">{t("chat.home.privacy")}</p>
    </div>
  );
}
