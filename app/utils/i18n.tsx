// French first: fr-CA is the source of truth for keys; en-CA must have exactly the
// same keys (checked by the type below at compile time and by a unit test).
// Dates and numbers go through Intl in America/Toronto.
import { createContext, useContext, useMemo, type ReactNode } from "react";
import enCases from "~/locales/en-CA/cases.json";
import enChat from "~/locales/en-CA/chat.json";
import enCommon from "~/locales/en-CA/common.json";
import enForums from "~/locales/en-CA/forums.json";
import enTools from "~/locales/en-CA/tools.json";
import frCases from "~/locales/fr-CA/cases.json";
import frChat from "~/locales/fr-CA/chat.json";
import frCommon from "~/locales/fr-CA/common.json";
import frForums from "~/locales/fr-CA/forums.json";
import frTools from "~/locales/fr-CA/tools.json";

export const LOCALES = ["fr-CA", "en-CA"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "fr-CA";
export const TIME_ZONE = "America/Toronto";
export const LOCALE_COOKIE = "passerelle_lang";

// One file per capability (locales/<lang>/<module>.json), mounted under the module's
// name; common.json is at the root. fr-CA is the source of truth for the keys.
const frCA = { ...frCommon, cases: frCases, chat: frChat, forums: frForums, tools: frTools };
export type Messages = typeof frCA;
// Compile-time completeness: en-CA must have every key fr-CA has.
const en: Messages = { ...enCommon, cases: enCases, chat: enChat, forums: enForums, tools: enTools };
export const MESSAGES: Record<Locale, Messages> = { "fr-CA": frCA, "en-CA": en };

type Leaves<T, P extends string = ""> = {
  [K in keyof T & string]: T[K] extends string ? `${P}${K}` : Leaves<T[K], `${P}${K}.`>;
}[keyof T & string];
export type MessageKey = Leaves<Messages>;
export type Vars = Record<string, string | number>;

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

function lookup(messages: Messages, key: string): string | undefined {
  let node: unknown = messages;
  for (const part of key.split(".")) {
    if (node && typeof node === "object" && part in node) node = (node as Record<string, unknown>)[part];
    else return undefined;
  }
  return typeof node === "string" ? node : undefined;
}

/** Translates a key; `{name}` placeholders are filled from vars; `count` picks `_one`/`_other`. */
export function translate(locale: Locale, key: MessageKey | string, vars?: Vars): string {
  const messages = MESSAGES[locale];
  let text: string | undefined;
  if (vars && typeof vars.count === "number") {
    const form = new Intl.PluralRules(locale).select(vars.count);
    text = lookup(messages, `${key}_${form}`) ?? lookup(messages, `${key}_other`);
  }
  text ??= lookup(messages, key) ?? key;
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = vars[name];
    if (value === undefined) return whole;
    return typeof value === "number" ? new Intl.NumberFormat(locale).format(value) : value;
  });
}

export function formatDate(locale: Locale, value: Date | string, style: "long" | "short" | "datetime" = "long"): string {
  // A calendar date is noon UTC (07:00 or 08:00 in Toronto): the same day whatever
  // the time zone of the machine that renders it (server or browser).
  const date = typeof value === "string" ? new Date(value.length === 10 ? `${value}T12:00:00Z` : value) : value;
  const options: Intl.DateTimeFormatOptions =
    style === "datetime"
      ? { dateStyle: "long", timeStyle: "short", timeZone: TIME_ZONE }
      : { dateStyle: style === "long" ? "long" : "medium", timeZone: TIME_ZONE };
  return new Intl.DateTimeFormat(locale, options).format(date);
}

/** Picks the French or English label of a reference row (regions, disciplines, topics…). */
export function labelOf(locale: Locale, row: { name_fr: string; name_en?: string | null }): string {
  return locale === "en-CA" && row.name_en ? row.name_en : row.name_fr;
}

const I18nContext = createContext<Locale>(DEFAULT_LOCALE);

export function I18nProvider({ locale, children }: { locale: Locale; children: ReactNode }) {
  return <I18nContext.Provider value={locale}>{children}</I18nContext.Provider>;
}

export function useI18n() {
  const locale = useContext(I18nContext);
  return useMemo(
    () => ({
      locale,
      t: (key: MessageKey, vars?: Vars) => translate(locale, key, vars),
      /** For keys computed at run time (error codes from a schema, enum values). */
      tx: (key: string, vars?: Vars) => translate(locale, key, vars),
      date: (value: Date | string, style?: "long" | "short" | "datetime") => formatDate(locale, value, style),
      label: (row: { name_fr: string; name_en?: string | null }) => labelOf(locale, row),
    }),
    [locale],
  );
}
