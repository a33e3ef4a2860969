import { json, type LinksFunction, type LoaderFunctionArgs } from "@remix-run/node";
import type { ShouldRevalidateFunction } from "@remix-run/react";
import {
  isRouteErrorResponse,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLoaderData,
  useLocation,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import { useEffect, useRef } from "react";
import { ShellFallbackContext, SiteFooter, SiteHeader } from "~/components/layout";
import { PermitBanner } from "~/modules/accounts/components/permit-banner";
import { getOptionalViewer, type LapsedRefusal } from "~/modules/accounts/guards.server";
import { getHeaderBadges } from "~/modules/chat/chat.server";
import {
  DEFAULT_LOCALE,
  fallbackMessages,
  formatMessage,
  I18nProvider,
  isLocale,
  useI18n,
  type Dictionary,
  type Locale,
} from "~/utils/i18n";
import { inlineMessagesFor, messagesFor } from "~/utils/i18n.server";
import { PageMessagesLink, useInlineMessages } from "~/utils/inline-messages";
import { messageSelection } from "~/utils/i18n-sections";
import { getLocale } from "~/utils/locale.server";
import { useNonce } from "~/utils/nonce";
import { siteTitle } from "~/utils/meta";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: "/styles/app.css" },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const [locale, viewer] = await Promise.all([getLocale(request), getOptionalViewer(request, context)]);
  // Badges are in the HTML: right without JavaScript, and no flash before the socket's summary.
  const badges = viewer ? await getHeaderBadges(context.db, viewer.claims, { chat: viewer.verified }) : null;
  const pathname = new URL(request.url).pathname;
  // A whole page names its messages' file, made once per language and section
  // (utils/inline-messages.tsx); a client-side navigation receives them here.
  const slot = context.inlineMessages;
  if (slot) slot.value = inlineMessagesFor(locale, pathname);
  return json({
    locale,
    // Only this language and the namespaces this section of the site needs (decision 003).
    messages: slot ? null : messagesFor(locale, pathname),
    viewer: viewer && {
      id: viewer.id,
      displayName: viewer.displayName,
      verified: viewer.verified,
      roles: viewer.roles,
      // The permit banner: only for a verified member (a lapse means nothing to anyone else).
      permit: viewer.verified ? (viewer.permit ?? null) : null,
    },
    badges,
    // The mailbox is an admin's page: nobody else is shown the way to it.
    devMailbox: context.env.devMailbox && Boolean(viewer?.roles.includes("admin")),
  });
}

/** A client-side navigation to another section of the site fetches that section's messages. */
export const shouldRevalidate: ShouldRevalidateFunction = ({ currentUrl, nextUrl, defaultShouldRevalidate }) => {
  if (defaultShouldRevalidate) return true;
  const [current, next] = [messageSelection(currentUrl.pathname), messageSelection(nextUrl.pathname)];
  return current.namespaces.join() !== next.namespaces.join() || current.picks.join() !== next.picks.join();
};

export type RootData = ReturnType<typeof useLoaderData<typeof loader>>;
export const useRootData = () => useRouteLoaderData<typeof loader>("root");

function Document({
  locale,
  messages,
  title,
  children,
}: {
  locale: Locale;
  messages: Dictionary;
  title?: string;
  children: React.ReactNode;
}) {
  const nonce = useNonce();
  return (
    <html lang={locale}>
      <head>
        <meta charSet="utf-8" />
        {/* Here rather than in meta: a route's meta replaces the root's, it does not merge. */}
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        {title ? <title>{title}</title> : null}
        <Meta />
        <Links />
        <PageMessagesLink />
      </head>
      <body>
        <I18nProvider locale={locale} messages={messages}>
          {children}
        </I18nProvider>
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
  const inline = useInlineMessages();
  useFocusMainOnNavigate();
  return (
    <Document locale={data.locale} messages={data.messages ?? inline ?? fallbackMessages(data.locale)}>
      <Shell>
        <Outlet />
      </Shell>
    </Document>
  );
}

function Shell({ children, fallback }: { children: React.ReactNode; fallback?: LapsedRefusal["shell"] }) {
  const { t } = useI18n();
  const root = useRouteLoaderData<typeof loader>("root") ?? fallback;
  return (
    <>
      <a className="skip-link" href="#main">
        {t("nav.skip")}
      </a>
      <SiteHeader />
      <main id="main" className="site-main" tabIndex={-1}>
        <PermitBanner permit={root?.viewer?.permit} />
        {children}
      </main>
      <SiteFooter />
    </>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  const data = useRouteLoaderData<typeof loader>("root");
  // A refused post has no root data to render with; the refusal names the member's language.
  const refusal: unknown = isRouteErrorResponse(error) ? error.data : null;
  const refusalLocale = refusal && typeof refusal === "object" && "locale" in refusal ? refusal.locale : null;
  const locale = data?.locale ?? (isLocale(refusalLocale) ? refusalLocale : DEFAULT_LOCALE);
  const inline = useInlineMessages();
  const messages = data?.messages ?? inline ?? fallbackMessages(locale);
  const status = isRouteErrorResponse(error) ? error.status : 500;
  // A lapsed permit's refusal says why and links to the renewal.
  const lapsed = Boolean(refusal && typeof refusal === "object" && "code" in refusal && refusal.code === "permit_lapsed");
  const key = status === 404 ? "notFound" : lapsed ? "permitLapsed" : status === 403 ? "forbidden" : "generic";
  // Her refusal carries what the header needs: the page keeps the site around it.
  const shell = lapsed ? (refusal as LapsedRefusal).shell : undefined;
  return (
    <Document locale={locale} messages={messages} title={siteTitle(formatMessage(messages, locale, `errorPage.${key}.title`))}>
      {data ? (
        <Shell>
          <ErrorContent errorKey={key} />
        </Shell>
      ) : shell ? (
        <ShellFallbackContext.Provider value={shell}>
          <Shell fallback={shell}>
            <ErrorContent errorKey={key} />
          </Shell>
        </ShellFallbackContext.Provider>
      ) : (
        <main id="main" className="site-main" tabIndex={-1}>
          <ErrorContent errorKey={key} />
        </main>
      )}
    </Document>
  );
}

function ErrorContent({ errorKey }: { errorKey: string }) {
  const { tx } = useI18n();
  return (
    <div className="container container--narrow stack">
      <h1>{tx(`errorPage.${errorKey}.title`)}</h1>
      <p>{tx(`errorPage.${errorKey}.body`)}</p>
      {errorKey === "permitLapsed" ? (
        <p>
          <a href="/profile/permit">{tx("errorPage.permitLapsed.renew")}</a>
        </p>
      ) : null}
      <p>
        <a href="/">{tx("errorPage.home")}</a>
      </p>
    </div>
  );
}
