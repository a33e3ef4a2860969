// What an uploaded file really is, decided by its bytes (magic numbers, and for DOCX
// the ZIP's own directory), never by its name or the browser's Content-Type. The name
// is checked separately: its extension must agree with the content, and it must not
// try path tricks. Pure functions, unit-tested with malicious fixtures.
import { FILE_TYPES, MAX_FILE_BYTES, TOOL_LIMITS, type FileContentType } from "./limits";

export type FileRefusal = "file_empty" | "file_too_large" | "file_type" | "file_extension" | "file_name" | "svg_unsafe" | "docx_macro";

export type Sniffed = { ok: true; contentType: FileContentType } | { ok: false; reason: FileRefusal };

const startsWith = (bytes: Uint8Array, signature: number[], offset = 0) =>
  bytes.length >= offset + signature.length && signature.every((b, i) => bytes[offset + i] === b);
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

export function sniffContentType(bytes: Uint8Array): Sniffed {
  if (bytes.length === 0) return { ok: false, reason: "file_empty" };
  if (bytes.length > MAX_FILE_BYTES) return { ok: false, reason: "file_too_large" };
  if (startsWith(bytes, ascii("%PDF-"))) return { ok: true, contentType: "application/pdf" };
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { ok: true, contentType: "image/png" };
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return { ok: true, contentType: "image/jpeg" };
  if (startsWith(bytes, ascii("RIFF")) && startsWith(bytes, ascii("WEBP"), 8)) return { ok: true, contentType: "image/webp" };
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) {
    const names = zipEntryNames(bytes);
    if (!names || !names.includes("[Content_Types].xml") || !names.includes("word/document.xml")) return { ok: false, reason: "file_type" };
    // Macros (a .docm renamed .docx) and embedded programs are not clinical tools.
    if (names.some((n) => /vbaProject\.bin$|\/activeX\/|\.(exe|dll|js|vbs|bat|cmd|ps1)$/i.test(n)))
      return { ok: false, reason: "docx_macro" };
    return { ok: true, contentType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document" };
  }
  const svg = checkSvg(bytes);
  if (svg) return svg;
  return { ok: false, reason: "file_type" };
}

/** Names in a ZIP's central directory, or null when it is not a well-formed ZIP. */
export function zipEntryNames(bytes: Uint8Array): string[] | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // End of central directory: 22 bytes plus a comment of up to 65535 bytes, at the end.
  const lowest = Math.max(0, bytes.length - 22 - 0xffff);
  let eocd = -1;
  for (let i = bytes.length - 22; i >= lowest; i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return null;
  const count = view.getUint16(eocd + 10, true);
  const size = view.getUint32(eocd + 12, true);
  let offset = view.getUint32(eocd + 16, true);
  if (offset + size > eocd || count > 10_000) return null;
  const names: string[] = [];
  const decoder = new TextDecoder("utf-8", { fatal: false });
  for (let n = 0; n < count; n++) {
    if (offset + 46 > eocd || view.getUint32(offset, true) !== 0x02014b50) return null;
    const nameLength = view.getUint16(offset + 28, true);
    const extraLength = view.getUint16(offset + 30, true);
    const commentLength = view.getUint16(offset + 32, true);
    const end = offset + 46 + nameLength;
    if (end > eocd) return null;
    names.push(decoder.decode(bytes.subarray(offset + 46, end)));
    offset = end + extraLength + commentLength;
  }
  return names;
}

