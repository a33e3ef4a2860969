// Streams the HTML with the per-request CSP nonce that server/http.ts put in the
// load context; bots get the whole document at once.
import { Transform, type TransformCallback } from "node:stream";
import type { AppLoadContext, EntryContext, HandleErrorFunction } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { isRouteErrorResponse, RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { isUnavailableError } from "./utils/db.server";
import { InlineMessagesContext } from "./utils/inline-messages";
import { NonceContext } from "./utils/nonce";
import { PageHtmlContext } from "./utils/page-html";

const ABORT_DELAY = 5_000;

/**
 * React writes a page as many chunks of about 2 KB, in bursts; every chunk that leaves this
 * stream is a gzip flush and a socket write of its own (the response writer flushes
 * compression after each chunk, so that streamed parts reach the reader at once). Chunks
 * written in the same turn of the event loop leave as one: the same bytes, at the same
 * moment for the reader, for one flush and one write (decision 018, topic page profile).
 */
class Coalesce extends Transform {
  private pending: Buffer[] = [];
  private scheduled = false;
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
    this.pending.push(chunk);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.release());
    }
    callback();
  }
  override _flush(callback: TransformCallback) {
    this.release();
    callback();
  }
  private release() {
    this.scheduled = false;
    if (this.pending.length === 0 || this.destroyed) return;
    const out = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending);
    this.pending = [];
    this.push(out);
  }
}

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const nonce = loadContext.cspNonce ?? "";
  const bot = isbot(request.headers.get("user-agent") ?? "");
  return new Promise<Response>((resolve, reject) => {
    let shellRendered = false;
    const { pipe, abort } = renderToPipeableStream(
      <NonceContext.Provider value={nonce}>
        <InlineMessagesContext.Provider value={loadContext.inlineMessages?.value ?? null}>
          <PageHtmlContext.Provider value={loadContext.pageHtml ?? null}>
            <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} />
          </PageHtmlContext.Provider>
        </InlineMessagesContext.Provider>
      </NonceContext.Provider>,
      {
        nonce,
        [bot ? "onAllReady" : "onShellReady"]() {
          shellRendered = true;
          const body = new Coalesce();
          responseHeaders.set("Content-Type", "text/html; charset=utf-8");
          resolve(new Response(createReadableStreamFromReadable(body), { headers: responseHeaders, status: responseStatusCode }));
          pipe(body);
        },
        onShellError(error: unknown) {
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          if (shellRendered) loadContext.logger?.error({ err: error }, "render error");
        },
      },
    );
    setTimeout(abort, ABORT_DELAY);
  });
}

export const handleError: HandleErrorFunction = (error, { request, context }) => {
  if (request.signal.aborted) return;
  // Unknown URLs are not server errors.
  if (isRouteErrorResponse(error) && error.status < 500) return;
  // The database down or saturated: the page answers 503 (server/http.ts), a state to watch, not a bug.
  if (isUnavailableError(error)) {
    context.logger.warn({ err: error, url: request.url }, "database unavailable in a loader or action");
    return;
  }
  context.logger.error({ err: error, url: request.url }, "unexpected error in a loader or action");
};
