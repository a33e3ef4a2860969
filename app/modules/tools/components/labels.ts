// Labels for the library's codes (kinds, topics, disciplines, languages, statuses,
// publication dates, file sizes) in the visitor's language.
import { useMemo } from "react";
import { DISCIPLINES, TOPICS } from "~/modules/accounts/reference";
import { useI18n } from "~/utils/i18n";
import { publisherLabel } from "~/utils/reference-labels";
import { TOOL_KINDS, TOOL_LANGUAGES } from "../limits";
import { formatPublished } from "../published";

export { formatPublished };

export { documentLang } from "~/utils/i18n";

export function useToolLabels() {
  const { locale, label, tx, t } = useI18n();
  return useMemo(() => {
    const topics = new Map(TOPICS.map((x) => [x.code, label(x)]));
    const disciplines = new Map(DISCIPLINES.map((x) => [x.code, label(x)]));
    const size = (bytes: number) =>
      bytes >= 1024 * 1024
        ? t("tools.file.sizeMb", { size: new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(bytes / (1024 * 1024)) })
        : t("tools.file.size", { size: new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(Math.max(1, bytes / 1024)) });
    return {
      kind: (code: string) => tx(`toolKinds.${code}`),
      topic: (code: string) => topics.get(code) ?? code,
      discipline: (code: string) => disciplines.get(code) ?? code,
      language: (code: string) => tx(`tools.languages.${code}`),
      status: (code: string) => tx(`tools.statuses.${code}`),
      /** A known organisation by its short name (INSPQ), or the publisher as a curator typed it. */
      publisher: (value: string | null) => (value ? publisherLabel(value, locale) : null),
      /** The organisation's full name, for filters and the tool's page. */
      publisherName: (value: string) => publisherLabel(value, locale, "long"),
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
