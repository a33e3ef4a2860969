// CSV files people open in a spreadsheet (attendance, registrations, the incident register).
// One way to write them, so every export gets the same protections.
import { stringify } from "csv-stringify/sync";

type Cell = string | number | null | undefined;

/**
 * Rows as CSV, written by csv-stringify: fields with commas, quotes or line breaks are
 * quoted and their quotes doubled; a text a spreadsheet would run as a formula (starting
 * with = + - @, a tab, a carriage return or their full-width forms) is prefixed with a
 * quote (escape_formulas, OWASP's advice against CSV injection); Windows line ends. A
 * UTF-8 byte order mark first, so that Excel opens accents right rather than guessing a
 * Windows code page.
 */
export function spreadsheetCsv(header: readonly string[], rows: ReadonlyArray<readonly Cell[]>): string {
  const body = stringify([header, ...rows.map((row) => row.map((cell) => cell ?? ""))], {
    escape_formulas: true,
    record_delimiter: "windows",
  });
  return `\ufeff${body}`;
}

/** A CSV download: never cached (it holds people's names), saved under `filename`. */
export function csvResponse(csv: string, filename: string): Response {
  return new Response(csv, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${filename.replace(/[^\w.-]/g, "_")}"`,
      "Cache-Control": "private, no-store",
    },
  });
}
