// Every write of rich text goes through validateRichText: the JSON is walked against
// an allow-list (node types, mark types, attributes and their values), rebuilt in a
// canonical form (default attributes dropped, empty paragraphs and stray breaks
// removed, adjacent text merged), checked by ProseMirror against the one schema
// (content expressions: what may contain what), and measured against the limits that
// match the database's CHECK constraints. Anything unknown is refused, not dropped.
import {
  charLength,
  docToPlainText,
  FORBIDDEN_TEXT_CHARS,
  HEADING_LEVELS,
  MARK_TYPES,
  NODE_TYPES,
  REFERENCE_KINDS,
  RICH_TEXT_LIMITS,
  safeHref,
  TOPIC_ID_PATTERN,
  UUID_PATTERN,
  type NodeType,
  type ReferenceKind,
  type RichDoc,
  type RichMark,
  type RichNode,
  type RichTextError,
} from "./limits";
import { cleanText } from "~/utils/input-text";
import { mergeText } from "./plain-text";
import { richTextSchema } from "./schema";

export interface RichTextReference {
  kind: ReferenceKind;
  id: string;
}
export type RichTextResult =
  { ok: true; doc: RichDoc; text: string; mentions: string[]; references: RichTextReference[] } | { ok: false; error: RichTextError };

class Refusal extends Error {
  constructor(readonly code: RichTextError) {
    super(code);
  }
}
const refuse = (code: RichTextError): never => {
  throw new Refusal(code);
};

const NODE_SET: ReadonlySet<string> = new Set(NODE_TYPES);
const MARK_SET: ReadonlySet<string> = new Set(MARK_TYPES);
const NODE_KEYS: ReadonlySet<string> = new Set(["type", "attrs", "content", "marks", "text"]);
const MARK_KEYS: ReadonlySet<string> = new Set(["type", "attrs"]);
const INLINE: ReadonlySet<NodeType> = new Set(["text", "hardBreak", "mention", "reference"]);
const TEXTBLOCK: ReadonlySet<NodeType> = new Set(["paragraph", "heading"]);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Attributes whose only accepted value is the editor's default: dropped from the canonical form. */
function checkDefaults(attrs: Record<string, unknown>, defaults: Record<string, readonly unknown[]>, keep: readonly string[]) {
  for (const [key, value] of Object.entries(attrs)) {
    if (keep.includes(key)) continue;
    const allowed = defaults[key];
    if (!allowed || !allowed.includes(value)) refuse("unknown_attribute");
  }
}

function attrsOf(node: Record<string, unknown>): Record<string, unknown> {
  if (node.attrs === undefined || node.attrs === null) return {};
  if (!isPlainObject(node.attrs)) return refuse("unknown_attribute");
  return node.attrs;
}

/**
 * The text rules of every input (app/utils/input-text.ts): the form layer already
 * cleaned the JSON as a whole, but a JSON escape ("\u202e", "\ud800") only becomes the
 * character here. NUL and unpaired surrogates refuse; bidi controls go; NFC.
 */
function textOf(raw: string, code: RichTextError): string {
  const cleaned = cleanText(raw);
  return cleaned.ok ? cleaned.value : refuse(code);
}

function label(raw: unknown, code: RichTextError): string {
  if (typeof raw !== "string") return refuse(code);
  const value = textOf(raw, code).trim().replace(/^[@#]/, "");
  if (value.length === 0 || charLength(value) > RICH_TEXT_LIMITS.labelChars || FORBIDDEN_TEXT_CHARS.test(value) || value.includes("\n")) {
    return refuse(code);
  }
  return value;
}

function canonicalMarks(raw: unknown): RichMark[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) return refuse("unknown_mark");
  const seen = new Set<string>();
  const marks: RichMark[] = [];
  for (const item of raw) {
    if (!isPlainObject(item) || typeof item.type !== "string" || !MARK_SET.has(item.type)) return refuse("unknown_mark");
    for (const key of Object.keys(item)) if (!MARK_KEYS.has(key)) refuse("unknown_mark");
    if (seen.has(item.type)) return refuse("unknown_mark");
    seen.add(item.type);
    const attrs = attrsOf(item);
    if (item.type === "link") {
      checkDefaults(
        attrs,
        {
          target: [null, "_blank"],
          rel: [null, "noopener noreferrer nofollow"],
          class: [null],
          title: [null],
        },
        ["href"],
      );
      const href = safeHref(attrs.href);
      if (!href) return refuse("bad_link");
      marks.push({ type: "link", attrs: { href } });
    } else {
      if (Object.keys(attrs).length > 0) refuse("unknown_attribute");
      marks.push({ type: item.type === "bold" ? "bold" : "italic" });
    }
  }
  const order = ["link", "bold", "italic"];
  return marks.sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type));
}

