import { useMemo } from "react";
import { useI18n } from "~/utils/i18n";
import { regionChoiceLabel } from "~/utils/reference-labels";
import { DISCIPLINES, ESTABLISHMENT_KINDS, LANGUAGES, PROFESSIONAL_ORDERS, REGIONS, TOPICS } from "../reference";

/** Choice lists for the profile forms, labelled in the visitor's language. */
export function useProfileOptions() {
  const { locale, label, tx } = useI18n();
  return useMemo(
    () => ({
      disciplines: DISCIPLINES.map((d) => ({ value: d.code, label: label(d) })),
      regions: REGIONS.map((r) => ({ value: r.code, label: regionChoiceLabel(r.code, locale) })),
      establishmentKinds: ESTABLISHMENT_KINDS.map((e) => ({ value: e.code, label: label(e) })),
      orders: PROFESSIONAL_ORDERS.map((o) => ({ value: o.code, label: o.name_fr })),
      languages: LANGUAGES.map((code) => ({ value: code, label: tx(`languages.${code}`) })),
      topics: TOPICS.map((t) => ({ value: t.code, label: label(t) })),
    }),
    [locale, label, tx],
  );
}
