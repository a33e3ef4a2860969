// Stored HTML (a forum post's body) sent once per page. A whole page used to carry each
// post's HTML twice: in the markup, and again in the loader data Remix serialises into
// the page for hydration (JSON.stringify, parsed back, stringified again and HTML-escaped,
// on every request; decision 033). For a whole-page render the loader now leaves the HTML
// in this per-request slot and sends `null` in its data; the server renders from the
// slot, and the browser, at hydration, takes the HTML back from the element the server
// wrote (React does not touch the inside of a dangerouslySetInnerHTML element when
// hydrating). A client-side navigation (`?_data=`) has no slot: its JSON carries the HTML.
import { createContext, useContext } from "react";

/** HTML by key (`post:<id>`) the document carries in its markup only. Server only, per request. */
export type PageHtmlSlot = Map<string, string>;

export const PageHtmlContext = createContext<PageHtmlSlot | null>(null);

// Browser: the HTML read back from the document, kept so that an element mounted again
// later (the same loader data, the original element gone) still has it.
const fromDocument = new Map<string, string>();

export const pageHtmlAttribute = "data-page-html";

/**
 * Moves each item's HTML into the slot (when the page is rendered whole) and returns the items
 * with `html: null` in its place; without a slot, the items unchanged. Empty HTML stays "".
 */
export function sendHtmlOnce<T extends { id: number | string; html: string }>(
  slot: PageHtmlSlot | null | undefined,
  prefix: string,
  items: readonly T[],
): Array<Omit<T, "html"> & { html: string | null }> {
  if (!slot) return [...items];
  return items.map((item) => {
    if (!item.html) return item;
    slot.set(`${prefix}:${item.id}`, item.html);
    return { ...item, html: null };
  });
}

/** The HTML to render: given, else from the page (server slot, or the document in the browser). */
export function usePageHtml(key: string, html: string | null): string {
  const slot = useContext(PageHtmlContext);
  if (html !== null) return html;
  if (slot) return slot.get(key) ?? "";
  if (typeof document === "undefined") return "";
  let known = fromDocument.get(key);
  if (known === undefined) {
    known = document.querySelector(`[${pageHtmlAttribute}="${CSS.escape(key)}"]`)?.innerHTML ?? "";
    fromDocument.set(key, known);
  }
  return known;
}
