// Cross-site WebSocket hijacking guard: a handshake is accepted only from a page of
// one of our origins. Browsers always send Origin on a WebSocket upgrade and on
// cross-origin requests, and a page cannot forge it.
//
// One exception: a same-origin GET (the long-polling handshake) carries no Origin
// header at all (Fetch standard). Such a request is accepted only when the browser
// itself vouches for it with `Sec-Fetch-Site: same-origin` (also unforgeable by
// page script); without that, long polling from our own pages could never connect.
// A request with neither header (curl, a script) is refused.
import type { IncomingMessage } from "node:http";

export type OriginVerdict = { ok: true } | { ok: false; reason: "missing_origin" | "origin_not_allowed" };

export function checkHandshakeOrigin(req: IncomingMessage, allowedOrigins: ReadonlySet<string>): OriginVerdict {
  const origin = req.headers.origin;
  if (origin === undefined) {
    return req.headers["sec-fetch-site"] === "same-origin" ? { ok: true } : { ok: false, reason: "missing_origin" };
  }
  return allowedOrigins.has(origin) ? { ok: true } : { ok: false, reason: "origin_not_allowed" };
}

/** "https://Example.org:443/" → "https://example.org", so the allow-list compares like browsers do. */
export function normalizeOrigin(origin: string): string {
  try {
    return new URL(origin).origin;
  } catch {
    return origin;
  }
}
