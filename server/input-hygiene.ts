// The one door every HTTP input passes before Remix: the path, the query string and
// the form body. What the text rules (app/utils/input-text.ts) refuse is answered
// here with 400 and never reaches a loader, an action or the database; what they
// normalise (NFC, bidirectional controls removed) is rewritten here, so every route,
// including one added tomorrow, reads clean text without calling anything.
// Decision: docs/decisions/010-input-hygiene.md.
//
// - Path: each segment must percent-decode to valid UTF-8 without NUL (`/%`, `/%ZZ`,
//   `/%C0` are malformed URLs: 400).
// - Query string and urlencoded bodies: decoded as the WHATWG form parser does, but
//   invalid UTF-8 is refused instead of silently turned into U+FFFD.
// - Mutations must send a form: application/x-www-form-urlencoded, or
//   multipart/form-data. Anything else (JSON, text/plain, no Content-Type) is 415:
//   Remix's request.formData() throws on it, which every action turned into a 500.
// - multipart/form-data is streamed through untouched to the upload routes (their
//   parser, app/modules/tools/upload.server.ts, applies the same text rules to each
//   text part); elsewhere it is read here (the body limit keeps it small), files are
//   refused, and the fields are passed on as an urlencoded form.
import type { NextFunction, Request, Response } from "express";
import { cleanText, type TextRefusal } from "~/utils/input-text";

/** Fields whose bytes are the secret itself: refused like any text, never rewritten. */
const VERBATIM_FIELDS: ReadonlySet<string> = new Set(["password", "confirm", "currentPassword", "newPassword"]);

const FORM_URLENCODED = "application/x-www-form-urlencoded";
const MULTIPART = "multipart/form-data";

export type InputProblem = "malformed_url" | "malformed_encoding" | TextRefusal | "file_not_expected" | "malformed_form";

export class InputRefusal extends Error {
  constructor(readonly problem: InputProblem) {
    super(`input refused: ${problem}`);
    this.name = "InputRefusal";
  }
}

/** The form body as Remix will read it, when this layer rewrote it. */
export interface CleanBody {
  contentType: string;
  body: Buffer;
}

const fatalUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x37;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x57;
  return -1;
}

/**
 * Percent-decodes then UTF-8-decodes. `strict`: a "%" not followed by two hex digits
 * is malformed (paths); otherwise it stays a literal "%" as browsers keep it (a
 * hand-typed "?q=50%"). `plus`: "+" is a space (forms and query strings).
 */
export function decodeComponent(bytes: Uint8Array, options: { strict: boolean; plus: boolean }): string {
  const out = new Uint8Array(bytes.length);
  let n = 0;
  for (let i = 0; i < bytes.length; i += 1) {
    const byte = bytes[i] ?? 0;
    if (byte === 0x25) {
      const hi = hexValue(bytes[i + 1] ?? -1);
      const lo = hexValue(bytes[i + 2] ?? -1);
      if (hi >= 0 && lo >= 0) {
        out[n++] = hi * 16 + lo;
        i += 2;
        continue;
      }
      if (options.strict) throw new InputRefusal("malformed_url");
    }
    out[n++] = options.plus && byte === 0x2b ? 0x20 : byte;
  }
  try {
    return fatalUtf8.decode(out.subarray(0, n));
  } catch {
    throw new InputRefusal("malformed_encoding");
  }
}

function clean(value: string, verbatim = false): string {
  const cleaned = cleanText(value);
  if (!cleaned.ok) throw new InputRefusal(cleaned.reason);
  return verbatim ? value : cleaned.value;
}

/** `name=value&…` bytes → cleaned pairs, and whether cleaning changed anything. */
export function cleanUrlEncoded(bytes: Uint8Array): { pairs: Array<[string, string]>; changed: boolean } {
  const pairs: Array<[string, string]> = [];
  let changed = false;
  let start = 0;
  for (let i = 0; i <= bytes.length; i += 1) {
    if (i < bytes.length && bytes[i] !== 0x26) continue;
    const part = bytes.subarray(start, i);
    start = i + 1;
    if (part.length === 0) continue;
    const eq = part.indexOf(0x3d);
    const rawName = decodeComponent(eq < 0 ? part : part.subarray(0, eq), { strict: false, plus: true });
    const rawValue = eq < 0 ? "" : decodeComponent(part.subarray(eq + 1), { strict: false, plus: true });
    const name = clean(rawName);
    const value = clean(rawValue, VERBATIM_FIELDS.has(name));
    if (name !== rawName || value !== rawValue) changed = true;
    pairs.push([name, value]);
  }
  return { pairs, changed };
}

function encodePairs(pairs: Array<[string, string]>): string {
  return new URLSearchParams(pairs).toString();
}

/** The path's segments must decode; the decoded path is never used, Remix decodes it again. */
export function checkPath(path: string): void {
  for (const segment of path.split("/")) {
    if (!segment.includes("%")) continue;
    const decoded = decodeComponent(Buffer.from(segment, "latin1"), { strict: true, plus: false });
    clean(decoded);
  }
}

