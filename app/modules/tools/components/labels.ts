// Labels for the library's codes (kinds, topics, disciplines, languages, statuses,
// publication dates, file sizes) in the visitor's language.
import { useMemo } from "react";
import { DISCIPLINES, TOPICS } from "~/modules/accounts/reference";
import { formatDate, useI18n, type Locale } from "~/utils/i18n";
import { TOOL_KINDS, TOOL_LANGUAGES } from "../limits";

export function formatPublished(locale: Locale, value: string | null): string | null {
  if (!value) return null;
  if (/^\d{4}$/.test(value)) return value;
  // A month is shown from its middle day, a day as a calendar date (noon UTC): the same
  // whatever the time zone of the machine that renders it.
  if (/^\d{4}-\d{2}$/.test(value)) return formatDate(locale, `${value}-15`, "month");
  return formatDate(locale, value, "long");
}

/** The language tag of a document's own text (titles are in the document's language). */
export function documentLang(language: string): string {
  return language === "en" ? "en-CA" : "fr-CA";
}

export function useToolLabels() {
  const { locale, label, tx, t } = useI18n();
  return useMemo(() => {
    const topics = new Map(TOPICS.map((x) => [x.code, label(x)]));
    const disciplines = new Map(DISCIPLINES.map((x) => [x.code, label(x)]));
    const size = (bytes: number) => bytes >= 1024 * 1024
      ? t("tools.file.sizeMb", { size: new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(bytes / (1024 * 1024)) })
      : t("tools.file.size", { size: new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(Math.max(1, bytes / 1024)) });
    return {
      kind: (code: string) => tx(`toolKinds.${code}`),
      topic: (code: string) => topics.get(code) ?? code,
      discipline: (code: string) => disciplines.get(code) ?? code,
      language: (code: string) => tx(`tools.languages.${code}`),
      status: (code: string) => tx(`tools.statuses.${code}`),
      fileType: (type: string) => tx(`tools.file.types.${type}`),
      size,
      published: (value: string | null) => formatPublished(locale, value),
      kindOptions: TOOL_KINDS.map((k) => ({ value: k, label: tx(`toolKinds.${k}`) })),
      languageOptions: TOOL_LANGUAGES.map((l) => ({ value: l, label: tx(`tools.languages.${l}`) })),
      topicOptions: TOPICS.map((x) => ({ value: x.code, label: label(x) })),
      disciplineOptions: DISCIPLINES.map((x) => ({ value: x.code, label: label(x) })),
    };
  }, [locale, label, tx, t]);
}
