// Text of an uploaded PDF, for search only ("where it can be extracted": scanned
// pages have none, and that is fine). pdf.js through unpdf, bounded in pages, length
// and time; run before the database transaction, never inside it.
import { TOOL_LIMITS } from "./limits";

export const PDF_TEXT_MAX_PAGES = 60;
export const PDF_TEXT_TIMEOUT_MS = 15_000;

export async function extractPdfText(bytes: Uint8Array): Promise<string> {
  const work = (async () => {
    const { getDocumentProxy } = await import("unpdf");
    // pdf.js may detach the buffer it is given: hand it a copy.
    const pdf = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0, isEvalSupported: false });
    try {
      const pages = Math.min(pdf.numPages, PDF_TEXT_MAX_PAGES);
      let text = "";
      for (let n = 1; n <= pages && text.length < TOOL_LIMITS.fileTextMax; n++) {
        const page = await pdf.getPage(n);
        const content = await page.getTextContent();
        for (const item of content.items) if ("str" in item) text += item.str + ("hasEOL" in item && item.hasEOL ? "\n" : " ");
        text += "\n";
      }
      return text;
    } finally {
      await pdf.destroy();
    }
  })();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(""), PDF_TEXT_TIMEOUT_MS);
  });
  try {
    const text = await Promise.race([work.catch(() => ""), timeout]);
    return cleanText(text);
  } finally {
    clearTimeout(timer);
  }
}

/** Collapsed whitespace, no control characters, within the column's CHECK. */
export function cleanText(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex -- removing control characters is the point
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, " ")
      .replace(/[ \t]+/g, " ")
      .replace(/\s*\n\s*/g, "\n")
      .trim()
      .slice(0, TOOL_LIMITS.fileTextMax)
  );
}