interface WalkState {
  nodes: number;
  mentions: Set<string>;
  references: Map<string, RichTextReference>;
}

function walk(raw: unknown, depth: number, state: WalkState): RichNode {
  if (depth > RICH_TEXT_LIMITS.depth) return refuse("too_deep");
  state.nodes += 1;
  if (state.nodes > RICH_TEXT_LIMITS.nodes) return refuse("too_many_nodes");
  if (!isPlainObject(raw) || typeof raw.type !== "string") return refuse("invalid_structure");
  if (!NODE_SET.has(raw.type)) return refuse("unknown_node");
  for (const key of Object.keys(raw)) if (!NODE_KEYS.has(key)) refuse("unknown_attribute");
  const type = raw.type as NodeType;
  const attrs = attrsOf(raw);

  if (type === "text") {
    if (raw.content !== undefined || Object.keys(attrs).length > 0) return refuse("invalid_structure");
    if (typeof raw.text !== "string" || raw.text.length === 0) return refuse("invalid_structure");
    const text = textOf(raw.text, "bad_text");
    if (FORBIDDEN_TEXT_CHARS.test(text) || text.includes("\n")) return refuse("bad_text");
    const marks = canonicalMarks(raw.marks);
    // A text of bidi controls only is now empty: mergeText drops it.
    return marks.length ? { type, text, marks } : { type, text };
  }
  if (raw.text !== undefined) return refuse("invalid_structure");
  // Marks belong on text; the editor may put them on an inline atom (a bold mention): checked, then dropped.
  canonicalMarks(raw.marks);

  if (type === "mention") {
    checkDefaults(attrs, { mentionSuggestionChar: ["@"] }, ["id", "label"]);
    if (typeof attrs.id !== "string" || !UUID_PATTERN.test(attrs.id)) return refuse("bad_mention");
    state.mentions.add(attrs.id);
    if (state.mentions.size > RICH_TEXT_LIMITS.mentions) return refuse("too_many_mentions");
    return { type, attrs: { id: attrs.id, label: label(attrs.label, "bad_mention") } };
  }
  if (type === "reference") {
    // The editor's default trigger character is "@" until a "#" suggestion sets it.
    checkDefaults(attrs, { mentionSuggestionChar: ["#", "@"] }, ["id", "label", "kind", "href"]);
    const kind = REFERENCE_KINDS.find((k) => k === attrs.kind);
    const id = typeof attrs.id === "string" || typeof attrs.id === "number" ? String(attrs.id) : "";
    if (!kind || !(kind === "topic" ? TOPIC_ID_PATTERN : UUID_PATTERN).test(id)) return refuse("bad_reference");
    // A tool's page is /tools/<id> (the server sets it; the tools library counts citations by it).
    if (attrs.href !== undefined && attrs.href !== null && !(kind === "tool" && attrs.href === `/tools/${id}`))
      return refuse("bad_reference");
    state.references.set(`${kind}:${id}`, { kind, id });
    if (state.references.size > RICH_TEXT_LIMITS.references) return refuse("too_many_references");
    return { type, attrs: { kind, id, label: label(attrs.label, "bad_reference") } };
  }
  if (type === "hardBreak") {
    if (Object.keys(attrs).length > 0 || raw.content !== undefined) return refuse("invalid_structure");
    return { type };
  }

  let canonicalAttrs: Record<string, string | number> | undefined;
  if (type === "heading") {
    checkDefaults(attrs, {}, ["level"]);
    const level = HEADING_LEVELS.find((l) => l === attrs.level);
    if (!level) return refuse("unknown_attribute");
    canonicalAttrs = { level };
  } else if (type === "orderedList") {
    checkDefaults(attrs, { type: [null] }, ["start"]);
    const start = attrs.start ?? 1;
    if (typeof start !== "number" || !Number.isInteger(start) || start < 1 || start > 1_000_000) return refuse("unknown_attribute");
    if (start !== 1) canonicalAttrs = { start };
  } else if (Object.keys(attrs).length > 0) {
    return refuse("unknown_attribute");
  }

  if (raw.content !== undefined && !Array.isArray(raw.content)) return refuse("invalid_structure");
  const children = (Array.isArray(raw.content) ? raw.content : []).map((child) => walk(child, depth + 1, state));
  let content: RichNode[];
  if (TEXTBLOCK.has(type)) {
    if (children.some((c) => !INLINE.has(c.type))) return refuse("invalid_structure");
    content = trimBreaks(mergeText(children));
  } else {
    if (children.some((c) => INLINE.has(c.type))) return refuse("invalid_structure");
    // Empty paragraphs are spacing the renderer does not need; a list item keeps its first one.
    content = children.filter((c, i) => !(c.type === "paragraph" && !c.content?.length && !(type === "listItem" && i === 0)));
    if ((type === "doc" || type === "blockquote") && content.length === 0) content = [{ type: "paragraph" }];
  }
  const node: RichNode = { type };
  if (canonicalAttrs) node.attrs = canonicalAttrs;
  if (content.length > 0) node.content = content;
  return node;
}

