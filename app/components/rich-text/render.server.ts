// Server-side HTML of stored rich text: a schema-only renderer (tiptap's static
// renderer driven by a mapping of exactly our node and mark types; anything else
// throws). Every text is escaped, every attribute is rebuilt from validated values
// (hrefs checked again: http(s) and mailto only, ids by pattern), and nothing emits
// style, script or event attributes, so the CSP (no inline script or style) holds.
// Pages send the resulting string; the browser never needs tiptap to read.
import { renderJSONContentToString } from "@tiptap/static-renderer/json/html-string";
import { HEADING_LEVELS, safeHref, TOPIC_ID_PATTERN, UUID_PATTERN, type RichNode } from "./limits";

/**
 * Bump whenever the HTML this file produces changes (a mapping, an attribute, the
 * defaults of RenderOptions): stored renderings of another version are rebuilt.
 */
export const RICH_TEXT_RENDERER_VERSION = 1;

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === '"' ? "&quot;" : "&#39;"));
}

type Ctx = { node: { type?: string; text?: string; attrs?: Record<string, unknown> }; children?: string | string[] };
type MarkCtx = { mark: { type: string; attrs?: Record<string, unknown> }; children?: string | string[] };
const join = (children: string | string[] | undefined) => (Array.isArray(children) ? children.join("") : (children ?? ""));

export interface RenderOptions {
  /** Stored heading level 2 becomes <h(2 + offset)>: the page owns the levels above. */
  headingOffset?: number;
  /** Where a topic reference points. */
  topicHref?: (id: string) => string;
  /** Where a tool reference points (the tools library's page). */
  toolHref?: (id: string) => string;
}

function mappings(options: RenderOptions) {
  const offset = options.headingOffset ?? 1;
  const topicHref = options.topicHref ?? ((id: string) => `/forums/t/${id}`);
  const toolHref = options.toolHref ?? ((id: string) => `/tools/${id}`);
  // Null prototype: a node named "constructor" or "__proto__" finds no handler.
  const nodeMapping: Record<string, (ctx: Ctx) => string> = Object.assign(Object.create(null) as Record<string, (ctx: Ctx) => string>, {
    doc: ({ children }: Ctx) => join(children),
    paragraph: ({ children }: Ctx) => `<p>${join(children)}</p>`,
    text: ({ node }: Ctx) => escapeHtml(typeof node.text === "string" ? node.text : ""),
    hardBreak: () => "<br>",
    heading: ({ node, children }: Ctx) => {
      const level = HEADING_LEVELS.find((l) => l === node.attrs?.level) ?? 2;
      const tag = `h${Math.min(6, level + offset)}`;
      return `<${tag}>${join(children)}</${tag}>`;
    },
    bulletList: ({ children }: Ctx) => `<ul>${join(children)}</ul>`,
    orderedList: ({ node, children }: Ctx) => {
      const start = Number(node.attrs?.start ?? 1);
      return Number.isInteger(start) && start > 1 ? `<ol start="${start}">${join(children)}</ol>` : `<ol>${join(children)}</ol>`;
    },
    listItem: ({ children }: Ctx) => `<li>${join(children)}</li>`,
    blockquote: ({ children }: Ctx) => `<blockquote>${join(children)}</blockquote>`,
    mention: ({ node }: Ctx) => {
      const id = String(node.attrs?.id ?? "");
      const label = escapeHtml(String(node.attrs?.label ?? ""));
      return UUID_PATTERN.test(id)
        ? `<span class="mention" data-member="${id}">@${label}</span>`
        : `<span class="mention">@${label}</span>`;
    },
    reference: ({ node }: Ctx) => {
      const id = String(node.attrs?.id ?? "");
      const label = escapeHtml(String(node.attrs?.label ?? ""));
      if (node.attrs?.kind === "topic" && TOPIC_ID_PATTERN.test(id)) {
        return `<a class="reference reference--topic" href="${escapeHtml(topicHref(id))}">${label}</a>`;
      }
      if (node.attrs?.kind === "tool" && UUID_PATTERN.test(id)) {
        return `<a class="reference reference--tool" href="${escapeHtml(toolHref(id))}">${label}</a>`;
      }
      return `<span class="reference">${label}</span>`;
    },
  });
  const markMapping: Record<string, (ctx: MarkCtx) => string> = Object.assign(
    Object.create(null) as Record<string, (ctx: MarkCtx) => string>,
    {
      bold: ({ children }: MarkCtx) => `<strong>${join(children)}</strong>`,
      italic: ({ children }: MarkCtx) => `<em>${join(children)}</em>`,
      link: ({ mark, children }: MarkCtx) => {
        const href = safeHref(mark.attrs?.href);
        // Written by members: never followed by search engines, never given our referrer.
        return href ? `<a href="${escapeHtml(href)}" rel="nofollow ugc noopener noreferrer">${join(children)}</a>` : join(children);
      },
    },
  );
  return { nodeMapping, markMapping };
}

/** HTML of a stored (validated) document. Unknown types throw: callers show a placeholder. */
export function renderRichText(doc: RichNode, options: RenderOptions = {}): string {
  if (!doc || doc.type !== "doc") throw new Error("renderRichText: not a document");
  const { nodeMapping, markMapping } = mappings(options);
  const render = renderJSONContentToString({
    nodeMapping,
    markMapping,
    unhandledNode: ({ node }: Ctx) => {
      throw new Error(`renderRichText: unknown node ${String(node.type).slice(0, 40)}`);
    },
    unhandledMark: ({ mark }: MarkCtx) => {
      throw new Error(`renderRichText: unknown mark ${String(mark.type).slice(0, 40)}`);
    },
  });
  return render({ content: doc });
}

/** Never throws: a document that cannot be rendered shows as its escaped plain text. */
export function renderRichTextSafe(doc: unknown, fallbackText: string, options: RenderOptions = {}): string {
  try {
    return renderRichText(doc as RichNode, options);
  } catch {
    return `<p>${escapeHtml(fallbackText)}</p>`;
  }
}
