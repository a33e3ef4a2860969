import { extractText, getDocumentProxy } from "unpdf";
import { describe, expect, it } from "vitest";
import { newAttestationCode } from "./attestations.server";
import { renderAttestationPdf, winAnsiSafe } from "./pdf.server";
import { CODE_PATTERN, normaliseCode } from "./schemas";

describe("verification codes", () => {
  it("are random, well formed and forgiving when typed", () => {
    const codes = new Set(Array.from({ length: 200 }, () => newAttestationCode()));
    expect(codes.size).toBe(200);
    for (const code of codes) expect(code).toMatch(CODE_PATTERN);
    const code = [...codes][0] ?? "";
    expect(normaliseCode(code.toLowerCase().replace(/-/g, " "))).toBe(code);
    expect(normaliseCode("0O1IL-00000-00000-00000")).toBe("00111-00000-00000-00000");
    expect(normaliseCode("too-short")).toBeNull();
    expect(normaliseCode("UUUUU-00000-00000-00000")).toBeNull();
  });
});

describe("the PDF", () => {
  const attestation = {
    id: "a",
    kind: "mentoring" as const,
    memberId: "m",
    memberName: "Émilie Côté",
    title: "Mentorat en TAO injectable",
    hours: 7.5,
    issuedAt: new Date("2026-12-06T15:00:00Z"),
    details: {},
    code: "ABCDE-FGHJK-MNPQR-STVWX",
  };
  it("prints the name, activity, hours, date and the code with the checking address, in French", async () => {
    const bytes = await renderAttestationPdf(attestation, {
      locale: "fr-CA",
      publicUrl: "https://passerelle.example",
      lines: [{ label: "Mentor", value: "Dre Lune" }],
    });
    const { text } = await extractText(await getDocumentProxy(bytes), { mergePages: true });
    for (const part of [
      "Émilie Côté",
      "Mentorat en TAO injectable",
      "7,5",
      "6 décembre 2026",
      "ABCDE-FGHJK-MNPQR-STVWX",
      "https://passerelle.example/attestations/ABCDE-FGHJK-MNPQR-STVWX",
      "Dre Lune",
    ])
      expect(text).toContain(part);
  });
  it("in English too", async () => {
    const bytes = await renderAttestationPdf(attestation, { locale: "en-CA", publicUrl: "https://p.example" });
    const { text } = await extractText(await getDocumentProxy(bytes), { mergePages: true });
    expect(text).toContain("Continuing education attestation");
    expect(text).toContain("December 6, 2026");
  });
  it("never fails on characters the PDF fonts cannot encode", () => {
    expect(winAnsiSafe("Nguyễn « Anh »\u202f: ok")).toBe("Nguy?n « Anh »\u00a0: ok");
  });
});