/** Breaks and spaces at the edges of a line carry nothing in HTML: drop them. */
function trimBreaks(nodes: RichNode[]): RichNode[] {
  let start = 0;
  let end = nodes.length;
  while (start < end && nodes[start]?.type === "hardBreak") start += 1;
  while (end > start && nodes[end - 1]?.type === "hardBreak") end -= 1;
  const kept = nodes.slice(start, end);
  const trimmed = kept.map((node, i) => {
    if (node.type !== "text") return node;
    let text = node.text ?? "";
    const before = kept[i - 1];
    const after = kept[i + 1];
    if (!before || before.type === "hardBreak") text = text.replace(/^[ \u00a0]+/, "");
    if (!after || after.type === "hardBreak") text = text.replace(/[ \u00a0]+$/, "");
    return { ...node, text };
  });
  return mergeText(trimmed);
}

/** The length of `value::jsonb::text` in UTF-8 bytes, as PostgreSQL prints jsonb ("a": 1, "b": 2). */
export function jsonbTextBytes(value: unknown): number {
  if (value === null || value === undefined) return 4;
  if (typeof value === "boolean") return value ? 4 : 5;
  if (typeof value === "number") return String(value).length;
  if (typeof value === "string") {
    let n = 2;
    for (const ch of value) {
      const code = ch.codePointAt(0) ?? 0;
      if (ch === '"' || ch === "\\" || ch === "\b" || ch === "\f" || ch === "\n" || ch === "\r" || ch === "\t") n += 2;
      else if (code < 0x20) n += 6;
      else n += Buffer.byteLength(ch, "utf8");
    }
    return n;
  }
  if (Array.isArray(value)) {
    return 2 + value.reduce<number>((sum, v) => sum + jsonbTextBytes(v), 0) + Math.max(0, value.length - 1) * 2;
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  return 2 + entries.reduce((sum, [k, v]) => sum + jsonbTextBytes(k) + 2 + jsonbTextBytes(v), 0) + Math.max(0, entries.length - 1) * 2;
}

export function validateRichText(input: unknown): RichTextResult {
  let raw = input;
  if (typeof input === "string") {
    if (input.length > RICH_TEXT_LIMITS.jsonBytes * 2) return { ok: false, error: "too_large" };
    try {
      raw = JSON.parse(input);
    } catch {
      return { ok: false, error: "invalid_json" };
    }
  }
  if (!isPlainObject(raw) || raw.type !== "doc") return { ok: false, error: "not_a_document" };
  const state: WalkState = { nodes: 0, mentions: new Set(), references: new Map() };
  let doc: RichNode;
  try {
    doc = walk(raw, 1, state);
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, error: error.code };
    // A pathological input (e.g. nesting deep enough to overflow the stack).
    return { ok: false, error: "invalid_structure" };
  }
  try {
    richTextSchema().nodeFromJSON(doc).check();
  } catch {
    return { ok: false, error: "invalid_structure" };
  }
  if (jsonbTextBytes(doc) > RICH_TEXT_LIMITS.jsonBytes) return { ok: false, error: "too_large" };
  const text = docToPlainText(doc);
  if (charLength(text) > RICH_TEXT_LIMITS.textChars) return { ok: false, error: "too_long" };
  if (text.trim().length === 0) return { ok: false, error: "empty" };
  return {
    ok: true,
    doc: { ...doc, type: "doc", content: doc.content ?? [] },
    text,
    mentions: [...state.mentions],
    references: [...state.references.values()],
  };
}
