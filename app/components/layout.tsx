import { Form, NavLink, useLocation, useRouteLoaderData } from "@remix-run/react";
import { createContext, useContext, useEffect } from "react";
import { UnreadBadge } from "~/modules/chat/components/unread-badge";
import { startLive, useLive } from "~/modules/realtime/live";
import { NotificationBell } from "~/modules/notifications/components/bell";
import { useI18n } from "~/utils/i18n";
import { useDisclosure } from "./disclosure";

export interface RootShape {
  locale: "fr-CA" | "en-CA";
  viewer: { id: string; displayName: string; verified: boolean; roles: string[] } | null;
  devMailbox: boolean;
  /** Server-rendered counts; the live connection's figures replace them once it has its summary. */
  badges: { chats: number; notifications: number } | null;
}

/**
 * What the header shows when the root loader did not run: an action's error page (the
 * root is the boundary, and Remix runs no loader at or below it) may hand it over here.
 */
export const ShellFallbackContext = createContext<RootShape | null>(null);

function useRoot(): RootShape | undefined {
  const fallback = useContext(ShellFallbackContext);
  return (useRouteLoaderData("root") as RootShape | undefined) ?? fallback ?? undefined;
}

/**
 * The header: the brand, then one <details> menu holding the sections, the search and
 * the account. On phones it is a "Menu" disclosure that opens without JavaScript; from
 * 48em the stylesheet shows its content in place (::details-content) and hides its
 * <summary>: the search and the account on the first row, the sections on the second.
 * The account's own entries (profile, sponsorship, administration) sit in a second
 * disclosure, a drop-down on wide screens and a plain list inside the phone menu.
 * See docs/design-system.md, "Header and menu".
 */
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
  const menu = useDisclosure();
  const account = useDisclosure();
  // Signed-in people are live on every page: unread badges and the bell follow.
  useEffect(() => {
    if (viewerId) startLive(viewerId);
  }, [viewerId]);
  const unreadChats = live.unread ? Object.values(live.unread).reduce((sum, n) => sum + n, 0) : (root?.badges?.chats ?? 0);
  const link = (to: string, label: string) => (
    <li>
      <NavLink className="site-nav__link" to={to} end={to === "/"}>
        {label}
      </NavLink>
    </li>
  );
  const accountLink = (to: string, label: string) => (
    <li>
      <NavLink className="account-menu__link" to={to}>
        {label}
      </NavLink>
    </li>
  );
  return (
    <header className="site-header">
      <div className="site-header__inner container">
        <a className="brand" href="/">
          Passerelle
        </a>
        <details className="site-menu" ref={menu}>
          <summary className="site-menu__toggle btn btn--secondary">{t("nav.menu")}</summary>
          <div className="site-menu__panel">
            <nav className="site-nav" aria-label={t("nav.label")}>
              <ul className="site-nav__list">
                {link("/", t("nav.home"))}
                {link("/forums", t("forums.nav"))}
                {link("/tools", t("tools.nav"))}
                {link("/events", t("events.nav"))}
                {viewer?.verified ? link("/cases", t("cases.nav")) : null}
                {viewer ? link("/mentoring", t("mentoring.nav")) : null}
                {viewer?.verified ? link("/members", t("nav.members")) : null}
                {viewer?.verified ? (
                  <li>
                    <NavLink className="site-nav__link" to="/chat">
                      {t("chat.nav")}
                      <UnreadBadge count={unreadChats} label={tx("chat.unread", { count: unreadChats })} />
                    </NavLink>
                  </li>
                ) : null}
              </ul>
            </nav>
            <form method="get" action="/search" className="header-search" role="search">
              <label className="visually-hidden" htmlFor="header-search">
                {t("forums.search.placeholder")}
              </label>
              <input
                className="input"
                id="header-search"
                name="q"
                type="search"
                placeholder={t("forums.search.placeholder")}
                maxLength={200}
              />
              <button type="submit" className="btn btn--small btn--secondary">
                {t("forums.search.submit")}
              </button>
            </form>
            <div className="site-nav__actions">
              <Form method="post" action="/lang" className="lang-switch">
                <input type="hidden" name="redirectTo" value={here} />
                <input type="hidden" name="locale" value={locale === "fr-CA" ? "en-CA" : "fr-CA"} />
                <button type="submit" className="btn btn--small btn--secondary" lang={locale === "fr-CA" ? "en-CA" : "fr-CA"}>
                  {t("nav.switchLanguage")}
                </button>
              </Form>
              {viewer ? (
                <details className="account-menu" ref={account}>
                  <summary className="account-menu__toggle btn btn--small btn--secondary">{t("nav.account")}</summary>
                  <nav className="account-menu__panel" aria-label={t("nav.account")}>
                    <p className="account-menu__name">{viewer.displayName}</p>
                    <ul className="account-menu__list">
                      {accountLink("/profile", t("nav.profile"))}
                      {canVouch ? accountLink("/vouch", t("nav.vouch")) : null}
                      {isAdmin ? accountLink("/admin", t("nav.admin")) : null}
                      {root?.devMailbox ? accountLink("/dev/mailbox", t("nav.mailbox")) : null}
                      <li>
                        <Form method="post" action="/logout">
                          <button type="submit" className="account-menu__link">
                            {t("nav.signOut")}
                          </button>
                        </Form>
                      </li>
                    </ul>
                  </nav>
                </details>
              ) : (
                <>
                  <a className="btn btn--small btn--secondary" href={`/login?redirectTo=${encodeURIComponent(here)}`}>
                    {t("nav.signIn")}
                  </a>
                  <a className="btn btn--small btn--primary" href="/signup">
                    {t("nav.signUp")}
                  </a>
                </>
              )}
            </div>
          </div>
        </details>
        {viewer ? <NotificationBell initial={root?.badges?.notifications ?? 0} /> : null}
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
              <li>
                <a href="/about">{t("footer.about")}</a>
              </li>
              <li>
                <a href="/contact">{t("footer.contact")}</a>
              </li>
              <li>
                <a href="/accessibility">{t("footer.accessibility")}</a>
              </li>
              <li>
                <a href="/privacy">{t("footer.privacy")}</a>
              </li>
              <li>
                <a href="/terms">{t("footer.terms")}</a>
              </li>
            </ul>
          </nav>
        </div>
      </div>
    </footer>
  );
}
