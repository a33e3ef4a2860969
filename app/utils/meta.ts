import type { MetaArgs } from "@remix-run/node";
import { DEFAULT_LOCALE, fallbackMessages, formatMessage, isLocale, type Dictionary, type MessageKey, type Vars } from "./i18n";
import { pageMessagesFor } from "./inline-messages";

type Args = Pick<MetaArgs, "matches" | "location">;

/** The document's title: the page's own, then the site's name ("Passerelle" alone when the page has none). */
export function siteTitle(...parts: Array<string | null | undefined>): string {
  return [...parts.filter(Boolean), "Passerelle"].join(" · ");
}

/** A page title in the visitor's language. */
export function pageTitle(args: Args, key: MessageKey, vars?: Vars) {
  return [{ title: siteTitle(metaI18n(args).t(key, vars)) }];
}

/**
 * The language and a translator for meta functions. The root loader's data carries the language,
 * and the messages after a client-side navigation; a whole page names its messages' file instead
 * (utils/inline-messages.tsx), so the title is made with the same dictionary as the page.
 */
export function metaI18n(args: Args) {
  const root = args.matches.find((m) => m.id === "root")?.data as { locale?: unknown; messages?: Dictionary | null } | undefined;
  const locale = isLocale(root?.locale) ? root.locale : DEFAULT_LOCALE;
  const messages = root?.messages ?? pageMessagesFor(locale, args.location.pathname) ?? fallbackMessages(locale);
  return { locale, t: (key: MessageKey, vars?: Vars) => formatMessage(messages, locale, key, vars) };
}
