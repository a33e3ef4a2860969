import { json, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import {
  isRouteErrorResponse, Links, Meta, Outlet, Scripts, ScrollRestoration,
  useLoaderData, useLocation, useRouteError, useRouteLoaderData,
} from "@remix-run/react";
import { useEffect, useRef } from "react";
import { SiteFooter, SiteHeader } from "~/components/layout";
import { getOptionalViewer } from "~/modules/accounts/guards.server";
import { getHeaderBadges } from "~/modules/chat/chat.server";
import { DEFAULT_LOCALE, I18nProvider, translate, useI18n, type Locale } from "~/utils/i18n";
import { getLocale } from "~/utils/locale.server";
import { useNonce } from "~/utils/nonce";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: "/styles/app.css" },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const meta: MetaFunction = () => [{ name: "viewport", content: "width=device-width, initial-scale=1" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const [locale, viewer] = await Promise.all([getLocale(request), getOptionalViewer(request, context)]);
  // Badges are in the HTML: right without JavaScript, and no flash before the socket's summary.
  const badges = viewer ? await getHeaderBadges(context.db, viewer.claims, { chat: viewer.verified }) : null;
  return json({
    locale,
    viewer: viewer && { id: viewer.id, displayName: viewer.displayName, verified: viewer.verified, roles: viewer.roles },
    badges,
    devMailbox: context.env.devMailbox,
  });
}

export type RootData = ReturnType<typeof useLoaderData<typeof loader>>;
export const useRootData = () => useRouteLoaderData<typeof loader>("root");

function Document({ locale, title, children }: { locale: Locale; title?: string; children: React.ReactNode }) {
  const nonce = useNonce();
  return (
    <html lang={locale}>
      <head>
        <meta charSet="utf-8" />
        {title ? <title>{title}</title> : null}
        <Meta />
        <Links />
      </head>
      <body>
        <I18nProvider locale={locale}>{children}</I18nProvider>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

/** After a client-side navigation, move focus to the main content so screen readers announce the new page. */
function useFocusMainOnNavigate() {
  const location = useLocation();
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    document.getElementById("main")?.focus();
  }, [location.pathname]);
}

export default function App() {
  const data = useLoaderData<typeof loader>();
  useFocusMainOnNavigate();
  return (
    <Document locale={data.locale}>
      <Shell>
        <Outlet />
      </Shell>
    </Document>
  );
}

function Shell({ children }: { children: React.ReactNode }) {
  const { t } = useI18n();
  return (
    <>
      <a className="skip-link" href="#main">{t("nav.skip")}</a>
      <SiteHeader />
      <main id="main" className="site-main" tabIndex={-1}>
        {children}
      </main>
      <SiteFooter />
    </>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  const data = useRouteLoaderData<typeof loader>("root");
  const locale = data?.locale ?? DEFAULT_LOCALE;
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const key = status === 404 ? "notFound" : status === 403 ? "forbidden" : "generic";
  return (
    <Document locale={locale} title={translate(locale, `errorPage.${key}.title`)}>
      {data ? (
        <Shell>
          <ErrorContent locale={locale} errorKey={key} />
        </Shell>
      ) : (
        <main id="main" className="site-main" tabIndex={-1}>
          <ErrorContent locale={locale} errorKey={key} />
        </main>
      )}
    </Document>
  );
}

function ErrorContent({ locale, errorKey }: { locale: Locale; errorKey: string }) {
  return (
    <div className="container container--narrow stack">
      <h1>{translate(locale, `errorPage.${errorKey}.title`)}</h1>
      <p>{translate(locale, `errorPage.${errorKey}.body`)}</p>
      <p><a href="/">{translate(locale, "errorPage.home")}</a></p>
    </div>
  );
}
