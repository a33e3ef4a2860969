// Multipart parsing for the tools forms (no JavaScript needed: a plain form with
// enctype="multipart/form-data"). Remix's parser with our own size-limited upload
// handler: the file part is held in memory up to MAX_FILE_BYTES (the route's body
// limit in server/http.ts stops anything much larger before it gets here), text parts
// up to MAX_FORM_FIELD_BYTES. A file over the limit is drained, not kept, so the
// person gets the form back with a clear message rather than a reset connection.
import { unstable_parseMultipartFormData, type UploadHandler } from "@remix-run/node";
import { cleanText } from "~/utils/input-text";
import { MAX_FILE_BYTES, MAX_FORM_FIELD_BYTES } from "./limits";

export const FILE_FIELD = "file";

export interface UploadedFile {
  name: string;
  bytes: Uint8Array;
}

export type ParsedForm =
  | { ok: true; formData: FormData; file: UploadedFile | null }
  | { ok: false; formData: FormData; reason: "file_too_large" | "file_name" | "bad_request" };

export async function parseToolForm(request: Request): Promise<ParsedForm> {
  const type = request.headers.get("Content-Type") ?? "";
  if (!/^multipart\/form-data/i.test(type)) {
    try {
      return { ok: true, formData: await request.formData(), file: null };
    } catch {
      return { ok: false, formData: new FormData(), reason: "bad_request" };
    }
  }
  if (!request.body) return { ok: false, formData: new FormData(), reason: "bad_request" };

  let file: UploadedFile | null = null;
  let tooLarge = false;
  let fieldTooLarge = false;
  let badText = false;
  const handler: UploadHandler = async ({ name, filename, data }) => {
    const limit = name === FILE_FIELD && typeof filename === "string" ? MAX_FILE_BYTES : MAX_FORM_FIELD_BYTES;
    const chunks: Uint8Array[] = [];
    let size = 0;
    // Always read the part to its end: the parser needs it to find the next one.
    for await (const chunk of data) {
      size += chunk.byteLength;
      if (size <= limit) chunks.push(chunk);
    }
    const over = size > limit;
    if (typeof filename === "string") {
      if (name !== FILE_FIELD) return undefined; // a file in a field we never asked for
      if (over) tooLarge = true;
      // No file chosen: browsers send an empty part with an empty name.
      else if (filename !== "" || size > 0) file = { name: filename, bytes: concat(chunks, size) };
      return undefined;
    }
    if (over) {
      fieldTooLarge = true;
      return undefined;
    }
    // The text rules of every input (app/utils/input-text.ts; server/input-hygiene.ts
    // applies them to every other form): invalid UTF-8, NUL and unpaired surrogates
    // refuse the form; text is NFC without bidirectional controls.
    let text: string;
    try {
      text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(concat(chunks, size));
    } catch {
      badText = true;
      return undefined;
    }
    const cleaned = cleanText(text);
    if (!cleaned.ok) {
      badText = true;
      return undefined;
    }
    return cleaned.value;
  };

  const watcher = watchRawFilenames(request.body);
  let formData: FormData;
  try {
    const init: RequestInit & { duplex: "half" } = { method: "POST", headers: request.headers, body: watcher.stream, duplex: "half" };
    formData = await unstable_parseMultipartFormData(new Request(request.url, init), handler);
  } catch {
    // Malformed multipart (a crafted request): bad input, not a server error.
    return { ok: false, formData: new FormData(), reason: "bad_request" };
  }
  if (watcher.sawPath()) return { ok: false, formData, reason: "file_name" };
  if (tooLarge) return { ok: false, formData, reason: "file_too_large" };
  if (fieldTooLarge || badText) return { ok: false, formData, reason: "bad_request" };
  return { ok: true, formData, file };
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

/**
 * Remix's parser keeps only the last path segment of a part's filename (RFC 7578
 * §4.2), so "../../etc/passwd.pdf" would reach us as "passwd.pdf". Browsers never send
 * a directory; a name that carries one is a crafted request, and we refuse it rather
 * than guess. This watches the raw part headers as the body streams through.
 */
function watchRawFilenames(body: ReadableStream<Uint8Array>) {
  let sawPath = false;
  let carry = "";
  const decoder = new TextDecoder("latin1");
  const header = /content-disposition:[^\r\n]*?filename="([^"\r\n]*)"/gi;
  const stream = body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        const text = carry + decoder.decode(chunk, { stream: true });
        for (const match of text.matchAll(header)) if (/[/\\]/.test(match[1] ?? "")) sawPath = true;
        // Headers are short: keeping the tail is enough to catch one cut in two.
        carry = text.slice(-2048);
        controller.enqueue(chunk);
      },
    }),
  );
  return { stream, sawPath: () => sawPath };
}
