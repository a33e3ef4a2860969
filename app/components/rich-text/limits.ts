// The one rich-text schema's vocabulary and limits, shared by the editor (browser),
// the validator and the renderer (server), and the CHECK constraints of every table
// that stores rich text (e.g. forum_posts.body / body_text in
// supabase/migrations/20261123000200_forums.sql). Keep the numbers in step.

export const RICH_TEXT_LIMITS = {
  /** octet_length(body::text): the size of the JSON as PostgreSQL's jsonb prints it. */
  jsonBytes: 131_072,
  /** char_length(body_text): characters (code points) of the plain text. */
  textChars: 20_000,
  /** Nesting depth of nodes (doc = 1). */
  depth: 12,
  /** Nodes (text nodes included) in one document. */
  nodes: 5_000,
  hrefChars: 2_048,
  /** Label of a mention or a reference. */
  labelChars: 200,
  mentions: 20,
  references: 20,
} as const;

/** Heading levels a writer may use; rendered one level lower (the page owns h1/h2). */
export const HEADING_LEVELS = [2, 3] as const;

export const NODE_TYPES = [
  "doc",
  "paragraph",
  "text",
  "hardBreak",
  "heading",
  "bulletList",
  "orderedList",
  "listItem",
  "blockquote",
  "mention",
  "reference",
] as const;
export type NodeType = (typeof NODE_TYPES)[number];

export const MARK_TYPES = ["bold", "italic", "link"] as const;
export type MarkType = (typeof MARK_TYPES)[number];

/** A reference is a link to another topic of the forums or to a tool of the library. */
export const REFERENCE_KINDS = ["topic", "tool"] as const;
export type ReferenceKind = (typeof REFERENCE_KINDS)[number];

export type RichMark = { type: "bold" } | { type: "italic" } | { type: "link"; attrs: { href: string } };

export interface RichNode {
  type: NodeType;
  attrs?: Record<string, string | number>;
  content?: RichNode[];
  marks?: RichMark[];
  text?: string;
}

export interface RichDoc extends RichNode {
  type: "doc";
  content: RichNode[];
}

/** Why a document was refused; each has a message at forums.richText.errors.<code>. */
export const RICH_TEXT_ERRORS = [
  "invalid_json",
  "not_a_document",
  "unknown_node",
  "unknown_mark",
  "unknown_attribute",
  "bad_link",
  "bad_mention",
  "bad_reference",
  "bad_text",
  "too_large",
  "too_long",
  "too_deep",
  "too_many_nodes",
  "too_many_mentions",
  "too_many_references",
  "invalid_structure",
  "empty",
] as const;
export type RichTextError = (typeof RICH_TEXT_ERRORS)[number];

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const TOPIC_ID_PATTERN = /^[1-9][0-9]{0,17}$/;

/** Characters never accepted in text: C0 controls other than tab and newline, DEL, and
 * the two the search excerpts use as highlight markers. */
// eslint-disable-next-line no-control-regex
export const FORBIDDEN_TEXT_CHARS = /[\u0000-\u0008\u000b-\u001f\u007f]/;

/** http(s) with a host, or mailto: — nothing else is ever a link. */
export function safeHref(raw: unknown): string | null {
  if (typeof raw !== "string" || raw.length === 0 || raw.length > RICH_TEXT_LIMITS.hrefChars) return null;
  // URL parsing silently drops tabs and newlines ("java\tscript:"): refuse them outright.
  // eslint-disable-next-line no-control-regex -- control characters are what this refuses
  if (/[\s\u0000-\u001f\u007f]/.test(raw)) return null;
  if (!/^(https?:\/\/|mailto:)/i.test(raw)) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol === "mailto:") return url.pathname.length > 0 && url.href.length <= RICH_TEXT_LIMITS.hrefChars ? url.href : null;
  if ((url.protocol !== "http:" && url.protocol !== "https:") || !url.hostname) return null;
  if (url.username || url.password) return null;
  return url.href.length <= RICH_TEXT_LIMITS.hrefChars ? url.href : null;
}

/** Code points, as PostgreSQL's char_length counts them. */
export function charLength(text: string): number {
  let n = 0;
  for (const _ of text) n += 1;
  return n;
}

/** Plain text of a document: for search, excerpts, notifications and mail. */
export function docToPlainText(doc: RichNode): string {
  const blocks: string[] = [];
  const inline = (node: RichNode): string => {
    if (node.type === "text") return node.text ?? "";
    if (node.type === "hardBreak") return "\n";
    if (node.type === "mention") return `@${String(node.attrs?.label ?? "")}`;
    if (node.type === "reference") return String(node.attrs?.label ?? "");
    return (node.content ?? []).map(inline).join("");
  };
  const block = (node: RichNode, prefix: string) => {
    switch (node.type) {
      case "doc":
      case "blockquote":
        for (const child of node.content ?? []) block(child, node.type === "blockquote" ? `${prefix}> ` : prefix);
        return;
      case "bulletList":
      case "orderedList":
        for (const item of node.content ?? []) for (const child of item.content ?? []) block(child, `${prefix}- `);
        return;
      case "listItem":
        for (const child of node.content ?? []) block(child, prefix);
        return;
      default: {
        const text = inline(node);
        // An empty paragraph adds nothing (not even its list or quote marker).
        if (text.trim()) blocks.push(`${prefix}${text}`);
      }
    }
  };
  block(doc, "");
  return blocks
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}
