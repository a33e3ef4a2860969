// Pasted HTML, cleaned before the editor parses it: parsed in an inert <template>
// (no image loads, no event fires), then only the elements the schema can hold are
// kept, with no attribute but a safe href on links. The editor would drop the rest
// anyway; this makes sure no handler in pasted markup ever gets compiled (the CSP
// would refuse it, but the browser would still complain).
import { safeHref } from "./limits";

const KEEP = new Set([
  "P",
  "BR",
  "B",
  "STRONG",
  "I",
  "EM",
  "A",
  "UL",
  "OL",
  "LI",
  "BLOCKQUOTE",
  "H1",
  "H2",
  "H3",
  "H4",
  "H5",
  "H6",
  "DIV",
  "SPAN",
]);
const DROP_WITH_CONTENT = new Set([
  "SCRIPT",
  "STYLE",
  "TEMPLATE",
  "IFRAME",
  "OBJECT",
  "EMBED",
  "SVG",
  "MATH",
  "NOSCRIPT",
  "TITLE",
  "HEAD",
  "META",
  "LINK",
]);

/**
 * Event-handler attributes, removed before any parsing: Chromium reports a CSP
 * violation as soon as it parses one, even in an inert document. Not the security
 * boundary (the CSP and the schema are); it keeps a paste from making noise.
 */
const HANDLER = /(?<=[\s/"'])on[a-z]+\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]*)/gi;

export function sanitizePastedHtml(html: string): string {
  if (typeof document === "undefined") return "";
  const template = document.createElement("template");
  template.innerHTML = html.replace(HANDLER, " ");
  const clean = (node: Node) => {
    for (const child of [...node.childNodes]) {
      if (child.nodeType === Node.COMMENT_NODE) {
        child.remove();
        continue;
      }
      if (!(child instanceof Element)) continue;
      const tag = child.tagName.toUpperCase();
      if (DROP_WITH_CONTENT.has(tag)) {
        child.remove();
        continue;
      }
      clean(child);
      if (!KEEP.has(tag)) {
        child.replaceWith(...child.childNodes);
        continue;
      }
      const href = tag === "A" ? safeHref(child.getAttribute("href")) : null;
      for (const attribute of [...child.attributes]) child.removeAttribute(attribute.name);
      if (href) child.setAttribute("href", href);
    }
  };
  clean(template.content);
  return template.innerHTML;
}