// SVG is XML that browsers run scripts in. We keep only plain drawings: no script,
// no event handlers, no javascript: or external references, no foreignObject (HTML
// inside), no DOCTYPE (entity expansion). Served as an attachment with nosniff and a
// sandboxing CSP anyway; this is the refusal the curator sees.
const SVG_UNSAFE = [
  /<\s*script/i,
  /<\s*foreignObject/i,
  /<\s*(iframe|embed|object|audio|video|handler|listener)\b/i,
  /<!DOCTYPE|<!ENTITY/i,
  /\son[a-z]+\s*=/i,
  /javascript\s*:|vbscript\s*:|data\s*:\s*text\/html/i,
  /(xlink:)?href\s*=\s*["']\s*(?!#)/i,
  /<\s*set\b[^>]*attributeName\s*=\s*["']?\s*(on|href)/i,
  /@import|url\s*\(\s*["']?\s*(?!#)/i,
];

function checkSvg(bytes: Uint8Array): Sniffed | null {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
  // Entity-encoded characters could spell what the patterns look for.
  const decoded = text.replace(/&#(x[0-9a-f]+|[0-9]+);?/gi, (_m, code: string) =>
    String.fromCodePoint(code[0]?.toLowerCase() === "x" ? Number.parseInt(code.slice(1), 16) : Number(code)),
  );
  // The root element, after an optional BOM, XML declaration, comments and whitespace.
  const head = decoded.replace(/^\uFEFF/, "").replace(/^(\s|<\?xml[^>]*\?>|<!--[\s\S]*?-->)*/, "");
  if (!/^<svg[\s>]/i.test(head)) {
    // Not an SVG at all (HTML renamed .svg is "wrong type", not "unsafe SVG")…
    if (!/<svg[\s>]/i.test(head)) return null;
    // …but an SVG behind a DOCTYPE is refused as unsafe.
    return { ok: false, reason: "svg_unsafe" };
  }
  if (SVG_UNSAFE.some((pattern) => pattern.test(decoded))) return { ok: false, reason: "svg_unsafe" };
  return { ok: true, contentType: "image/svg+xml" };
}

/**
 * The uploaded name, for display and Content-Disposition only (storage keys are
 * generated). Refuses what is not a plain file name: path parts (raw ones are caught
 * before the multipart parser drops them, see upload.server.ts), dot names, control and
 * bidirectional-override characters, percent-encoded separators, no extension.
 */
export function checkFileName(name: string): { ok: true; name: string; extension: string } | { ok: false; reason: "file_name" } {
  const normalized = name.normalize("NFC").trim();
  if (!normalized || normalized.length > TOOL_LIMITS.fileNameMax) return { ok: false, reason: "file_name" };
  if (/[/\\]/.test(normalized) || normalized.startsWith(".")) return { ok: false, reason: "file_name" };
  // eslint-disable-next-line no-control-regex -- control characters are what this refuses
  if (/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u200e\u200f]/.test(normalized)) return { ok: false, reason: "file_name" };
  if (/%(2e|2f|5c|00)/i.test(normalized) || /\.\.|:/.test(normalized)) return { ok: false, reason: "file_name" };
  const match = /\.([a-z0-9]{1,8})$/i.exec(normalized);
  if (!match?.[1]) return { ok: false, reason: "file_name" };
  return { ok: true, name: normalized, extension: match[1].toLowerCase() };
}

/** Content decides the type; the name must agree with it (an HTML page renamed .pdf is refused). */
export function checkUpload(
  name: string,
  bytes: Uint8Array,
): { ok: true; name: string; contentType: FileContentType } | { ok: false; reason: FileRefusal } {
  const checkedName = checkFileName(name);
  if (!checkedName.ok) return checkedName;
  const sniffed = sniffContentType(bytes);
  if (!sniffed.ok) return sniffed;
  const allowed: readonly string[] = FILE_TYPES[sniffed.contentType].extensions;
  if (!allowed.includes(checkedName.extension)) return { ok: false, reason: "file_extension" };
  return { ok: true, name: checkedName.name, contentType: sniffed.contentType };
}

/** Content-Disposition for a download: ASCII fallback plus the UTF-8 name (RFC 6266 / 5987). */
export function contentDisposition(name: string): string {
  const fallback =
    name
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/[^A-Za-z0-9._ -]/g, "_") || "fichier";
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
