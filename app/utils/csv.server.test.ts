import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { csvResponse, spreadsheetCsv } from "./csv.server";

describe("spreadsheetCsv", () => {
  const hostile = ['=HYPERLINK("http://example.test","clic")', "+1", "-2 jours", "@SUM(A1)", "\tcaché", "\uFF1D1+1"];

  it("starts with a byte order mark and reads back exactly, commas, quotes and line breaks included", () => {
    const rows = [["Amélie « Mimi » Côté", 'dit "bonjour", puis\nrepart', 42, null]];
    const csv = spreadsheetCsv(["Nom", "Note", "Minutes", "Vide"], rows);
    expect(csv.startsWith("\ufeff")).toBe(true);
    expect(csv).toContain("\r\n");
    const parsed = parse(csv.slice(1)) as string[][];
    expect(parsed).toEqual([
      ["Nom", "Note", "Minutes", "Vide"],
      ["Amélie « Mimi » Côté", 'dit "bonjour", puis\nrepart', "42", ""],
    ]);
  });

  it("turns every text a spreadsheet would run as a formula into plain text", () => {
    const parsed = parse(
      spreadsheetCsv(
        ["Texte"],
        hostile.map((h) => [h]),
      ).slice(1),
      { relax_quotes: true },
    ) as string[][];
    expect(parsed.slice(1).map(([cell]) => cell)).toEqual(hostile.map((h) => `'${h}`));
  });

  it("leaves negative numbers alone (they are not formulas)", () => {
    const parsed = parse(spreadsheetCsv(["n"], [[-3]]).slice(1)) as string[][];
    expect(parsed[1]).toEqual(["-3"]);
  });
});

describe("csvResponse", () => {
  it("is a download that is never cached, with a safe file name", async () => {
    const response = csvResponse("\ufeffa\r\n", 'liste "x"/../y.csv');
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("private, no-store");
    expect(response.headers.get("content-disposition")).toBe('attachment; filename="liste__x__.._y.csv"');
    // text() would drop the byte order mark while decoding: read the bytes.
    expect(new Uint8Array(await response.arrayBuffer()).slice(0, 3)).toEqual(new Uint8Array([0xef, 0xbb, 0xbf]));
  });
});
