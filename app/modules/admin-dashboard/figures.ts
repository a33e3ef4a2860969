// The dashboard's figures as plain tables: one shape for the chart, the accessible table
// and the CSV, so the three always say the same thing. Labels are resolved per language
// where they are shown (page or CSV), never stored.
import { DISCIPLINES } from "~/modules/accounts/reference";
import { formatDate, type Locale } from "~/utils/i18n";
import { regionLabel } from "~/utils/reference-labels";

export const FIGURE_NAMES = [
  "members-total",
  "members-region",
  "members-discipline",
  "queues",
  "moderation",
  "library",
  "mentoring",
  "webinars",
] as const;
export type FigureName = (typeof FIGURE_NAMES)[number];
export const isFigureName = (value: unknown): value is FigureName => FIGURE_NAMES.includes(value as FigureName);

/** What a row or column is called: a message key, a reference code, a month, or stored text. */
export type Label = { key: string } | { region: string } | { discipline: string } | { month: string } | { text: string; date?: string };

export interface Figure {
  name: FigureName;
  columns: Label[];
  rows: Array<{ label: Label; values: Array<number | null> }>;
  /** The columns the chart draws (at most two, as bars side by side); the table shows them all. */
  chart: number[];
}

type Translate = (key: string) => string;

export function labelText(label: Label, locale: Locale, t: Translate): string {
  if ("key" in label) return t(label.key);
  if ("region" in label) return regionLabel(label.region, locale);
  if ("discipline" in label) {
    const row = DISCIPLINES.find((d) => d.code === label.discipline);
    return row ? (locale === "en-CA" ? row.name_en : row.name_fr) : label.discipline;
  }
  if ("month" in label) return formatDate(locale, label.month, "month");
  return label.date ? `${label.text} (${formatDate(locale, label.date, "short")})` : label.text;
}

/** Rows for the CSV writer: the first column names the row, then one cell per column. */
export function figureCsvRows(figure: Figure, locale: Locale, t: Translate) {
  const header = [t(`admin.dashboard.figures.${figure.name}.rowHeader`), ...figure.columns.map((c) => labelText(c, locale, t))];
  const rows = figure.rows.map((r) => [labelText(r.label, locale, t), ...r.values]);
  return { header, rows };
}
