// A whole page names its messages (one file per language and section of the site, its
// version in its name, cached by the browser for good) instead of carrying them:
// - in the root loader's data they were serialised into JSON, read back and serialised
//   again into the page, with HTML escaping, on every request (decision 018);
// - inline in the page they were still about 59 KB of a forum page's 206, compressed again
//   for every page and sent again for every page (decision 036).
// The browser fetches the file while the page's modules load (a preload link in the head)
// and hydrates once it has it (entry.client.tsx). Without JavaScript nothing changes: the
// server renders the words. Client-side navigations still receive them in the root loader's JSON.
import { createContext, useContext } from "react";
import type { Dictionary, Locale } from "./i18n";

/** The messages of this page, and where the browser gets them (made once per language and section, server side). */
export interface InlineMessages {
  dictionary: Dictionary;
  /** `/i18n/<locale>/<section>.<version>.json` (app/routes/i18n.$locale.$file.tsx). */
  url: string;
}

/** Where the root loader leaves this page's messages for the document (per request, server only). */
export interface InlineMessagesSlot {
  value: InlineMessages | null;
}

const GLOBAL = "__passerelleMessages";
const URL_GLOBAL = "__passerelleMessagesUrl";
export const InlineMessagesContext = createContext<InlineMessages | null>(null);

interface PageMessagesWindow {
  [GLOBAL]?: Dictionary;
  [URL_GLOBAL]?: string;
}
const pageWindow = () => (typeof window === "undefined" ? null : (window as unknown as PageMessagesWindow));

/** The messages the page names: from the render context on the server, fetched before hydration in the browser. */
export function useInlineMessages(): Dictionary | null {
  const inline = useContext(InlineMessagesContext);
  if (inline) return inline.dictionary;
  return pageWindow()?.[GLOBAL] ?? null;
}

/** How the server finds the messages of a page (its language and section): registered by entry.server.tsx. */
type ServerMessages = (locale: Locale, pathname: string) => Dictionary;
let serverMessages: ServerMessages | null = null;

/** Server start: where pageMessagesFor reads (i18n.server.ts's messagesFor, cached per language and section). */
export function provideServerMessages(source: ServerMessages) {
  serverMessages = source;
}

/**
 * The messages of the page at `pathname`, for code outside React's tree that the root loader's data
 * does not serve on a whole page (meta functions: the document's title). The same dictionary the page
 * renders with: on the server, its language and section's; in the browser, the file fetched before
 * hydration (after a client-side navigation to another section the root loader's data carries them).
 */
export function pageMessagesFor(locale: Locale, pathname: string): Dictionary | null {
  const browser = pageWindow();
  if (browser) return browser[GLOBAL] ?? null;
  return serverMessages?.(locale, pathname) ?? null;
}

const LINK_ATTRIBUTE = "data-page-messages";

/** The head's link to the page's messages: the browser starts fetching them with the page's modules. */
export function PageMessagesLink() {
  const inline = useContext(InlineMessagesContext);
  const url = inline?.url ?? pageWindow()?.[URL_GLOBAL];
  if (!url) return null;
  return <link rel="preload" as="fetch" crossOrigin="anonymous" href={url} {...{ [LINK_ATTRIBUTE]: "" }} />;
}

/**
 * Browser, before hydration: fetches the messages the page names (from the HTTP cache after the
 * first page of a section). False when they could not be had: the page then stays as the server
 * rendered it, which works without JavaScript, rather than hydrating without its words.
 */
export async function loadPageMessages(): Promise<boolean> {
  const link = document.querySelector<HTMLLinkElement>(`link[${LINK_ATTRIBUTE}]`);
  if (!link) return true;
  const href = link.getAttribute("href") ?? "";
  try {
    // The same mode and credentials as the preload (crossorigin="anonymous"), so it is reused.
    const response = await fetch(href, { credentials: "same-origin" });
    if (!response.ok) return false;
    const target = window as unknown as PageMessagesWindow;
    target[GLOBAL] = (await response.json()) as Dictionary;
    target[URL_GLOBAL] = href;
    return true;
  } catch {
    return false;
  }
}
