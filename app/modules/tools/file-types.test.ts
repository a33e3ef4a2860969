import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fixtures, makeZip, TRICKY_NAMES } from "../../../tests/fixtures/tools";
import { checkFileName, checkUpload, contentDisposition, sniffContentType } from "./file-types";
import { FILE_TYPES } from "./limits";
import { cleanText, extractPdfText } from "./pdf-text.server";

describe("sniffContentType: the bytes decide", () => {
  it.each([
    ["pdf", fixtures.pdf(), "application/pdf"],
    ["docx", fixtures.docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"],
    ["png", fixtures.png(), "image/png"],
    ["svg", fixtures.svg(), "image/svg+xml"],
    ["jpeg", new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16]), "image/jpeg"],
    ["webp", new TextEncoder().encode("RIFF\0\0\0\0WEBPVP8 "), "image/webp"],
  ])("accepts a real %s", (_name, bytes, type) => {
    expect(sniffContentType(bytes)).toEqual({ ok: true, contentType: type });
  });

  it.each([
    ["HTML", fixtures.htmlAsPdf(), "file_type"],
    ["HTML pretending to be SVG", fixtures.htmlAsSvg(), "file_type"],
    ["an empty file", fixtures.empty(), "file_empty"],
    ["a ZIP that is not a Word document", fixtures.plainZip(), "file_type"],
    ["a Word document with macros", fixtures.docm(), "docx_macro"],
    ["an SVG with a script", fixtures.svgScript(), "svg_unsafe"],
    ["an SVG with an event handler", fixtures.svgOnload(), "svg_unsafe"],
    ["an SVG with a javascript: link", fixtures.svgJsLink(), "svg_unsafe"],
    ["an SVG with an entity-encoded script", fixtures.svgEncodedScript(), "svg_unsafe"],
    ["an SVG with HTML inside", fixtures.svgForeignObject(), "svg_unsafe"],
    [
      "an SVG behind a DOCTYPE",
      new TextEncoder().encode('<!DOCTYPE svg [<!ENTITY x "y">]><svg xmlns="http://www.w3.org/2000/svg"/>'),
      "svg_unsafe",
    ],
    ["a file over the limit", fixtures.oversized(), "file_too_large"],
    ["a truncated ZIP", fixtures.docx().subarray(0, 60), "file_type"],
    ["an executable", new Uint8Array([0x4d, 0x5a, 0x90, 0]), "file_type"],
  ])("refuses %s", (_name, bytes, reason) => {
    expect(sniffContentType(bytes)).toEqual({ ok: false, reason });
  });

  it("answers every byte string, ZIP-looking or not, with a known type or a known refusal", () => {
    // Arbitrary bytes, sometimes dressed as a ZIP (local header first, end-of-directory record
    // 22 bytes from the end): the sniffer must answer, never throw or invent a type.
    const zipLike = fc
      .tuple(fc.uint8Array({ minLength: 30, maxLength: 400 }), fc.boolean(), fc.boolean())
      .map(([bytes, header, directory]) => {
        if (header) bytes.set([0x50, 0x4b, 0x03, 0x04]);
        if (directory) bytes.set([0x50, 0x4b, 0x05, 0x06], bytes.length - 22);
        return bytes;
      });
    const refusals = ["file_empty", "file_too_large", "file_type", "svg_unsafe", "docx_macro"];
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 400 }), zipLike), (bytes) => {
        const result = sniffContentType(bytes);
        if (result.ok) expect(Object.keys(FILE_TYPES)).toContain(result.contentType);
        else expect(refusals).toContain(result.reason);
      }),
      // Seeded: a failure reproduces; the seed changes only when someone changes it.
      { seed: 20261207, numRuns: 400 },
    );
  });

  it("reads a ZIP's directory, comment included", () => {
    const zip = makeZip({ "[Content_Types].xml": "x", "word/document.xml": "y" });
    const withComment = new Uint8Array(zip.length + 5);
    withComment.set(zip);
    withComment[zip.length - 2] = 5; // comment length
    withComment.set(new TextEncoder().encode("hello"), zip.length);
    expect(sniffContentType(withComment).ok).toBe(true);
  });
});

describe("checkFileName and checkUpload", () => {
  it.each(TRICKY_NAMES)("refuses the name %j", (name) => {
    expect(checkFileName(name)).toEqual({ ok: false, reason: "file_name" });
  });

  it("keeps an ordinary French name, normalised", () => {
    expect(checkFileName("Guide de sevrage — révisé 2025.pdf")).toEqual({
      ok: true,
      name: "Guide de sevrage — révisé 2025.pdf",
      extension: "pdf",
    });
  });

  it("refuses an HTML page renamed .pdf, and a real PDF named .docx", () => {
    expect(checkUpload("guide.pdf", fixtures.htmlAsPdf())).toEqual({ ok: false, reason: "file_type" });
    expect(checkUpload("guide.docx", fixtures.pdf())).toEqual({ ok: false, reason: "file_extension" });
    expect(checkUpload("guide.PDF", fixtures.pdf())).toEqual({ ok: true, name: "guide.PDF", contentType: "application/pdf" });
    expect(checkUpload("carte.jpeg", new Uint8Array([0xff, 0xd8, 0xff, 0xdb])).ok).toBe(true);
  });
});

describe("contentDisposition", () => {
  it("is always an attachment, with an ASCII fallback and the UTF-8 name", () => {
    const header = contentDisposition("Protocole d'intervention (révisé).pdf");
    expect(header).toBe(
      `attachment; filename="Protocole d_intervention _revise_.pdf"; filename*=UTF-8''Protocole%20d%27intervention%20%28r%C3%A9vis%C3%A9%29.pdf`,
    );
    expect(contentDisposition('a";evil=1.pdf')).not.toMatch(/";evil/);
  });
});

describe("PDF text", () => {
  it("extracts the text of a PDF, accents included", async () => {
    const text = await extractPdfText(fixtures.pdf());
    expect(text).toContain("buprénorphine");
    expect(text).toContain("réduction des méfaits");
  });

  it("returns nothing (never throws) for a broken PDF", async () => {
    expect(await extractPdfText(new TextEncoder().encode("%PDF-1.4\n<html>not really</html>"))).toBe("");
  });

  it("cleans control characters and bounds the length", () => {
    expect(cleanText("a\u0000b\t\tc\n\n  d")).toBe("a b c\nd");
    expect(cleanText("x".repeat(300_000))).toHaveLength(200_000);
  });
});
