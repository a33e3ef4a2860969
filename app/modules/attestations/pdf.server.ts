// The attestation as a PDF (pdf-lib, pure JavaScript, no native code). Text comes
// already translated from the caller; this module only lays it out on a Letter page.
import type { PDFFont } from "pdf-lib";
import { formatDate, type Locale } from "~/utils/i18n";
import { translate } from "~/utils/i18n.server";
import { attestationUrl, type Attestation } from "./attestations.server";

// The standard fonts encode WinAnsi only: Latin-1 plus a few typographic marks. French
// typography's narrow no-break spaces become ordinary no-break spaces; anything else
// outside the set (rare in names) becomes "?", rather than failing the download.
const WIN_ANSI_EXTRAS = new Set("€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ");
export function winAnsiSafe(text: string): string {
  return [...text.normalize("NFC").replace(/[\u202f\u2007\u2009]/g, "\u00a0")]
    .map((c) => {
      const code = c.codePointAt(0) ?? 0;
      return (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRAS.has(c) ? c : "?";
    })
    .join("");
}

function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const next = line ? `${line} ${word}` : word;
    if (line && font.widthOfTextAtSize(next, size) > width) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

export interface AttestationPdfOptions {
  locale: Locale;
  publicUrl: string;
  /** Extra lines the issuing capability adds ("Mentor: …", "Accrediting body: …"), already translated. */
  lines?: Array<{ label: string; value: string }>;
}

export async function renderAttestationPdf(attestation: Attestation, options: AttestationPdfOptions): Promise<Uint8Array> {
  const { locale } = options;
  const t = (key: string, vars?: Record<string, string | number>) => winAnsiSafe(translate(locale, key, vars));
  // Imported when an attestation is asked for: pdf-lib is half a second of every start otherwise.
  const { PDFDocument, rgb, StandardFonts } = await import("pdf-lib");
  const pdf = await PDFDocument.create();
  pdf.setTitle(winAnsiSafe(`${translate(locale, "attestations.pdf.heading")} — ${attestation.title}`));
  pdf.setAuthor("Passerelle");
  pdf.setLanguage(locale);
  pdf.setCreationDate(attestation.issuedAt);
  const page = pdf.addPage([612, 792]);
  const regular = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  const margin = 72;
  const width = 612 - margin * 2;
  let y = 792 - margin;
  const ink = rgb(0.1, 0.12, 0.16);
  const write = (text: string, font: PDFFont, size: number, gap = 6) => {
    for (const line of wrap(winAnsiSafe(text), font, size, width)) {
      y -= size;
      page.drawText(line, { x: margin, y, size, font, color: ink });
      y -= gap;
    }
  };
  write("Passerelle", bold, 14, 18);
  write(t("attestations.pdf.heading"), bold, 22, 24);
  write(t("attestations.pdf.certifies"), regular, 12, 10);
  write(attestation.memberName, bold, 18, 10);
  write(t("attestations.pdf.completed"), regular, 12, 10);
  write(attestation.title, bold, 14, 16);
  write(`${t(`attestations.kinds.${attestation.kind}`)}`, regular, 12, 6);
  write(
    t("attestations.pdf.hours", { hours: new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(attestation.hours) }),
    regular,
    12,
    6,
  );
  for (const line of options.lines ?? []) write(`${line.label}${locale === "fr-CA" ? "\u00a0: " : ": "}${line.value}`, regular, 12, 6);
  write(t("attestations.pdf.issued", { date: formatDate(locale, attestation.issuedAt) }), regular, 12, 24);
  write(t("attestations.pdf.code", { code: attestation.code }), bold, 12, 6);
  write(t("attestations.pdf.verifyAt", { url: attestationUrl(options.publicUrl, attestation.code) }), regular, 10, 6);
  return pdf.save();
}
