import { Form, NavLink, useLocation, useRouteLoaderData } from "@remix-run/react";
import { useI18n } from "~/utils/i18n";

interface RootShape {
  locale: "fr-CA" | "en-CA";
  viewer: { id: string; displayName: string; verified: boolean; roles: string[] } | null;
  devMailbox: boolean;
}

function useRoot(): RootShape | undefined {
  return useRouteLoaderData("root") as RootShape | undefined;
}

export function SiteHeader() {
  const { t, locale } = useI18n();
  const root = useRoot();
  const location = useLocation();
  const viewer = root?.viewer ?? null;
  const isAdmin = viewer?.roles.includes("admin") ?? false;
  const canVouch = Boolean(viewer?.verified && viewer.roles.some((r) => r === "mentor" || r === "moderator" || r === "admin"));
  const here = location.pathname + location.search;
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
            {viewer?.verified ? link("/members", t("nav.members")) : null}
            {viewer ? link("/profile", t("nav.profile")) : null}
            {canVouch ? link("/vouch", t("nav.vouch")) : null}
            {isAdmin ? link("/admin", t("nav.admin")) : null}
            {root?.devMailbox ? link("/dev/mailbox", t("nav.mailbox")) : null}
          </ul>
        </nav>
        <div className="site-nav__actions cluster">
          <Form method="post" action="/lang" className="lang-switch">
            <input type="hidden" name="redirectTo" value={here} />
            <input type="hidden" name="locale" value={locale === "fr-CA" ? "en-CA" : "fr-CA"} />
            <button type="submit" className="btn btn--small btn--secondary" lang={locale === "fr-CA" ? "en-CA" : "fr-CA"}>
              {t("nav.switchLanguage")}
            </button>
          </Form>
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
