// The one place that turns reference codes into words a person reads: health regions,
// event series and tool publishers, in the page's language. The labels come from
// supabase/data/quebec.json (the file the reference-data migration is generated from),
// so a region is called the same thing on the forums, in chat, in the directory, in
// admin and in search, and never shows as its code. Named JSON imports: the browser
// bundle keeps only the lists used here, not the whole reference file.
import { eventSeries, organisations, regions } from "../../supabase/data/quebec.json";
import type { Locale } from "./i18n";

type Bilingual = { fr: string; en: string };
const pick = (locale: Locale, text: Bilingual) => (locale === "en-CA" ? text.en : text.fr);

const REGION_BY_CODE = new Map(regions.map((r) => [r.code, r]));
const SERIES_BY_KEY = new Map(
  eventSeries.flatMap(
    (s) =>
      [
        [s.code, s],
        [s.fr, s],
      ] as const,
  ),
);
const PUBLISHER_BY_CODE = new Map(organisations.map((o) => [o.code, o]));

/** Every health region code (01–18), in order. */
export const REGION_CODES: readonly string[] = regions.map((r) => r.code);

/** The region's name in `locale` ("Mauricie et Centre-du-Québec" / "Mauricie and Centre-du-Québec"); an unknown code as is. */
export function regionLabel(code: string, locale: Locale): string {
  const region = REGION_BY_CODE.get(code);
  return region ? pick(locale, region) : code;
}

/** "04 – Mauricie et Centre-du-Québec": the form used in choice lists, where people look regions up by number. */
export function regionChoiceLabel(code: string, locale: Locale): string {
  return REGION_BY_CODE.has(code) ? `${code} – ${regionLabel(code, locale)}` : code;
}

/** An event series' name in `locale`, from its code or its stored French name; anything else as is. */
export function seriesLabel(value: string, locale: Locale): string {
  const series = SERIES_BY_KEY.get(value);
  return series ? pick(locale, series) : value;
}

/**
 * A tool publisher in `locale`: the short form (an acronym, as people say it:
 * INSPQ, CCSA in English) for cards and result lines, the long form (the full name)
 * for filters and the tool's page. A publisher typed freely by a curator (not a
 * known organisation code) is shown as typed.
 */
export function publisherLabel(value: string, locale: Locale, form: "short" | "long" = "short"): string {
  const organisation = PUBLISHER_BY_CODE.get(value);
  if (!organisation) return value;
  return form === "short" ? pick(locale, organisation.short) : pick(locale, organisation);
}
