import type { MetaArgs } from "@remix-run/node";
import { DEFAULT_LOCALE, fallbackMessages, formatMessage, isLocale, type Dictionary, type MessageKey, type Vars } from "./i18n";

/** A page title in the visitor's language (root loader data carries the locale and the page's messages). */
export function pageTitle(args: Pick<MetaArgs, "matches">, key: MessageKey, vars?: Vars) {
  return [{ title: `${metaI18n(args).t(key, vars)} · Passerelle` }];
}

/** The language and a translator for meta functions (from the root loader's data). */
export function metaI18n(args: Pick<MetaArgs, "matches">) {
  const root = args.matches.find((m) => m.id === "root")?.data as { locale?: unknown; messages?: Dictionary } | undefined;
  const locale = isLocale(root?.locale) ? root.locale : DEFAULT_LOCALE;
  const messages = root?.messages ?? fallbackMessages(locale);
  return { locale, t: (key: MessageKey, vars?: Vars) => formatMessage(messages, locale, key, vars) };
}
