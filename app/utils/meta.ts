import type { MetaArgs } from "@remix-run/node";
import { DEFAULT_LOCALE, isLocale, translate, type MessageKey, type Vars } from "./i18n";

/** A page title in the visitor's language (root loader data carries the locale). */
export function pageTitle(args: Pick<MetaArgs, "matches">, key: MessageKey, vars?: Vars) {
  const root = args.matches.find((m) => m.id === "root")?.data as { locale?: unknown } | undefined;
  const locale = isLocale(root?.locale) ? root.locale : DEFAULT_LOCALE;
  return [{ title: `${translate(locale, key, vars)} · Passerelle` }];
}
