// The text rules every input goes through, whichever door it comes in by: query
// strings and form bodies (server/input-hygiene.ts, in front of Remix), the text parts
// of the tools' multipart forms (app/modules/tools/upload.server.ts), socket event
// payloads (server/realtime/handlers.ts) and the text nodes of rich text
// (app/components/rich-text/validate.server.ts). Pure and dependency-free so the
// browser could share it. Decision: docs/decisions/010-input-hygiene.md.
//
// - Refused: NUL (PostgreSQL cannot store it in text, so it used to end in a 500) and
//   unpaired UTF-16 surrogates (not text at all; JSON can carry them, forms cannot).
// - Removed: bidirectional controls (embeddings, overrides, isolates and the two
//   marks). They let a title or a name display differently from what it is
//   ("‮txt.exe" reading backwards); nobody types them in a form.
// - Normalised: Unicode NFC, so "é" typed as one character or as e + accent compares,
//   searches and counts as the same text.

// eslint-disable-next-line no-control-regex
const NUL = /\u0000/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** LRM, RLM, LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI. */
export const BIDI_CONTROLS = /[\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

export type TextRefusal = "nul" | "lone_surrogate";

/** Why a text may not enter the application at all, or null when it may. */
export function textRefusal(value: string): TextRefusal | null {
  if (NUL.test(value)) return "nul";
  if (LONE_SURROGATE.test(value)) return "lone_surrogate";
  return null;
}

/** The text as stored: bidirectional controls removed, NFC. Call after textRefusal. */
export function normaliseText(value: string): string {
  return value.replace(BIDI_CONTROLS, "").normalize("NFC");
}

export type CleanText = { ok: true; value: string } | { ok: false; reason: TextRefusal };

/** Both steps: refused, or cleaned. */
export function cleanText(value: string): CleanText {
  const reason = textRefusal(value);
  return reason ? { ok: false, reason } : { ok: true, value: normaliseText(value) };
}

export type CleanTree = { ok: true; value: unknown } | { ok: false; reason: TextRefusal; path: string };

/**
 * Every string of a JSON-like value (object keys included) through cleanText: a
 * socket payload or a parsed JSON field. Non-plain objects (Buffers, functions) are
 * returned as they are; the schemas refuse them.
 */
export function cleanTree(value: unknown, path = ""): CleanTree {
  if (typeof value === "string") {
    const cleaned = cleanText(value);
    return cleaned.ok ? cleaned : { ...cleaned, path };
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const [i, item] of value.entries()) {
      const cleaned = cleanTree(item, path ? `${path}.${i}` : String(i));
      if (!cleaned.ok) return cleaned;
      out.push(cleaned.value);
    }
    return { ok: true, value: out };
  }
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const cleanKey = cleanText(key);
      if (!cleanKey.ok) return { ...cleanKey, path };
      const cleaned = cleanTree(item, path ? `${path}.${cleanKey.value}` : cleanKey.value);
      if (!cleaned.ok) return cleaned;
      out[cleanKey.value] = cleaned.value;
    }
    return { ok: true, value: out };
  }
  return { ok: true, value };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
