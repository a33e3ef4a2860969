// Renders the whole page to one string with the per-request CSP nonce that server/http.ts
// put in the load context.
//
// No page suspends on the server (no `defer`; the only lazy components, the Jitsi frame and
// the coverage chart, render after hydration), so a streamed render would send the whole
// document at once anyway. React's streaming renderer encodes each of the ~10 000 small
// pieces of a topic page into a byte buffer as it goes, then pushes the buffers through
// Node and web streams; renderToString joins plain strings and the page is encoded once.
// That was about a sixth of a topic page's server CPU (decision 035).
import type { AppLoadContext, EntryContext, HandleErrorFunction } from "@remix-run/node";
import { isRouteErrorResponse, RemixServer } from "@remix-run/react";
import { renderToString } from "react-dom/server";
import { isUnavailableError } from "./utils/db.server";
import { messagesFor } from "./utils/i18n.server";
import { InlineMessagesContext, provideServerMessages } from "./utils/inline-messages";
import { MarkupCacheContext } from "./utils/markup-cache";
import { NonceContext } from "./utils/nonce";
import { PageHtmlContext } from "./utils/page-html";
import { encodePage } from "./utils/page-encoding.server";

// Meta functions (the document's title) read a whole page's messages from here: the root
// loader's data names the messages' file instead of carrying them.
provideServerMessages(messagesFor);

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const nonce = loadContext.cspNonce ?? "";
  const markup = loadContext.markupCache?.forPage((error) =>
    loadContext.logger.error({ err: error, url: request.url }, "a part of the page could not be rendered on its own"),
  );
  // A render error throws here; Remix then renders the error boundary (as a failed shell did).
  const html = renderToString(
    <NonceContext.Provider value={nonce}>
      <InlineMessagesContext.Provider value={loadContext.inlineMessages?.value ?? null}>
        <PageHtmlContext.Provider value={loadContext.pageHtml ?? null}>
          <MarkupCacheContext.Provider value={markup?.slot ?? null}>
            <RemixServer context={remixContext} url={request.url} />
          </MarkupCacheContext.Provider>
        </PageHtmlContext.Provider>
      </InlineMessagesContext.Provider>
    </NonceContext.Provider>,
  );
  // The parts this page rendered inline are rendered again on their own and kept, once the
  // page is on its way (utils/markup-cache.tsx).
  if (markup) setImmediate(markup.storeMissing);
  responseHeaders.set("Content-Type", "text/html; charset=utf-8");
  // React 18 writes no doctype before <html>. Bytes, not a string: a string body is first
  // checked for lone surrogates (a copy of the whole page).
  const page = `<!DOCTYPE html>${html}`;
  return new Response(encodePage(request, markup ? markup.assemble(page) : Buffer.from(page), responseHeaders), {
    headers: responseHeaders,
    status: responseStatusCode,
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
