import { Form, NavLink, useLocation, useRouteLoaderData } from "@remix-run/react";
import { useEffect } from "react";
import { UnreadBadge } from "~/modules/chat/components/unread-badge";
import { startLive, useLive } from "~/modules/chat/live";
import { NotificationBell } from "~/modules/notifications/components/bell";
import { useI18n } from "~/utils/i18n";

interface RootShape {
  locale: "fr-CA" | "en-CA";
  viewer: { id: string; displayName: string; verified: boolean; roles: string[] } | null;
  devMailbox: boolean;
  /** Server-rendered counts; the live connection's figures replace them once it has its summary. */
  badges: { chats: number; notifications: number } | null;
}

function useRoot(): RootShape | undefined {
  return useRouteLoaderData("root") as RootShape | undefined;
}

export function SiteHeader() {
  const { t, tx, locale } = useI18n();
  const root = useRoot();
  const location = useLocation();
  const viewer = root?.viewer ?? null;
  const isAdmin = viewer?.roles.includes("admin") ?? false;
  const canVouch = Boolean(viewer?.verified && viewer.roles.some((r) => r === "mentor" || r === "moderator" || r === "admin"));
  const here = location.pathname + location.search;
  const live = useLive();
  const viewerId = viewer?.id ?? null;
  // Signed-in people are live on every page: unread badges and the bell follow.
  useEffect(() => {
    if (viewerId) startLive(viewerId);
  }, [viewerId]);
  const unreadChats = live.unread
    ? Object.values(live.unread).reduce((sum, n) => sum + n, 0)
    : root?.badges?.chats ?? 0;
  const link = (to: string, label: string) => (
    <li>
      <NavLink className="site-nav__link" to={to} end={to === "/"}>{label}</NavLink>
    </li>
  );
  return (
    <header className="site-header">
      <div className="site-header__inner container">
        <a className="brand" href="/">Passerelle</a>
        <nav className="site-nav" aria-label={t("nav.label")}>
          <ul className="site-nav__list">
            {link("/", t("nav.home"))}
            {link("/forums", t("forums.nav"))}
            {link("/tools", t("tools.nav"))}
            {viewer?.verified ? link("/cases", t("cases.nav")) : null}
            {viewer?.verified ? link("/members", t("nav.members")) : null}
            {viewer?.verified ? (
              <li>
                <NavLink className="site-nav__link" to="/chat">
                  {t("chat.nav")}
                  <UnreadBadge count={unreadChats} label={tx("chat.unread", { count: unreadChats })} />
                </NavLink>
              </li>
            ) : null}
            {viewer ? link("/profile", t("nav.profile")) : null}
            {canVouch ? link("/vouch", t("nav.vouch")) : null}
            {isAdmin ? link("/admin", t("nav.admin")) : null}
            {root?.devMailbox ? link("/dev/mailbox", t("nav.mailbox")) : null}
          </ul>
        </nav>
        <div className="site-nav__actions cluster">
          <form method="get" action="/search" className="header-search" role="search">
            <label className="visually-hidden" htmlFor="header-search">{t("forums.search.placeholder")}</label>
            <input className="input" id="header-search" name="q" type="search" placeholder={t("forums.search.placeholder")} maxLength={200} />
            <button type="submit" className="btn btn--small btn--secondary">{t("forums.search.submit")}</button>
          </form>
          <Form method="post" action="/lang" className="lang-switch">
            <input type="hidden" name="redirectTo" value={here} />
            <input type="hidden" name="locale" value={locale === "fr-CA" ? "en-CA" : "fr-CA"} />
            <button type="submit" className="btn btn--small btn--secondary" lang={locale === "fr-CA" ? "en-CA" : "fr-CA"}>
              {t("nav.switchLanguage")}
            </button>
          </Form>
          {viewer ? <NotificationBell initial={root?.badges?.notifications ?? 0} /> : null}
          {viewer ? (
            <Form method="post" action="/logout">
              <button type="submit" className="btn btn--small btn--link">{t("nav.signOut")}</button>
            </Form>
          ) : (
            <>
              <a className="btn btn--small btn--secondary" href={`/login?redirectTo=${encodeURIComponent(here)}`}>{t("nav.signIn")}</a>
              <a className="btn btn--small btn--primary" href="/signup">{t("nav.signUp")}</a>
            </>
          )}
        </div>
      </div>
    </header>
  );
}

export function SiteFooter() {
  const { t } = useI18n();
  return (
    <footer className="site-footer">
      <div className="container">
        <div className="cluster">
          <p className="meta">{t("footer.tagline")}</p>
          <nav aria-label={t("footer.label")}>
            <ul className="cluster">
              <li><a href="/privacy">{t("footer.privacy")}</a></li>
              <li><a href="/terms">{t("footer.terms")}</a></li>
            </ul>
          </nav>
        </div>
      </div>
    </footer>
  );
}