/** The query string, cleaned; null when nothing changed (the URL is left as sent). */
export function cleanQuery(query: string): string | null {
  const { pairs, changed } = cleanUrlEncoded(Buffer.from(query, "latin1"));
  return changed ? encodePairs(pairs) : null;
}

function mediaType(header: string | undefined): { type: string; charset: string | null } {
  const [type = "", ...params] = (header ?? "").split(";");
  let charset: string | null = null;
  for (const param of params) {
    const [key = "", value = ""] = param.split("=").map((s) => s.trim());
    if (key.toLowerCase() === "charset") charset = value.replace(/^"|"$/g, "").toLowerCase();
  }
  return { type: type.trim().toLowerCase(), charset };
}

async function readBody(req: Request, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > limit) throw new InputRefusal("malformed_form");
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** A multipart body of an ordinary form, as urlencoded pairs (files refused). */
async function multipartPairs(body: Buffer, contentType: string): Promise<Array<[string, string]>> {
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(body), { headers: { "Content-Type": contentType } }).formData();
  } catch {
    throw new InputRefusal("malformed_form");
  }
  const pairs: Array<[string, string]> = [];
  for (const [rawName, value] of form.entries()) {
    if (typeof value !== "string") throw new InputRefusal("file_not_expected");
    const name = clean(rawName);
    pairs.push([name, clean(value, VERBATIM_FIELDS.has(name))]);
  }
  return pairs;
}

const MESSAGES: Record<InputProblem | "unsupported_type", string> = {
  malformed_url: "Adresse mal formée / Malformed URL",
  malformed_encoding: "Texte mal encodé (UTF-8 attendu) / Malformed text (UTF-8 expected)",
  nul: "Caractère nul refusé / Null character refused",
  lone_surrogate: "Texte mal formé (substitut isolé) / Malformed text (unpaired surrogate)",
  file_not_expected: "Ce formulaire ne prend pas de fichier / This form takes no file",
  malformed_form: "Formulaire mal formé / Malformed form",
  unsupported_type:
    "Envoyez un formulaire (application/x-www-form-urlencoded ou multipart/form-data) / Send a form (application/x-www-form-urlencoded or multipart/form-data)",
};

function hasBody(req: Request): boolean {
  const length = req.get("content-length");
  return req.get("transfer-encoding") !== undefined || (length !== undefined && length !== "0");
}

function refuse(res: Response, status: 400 | 415, problem: InputProblem | "unsupported_type") {
  res.status(status).setHeader("Cache-Control", "no-store");
  res
    .type("text/plain; charset=utf-8")
    .send(
      `${status === 415 ? "Type de contenu non pris en charge / Unsupported content type" : "Requête invalide / Bad request"}: ${MESSAGES[problem]}`,
    );
}

export function inputHygiene(options: { isUploadPath: (path: string) => boolean; bodyLimit: (path: string) => number }) {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const url = req.originalUrl;
      const q = url.indexOf("?");
      checkPath(q < 0 ? url : url.slice(0, q));
      if (q >= 0) {
        const query = cleanQuery(url.slice(q + 1));
        if (query !== null) {
          const rewritten = `${url.slice(0, q)}${query ? `?${query}` : ""}`;
          req.originalUrl = rewritten;
          req.url = rewritten;
        }
      }
      if (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS") return next();

      // A POST with no body at all (a bare `fetch(url, { method: "POST" })` to sign out) has
      // nothing to misread: it is an empty form, not an unsupported type.
      if (!req.get("content-type") && !hasBody(req)) {
        const empty: CleanBody = { contentType: FORM_URLENCODED, body: Buffer.alloc(0) };
        res.locals.cleanBody = empty;
        return next();
      }
      const { type, charset } = mediaType(req.get("content-type"));
      if (charset && charset !== "utf-8" && charset !== "utf8") return refuse(res, 415, "unsupported_type");
      if (type === MULTIPART && options.isUploadPath(req.path)) return next();
      if (type !== FORM_URLENCODED && type !== MULTIPART) return refuse(res, 415, "unsupported_type");

      const raw = await readBody(req, options.bodyLimit(req.path));
      let body: Buffer;
      if (type === FORM_URLENCODED) {
        const { pairs, changed } = cleanUrlEncoded(raw);
        body = changed ? Buffer.from(encodePairs(pairs)) : raw;
      } else {
        body = Buffer.from(encodePairs(await multipartPairs(raw, req.get("content-type") ?? "")));
      }
      const cleanBody: CleanBody = { contentType: FORM_URLENCODED, body };
      res.locals.cleanBody = cleanBody;
      next();
    } catch (error) {
      if (error instanceof InputRefusal) return refuse(res, 400, error.problem);
      next(error);
    }
  };
}
