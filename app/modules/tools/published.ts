// A tool's publication date as people write it: a year, a month or a day, in the
// reader's language. Apart from the library's labels so that pages outside the
// library (the home page) can show it without the library's messages.
import { formatDate, type Locale } from "~/utils/i18n";

export function formatPublished(locale: Locale, value: string | null): string | null {
  if (!value) return null;
  if (/^\d{4}$/.test(value)) return value;
  // A month is shown from its middle day, a day as a calendar date (noon UTC): the same
  // whatever the time zone of the machine that renders it.
  if (/^\d{4}-\d{2}$/.test(value)) return formatDate(locale, `${value}-15`, "month");
  return formatDate(locale, value, "long");
}
