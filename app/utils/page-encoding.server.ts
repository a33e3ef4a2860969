// A whole page is compressed here, in one call, rather than by the compression middleware's
// stream (server/http.ts), which sends the page through zlib in 16 KB pieces on the thread
// pool, each with its callbacks on the main thread: for a topic page those cost about as much
// CPU as the compression itself (decision 036). The middleware leaves an encoded response as it
// is and still compresses everything else (loader data, assets).
import Negotiator from "negotiator";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

/**
 * The server's compression, for whole pages here and for everything else in the middleware
 * (server/http.ts): gzip level 1 (decision 018); brotli, what browsers ask for over HTTPS, at
 * quality 1 with a 256 KB window, since the middleware's default (quality 4, a 4 MB window
 * set up for every response) cost about 12 ms of CPU per topic page (decision 036).
 */
export const COMPRESSION = {
  gzipLevel: 1,
  brotliParams: { [constants.BROTLI_PARAM_QUALITY]: 1, [constants.BROTLI_PARAM_LGWIN]: 18 },
};
// Below this the headers would outweigh what compression saves (the middleware's threshold).
const THRESHOLD = 1024;

/** The page's bytes in the best encoding the request accepts, with the headers that say so. */
export function encodePage(request: Request, body: Buffer<ArrayBuffer>, headers: Headers): Buffer<ArrayBuffer> {
  headers.append("Vary", "Accept-Encoding");
  if (request.method === "HEAD" || body.length < THRESHOLD || headers.has("Content-Encoding")) return body;
  const accepted = new Negotiator({ headers: { "accept-encoding": request.headers.get("accept-encoding") ?? undefined } }) as unknown as {
    // negotiator 0.6.4 takes the server's preference as a second argument; its published types predate it.
    encoding(available: string[], preferred: string[]): string | undefined;
  };
  // Brotli first when the browser accepts both equally (as the middleware): faster at quality 1, and smaller.
  const encoding = accepted.encoding(["br", "gzip", "identity"], ["br", "gzip"]);
  if (encoding === "br") {
    headers.set("Content-Encoding", "br");
    return brotliCompressSync(body, {
      params: { ...COMPRESSION.brotliParams, [constants.BROTLI_PARAM_SIZE_HINT]: body.length },
    }) as Buffer<ArrayBuffer>;
  }
  if (encoding === "gzip") {
    headers.set("Content-Encoding", "gzip");
    return gzipSync(body, { level: COMPRESSION.gzipLevel }) as Buffer<ArrayBuffer>;
  }
  return body;
}
