// Writing without JavaScript: a plain <textarea> in a small, documented markup that
// becomes the same tiptap JSON as the editor produces (textToDoc), and the way back
// for editing an existing post without JavaScript (docToText).
//
//   blank line          new paragraph          line break       line break in a paragraph
//   ## Title / ### Sub  headings               > text           quotation
//   - item, * item      bullet list            1. item          numbered list (indent 2 spaces to nest)
//   **bold**            bold                   *italic* _it_    italic
//   [text](https://…)   link                   https://…        link (also mailto:)
//   @[Name](member:id)  mention                [Title](topic:12) / [Title](tool:id)  link to a topic / tool
//   \*                  a literal character (\ * _ [ ] ( ) @ # > - . : +)
//
// Pure TypeScript (no tiptap import): the server converts submissions with it and the
// lazily loaded editor seeds itself from the textarea with it.
import {
  FORBIDDEN_TEXT_CHARS,
  HEADING_LEVELS,
  safeHref,
  TOPIC_ID_PATTERN,
  UUID_PATTERN,
  type RichDoc,
  type RichMark,
  type RichNode,
} from "./limits";

const ESCAPABLE = new Set([..."\\*_[]()@#>-.:+!"]);
const LIST_ITEM = /^( {0,12})([-*+]|[0-9]{1,9}[.)]) (.*)$/;
const HEADING = /^ {0,3}(#{2,3}) +(.*?)\s*$/;
const QUOTE = /^ {0,3}>/;

// ── text → doc ──────────────────────────────────────────────────────────────

export function textToDoc(input: string): RichDoc {
  const cleaned = input.replace(/\r\n?/g, "\n").replace(/\t/g, "  ").replace(new RegExp(FORBIDDEN_TEXT_CHARS.source, "g"), "");
  const content = parseBlocks(cleaned.split("\n"));
  return { type: "doc", content: content.length > 0 ? content : [{ type: "paragraph" }] };
}

const indentOf = (line: string) => line.length - line.trimStart().length;
const isBlank = (line: string) => line.trim() === "";

function listKind(marker: string): string {
  if (/^[0-9]/.test(marker)) return marker.endsWith(")") ? "ol)" : "ol.";
  return `ul${marker}`;
}

function startsBlock(line: string): boolean {
  return QUOTE.test(line) || HEADING.test(line) || LIST_ITEM.test(line);
}

function parseBlocks(lines: string[]): RichNode[] {
  const out: RichNode[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] ?? "";
    if (isBlank(line)) {
      i += 1;
      continue;
    }
    if (QUOTE.test(line)) {
      const inner: string[] = [];
      while (i < lines.length && QUOTE.test(lines[i] ?? "")) {
        inner.push((lines[i] ?? "").replace(/^ {0,3}> ?/, ""));
        i += 1;
      }
      const content = parseBlocks(inner);
      out.push({ type: "blockquote", content: content.length > 0 ? content : [{ type: "paragraph" }] });
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      const level = (heading[1] ?? "##").length;
      out.push({
        type: "heading",
        attrs: { level: HEADING_LEVELS.includes(level as 2 | 3) ? level : 2 },
        content: parseInline(heading[2] ?? ""),
      });
      i += 1;
      continue;
    }
    if (LIST_ITEM.test(line)) {
      const parsed = parseList(lines, i);
      out.push(parsed.node);
      i = parsed.next;
      continue;
    }
    const paragraph: string[] = [];
    while (i < lines.length && !isBlank(lines[i] ?? "") && (paragraph.length === 0 || !startsBlock(lines[i] ?? ""))) {
      paragraph.push((lines[i] ?? "").trimStart());
      i += 1;
    }
    out.push({ type: "paragraph", content: parseInline(paragraph.join("\n")) });
  }
  return out;
}

function parseList(lines: string[], start: number): { node: RichNode; next: number } {
  const first = LIST_ITEM.exec(lines[start] ?? "");
  if (!first) throw new Error("parseList: not a list item");
  const base = (first[1] ?? "").length;
  const kind = listKind(first[2] ?? "-");
  const ordered = kind.startsWith("ol");
  const items: RichNode[] = [];
  let i = start;
  while (i < lines.length) {
    const m = LIST_ITEM.exec(lines[i] ?? "");
    if (!m || (m[1] ?? "").length !== base || listKind(m[2] ?? "-") !== kind) break;
    const itemLines = [m[3] ?? ""];
    i += 1;
    while (i < lines.length) {
      const l = lines[i] ?? "";
      if (isBlank(l)) {
        let j = i;
        while (j < lines.length && isBlank(lines[j] ?? "")) j += 1;
        if (j < lines.length && indentOf(lines[j] ?? "") > base) {
          for (; i < j; i += 1) itemLines.push("");
          continue;
        }
        break;
      }
      if (indentOf(l) > base) {
        itemLines.push(l.slice(Math.min(indentOf(l), base + 2)));
        i += 1;
        continue;
      }
      break;
    }
    const content = parseBlocks(itemLines);
    if (content[0]?.type !== "paragraph") content.unshift({ type: "paragraph" });
    items.push({ type: "listItem", content });
    // A blank line between two items of the same list keeps the list going.
    let j = i;
    while (j < lines.length && isBlank(lines[j] ?? "")) j += 1;
    const again = LIST_ITEM.exec(lines[j] ?? "");
    if (j > i && again && (again[1] ?? "").length === base && listKind(again[2] ?? "-") === kind) i = j;
  }
  if (!ordered) return { node: { type: "bulletList", content: items }, next: i };
  const startNumber = Math.max(1, Math.min(1_000_000, Number.parseInt(first[2] ?? "1", 10) || 1));
  return { node: { type: "orderedList", ...(startNumber !== 1 ? { attrs: { start: startNumber } } : {}), content: items }, next: i };
}

type Token =
  | { t: "text"; v: string }
  | { t: "bold" | "star" | "under" }
  | { t: "node"; node: RichNode }
  | { t: "link"; href: string; children: Token[] };

const isWordChar = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}]/u.test(c);
const URL_START = /^(https?:\/\/|mailto:)/i;

/** Reads `[label](target)` at i; null when the text there is not one. */
function readBracket(s: string, i: number): { label: string; target: string; end: number } | null {
  if (s[i] !== "[") return null;
  let j = i + 1;
  let label = "";
  while (j < s.length && s[j] !== "]") {
    if (s[j] === "\\" && j + 1 < s.length && ESCAPABLE.has(s[j + 1] ?? "")) {
      label += s.slice(j, j + 2);
      j += 2;
      continue;
    }
    if (s[j] === "[" || s[j] === "\n") return null;
    label += s[j];
    j += 1;
  }
  if (s[j] !== "]" || s[j + 1] !== "(") return null;
  j += 2;
  let target = "";
  while (j < s.length && s[j] !== ")") {
    if (s[j] === "\\" && (s[j + 1] === ")" || s[j + 1] === "\\")) {
      target += s[j + 1];
      j += 2;
      continue;
    }
    if (/\s/.test(s[j] ?? "")) return null;
    target += s[j];
    j += 1;
  }
  if (s[j] !== ")" || label.length === 0) return null;
  return { label, target, end: j + 1 };
}

function unescape(s: string): string {
  return s.replace(/\\(.)/g, (whole, c: string) => (ESCAPABLE.has(c) ? c : whole));
}

function tokenize(s: string, allowLinks: boolean): Token[] {
  const tokens: Token[] = [];
  let buffer = "";
  const flush = () => {
    if (buffer) tokens.push({ t: "text", v: buffer });
    buffer = "";
  };
  let i = 0;
  while (i < s.length) {
    const c = s[i] ?? "";
    if (c === "\\" && i + 1 < s.length && ESCAPABLE.has(s[i + 1] ?? "")) {
      buffer += s[i + 1];
      i += 2;
      continue;
    }
    if (c === "\n") {
      flush();
      tokens.push({ t: "node", node: { type: "hardBreak" } });
      i += 1;
      continue;
    }
    if (c === "@" && s[i + 1] === "[") {
      const b = readBracket(s, i + 1);
      const id = b?.target.startsWith("member:") ? b.target.slice(7) : null;
      if (b && id && UUID_PATTERN.test(id)) {
        flush();
        tokens.push({ t: "node", node: { type: "mention", attrs: { id, label: unescape(b.label).trim() } } });
        i = b.end;
        continue;
      }
    }
    if (c === "[" && allowLinks) {
      const b = readBracket(s, i);
      if (b) {
        const [scheme, ...rest] = b.target.split(":");
        const id = rest.join(":");
        if ((scheme === "topic" && TOPIC_ID_PATTERN.test(id)) || (scheme === "tool" && UUID_PATTERN.test(id))) {
          flush();
          tokens.push({ t: "node", node: { type: "reference", attrs: { kind: scheme, id, label: unescape(b.label).trim() } } });
          i = b.end;
          continue;
        }
        const href = safeHref(b.target);
        if (href) {
          flush();
          tokens.push({ t: "link", href, children: tokenize(b.label, false) });
          i = b.end;
          continue;
        }
      }
    }
    if (allowLinks && !isWordChar(s[i - 1]) && (c === "h" || c === "H" || c === "m" || c === "M") && URL_START.test(s.slice(i, i + 8))) {
      const run = /^[^\s<>\\[\]]+/.exec(s.slice(i))?.[0] ?? "";
      let url = run;
      // Trailing punctuation belongs to the sentence, not the address.
      while (/[.,;:!?'"*_]$/.test(url) || (url.endsWith(")") && (url.match(/\(/g)?.length ?? 0) < (url.match(/\)/g)?.length ?? 0))) {
        url = url.slice(0, -1);
      }
      const href = safeHref(url);
      if (href && url.length > 8) {
        flush();
        tokens.push({ t: "link", href, children: [{ t: "text", v: url }] });
        i += url.length;
        continue;
      }
    }
    if (c === "*") {
      flush();
      if (s[i + 1] === "*") {
        tokens.push({ t: "bold" });
        i += 2;
      } else {
        tokens.push({ t: "star" });
        i += 1;
      }
      continue;
    }
    // "_" emphasises only at a word's edge (_mot_), never inside (snake_case, window.__x).
    if (c === "_" && ((!isWordChar(s[i - 1]) && isWordChar(s[i + 1])) || (isWordChar(s[i - 1]) && !isWordChar(s[i + 1])))) {
      flush();
      tokens.push({ t: "under" });
      i += 1;
      continue;
    }
    buffer += c;
    i += 1;
  }
  flush();
  return tokens;
}

/** Delimiters without a partner later on are plain text. */
function pairDelimiters(tokens: Token[]): Token[] {
  const open = { bold: false, star: false, under: false };
  return tokens.map((token, index) => {
    if (token.t === "link") return { ...token, children: pairDelimiters(token.children) };
    if (token.t !== "bold" && token.t !== "star" && token.t !== "under") return token;
    if (open[token.t]) {
      open[token.t] = false;
      return token;
    }
    if (tokens.slice(index + 1).some((later) => later.t === token.t)) {
      open[token.t] = true;
      return token;
    }
    return { t: "text", v: token.t === "bold" ? "**" : token.t === "star" ? "*" : "_" };
  });
}

function parseInline(text: string): RichNode[] {
  const out: RichNode[] = [];
  const state = { bold: false, star: false, under: false };
  const emit = (tokens: Token[], link: string | null) => {
    for (const token of tokens) {
      if (token.t === "bold" || token.t === "star" || token.t === "under") {
        state[token.t] = !state[token.t];
      } else if (token.t === "link") {
        emit(token.children, token.href);
      } else if (token.t === "node") {
        out.push(token.node);
      } else if (token.t === "text") {
        const marks: RichMark[] = [];
        if (link) marks.push({ type: "link", attrs: { href: link } });
        if (state.bold) marks.push({ type: "bold" });
        if (state.star !== state.under) marks.push({ type: "italic" });
        out.push(marks.length ? { type: "text", text: token.v, marks } : { type: "text", text: token.v });
      }
    }
  };
  emit(pairDelimiters(tokenize(text, true)), null);
  return mergeText(out);
}

const sameMarks = (a: RichMark[] = [], b: RichMark[] = []) => JSON.stringify(a) === JSON.stringify(b);

/** Adjacent text nodes with the same marks become one (as ProseMirror does). */
export function mergeText(nodes: RichNode[]): RichNode[] {
  const out: RichNode[] = [];
  for (const node of nodes) {
    const last = out[out.length - 1];
    if (node.type === "text" && !node.text) continue;
    if (last && last.type === "text" && node.type === "text" && sameMarks(last.marks, node.marks)) {
      out[out.length - 1] = { ...last, text: `${last.text ?? ""}${node.text ?? ""}` };
    } else {
      out.push(node);
    }
  }
  return out;
}

// ── doc → text ──────────────────────────────────────────────────────────────

export function docToText(doc: RichNode): string {
  return serializeBlocks(doc.content ?? [], { bullet: 0, ordered: 0 }).join("\n\n");
}

function serializeBlocks(blocks: RichNode[], alternate: { bullet: number; ordered: number }): string[] {
  const out: string[] = [];
  let previous: string | null = null;
  for (const block of blocks) {
    // Two lists of the same kind in a row stay two lists: alternate their markers.
    if (block.type === "bulletList") alternate.bullet = previous === "bulletList" ? 1 - alternate.bullet : 0;
    if (block.type === "orderedList") alternate.ordered = previous === "orderedList" ? 1 - alternate.ordered : 0;
    out.push(serializeBlock(block, alternate));
    previous = block.type;
  }
  return out;
}

function serializeBlock(node: RichNode, alternate: { bullet: number; ordered: number }): string {
  switch (node.type) {
    case "paragraph":
      return escapeLineStarts(serializeInline(node.content ?? []));
    case "heading":
      return `${"#".repeat(Number(node.attrs?.level ?? 2))} ${serializeInline(node.content ?? []).replace(/\n/g, " ")}`;
    case "blockquote":
      return serializeBlocks(node.content ?? [], { bullet: 0, ordered: 0 })
        .join("\n\n")
        .split("\n")
        .map((line) => (line ? `> ${line}` : ">"))
        .join("\n");
    case "bulletList":
    case "orderedList": {
      const ordered = node.type === "orderedList";
      let n = Number(node.attrs?.start ?? 1);
      return (node.content ?? [])
        .map((item) => {
          const marker = ordered ? `${n++}${alternate.ordered ? ")" : "."}` : alternate.bullet ? "*" : "-";
          const parts = serializeBlocks(item.content ?? [], { bullet: 0, ordered: 0 });
          const children = item.content ?? [];
          let text = `${marker} ${(parts[0] ?? "").split("\n").join("\n  ")}`;
          for (let k = 1; k < parts.length; k++) {
            // A paragraph after another block needs a blank line, or it would join it.
            const sep = children[k]?.type === "paragraph" ? "\n\n" : "\n";
            text += `${sep}${(parts[k] ?? "")
              .split("\n")
              .map((l) => (l ? `  ${l}` : l))
              .join("\n")}`;
          }
          return text;
        })
        .join("\n");
    }
    default:
      return serializeInline([node]);
  }
}

function escapeLineStarts(text: string): string {
  return text
    .split("\n")
    .map((line) => {
      if (/^(#|>|[-*+] |[0-9]{1,9}[.)] )/.test(line)) {
        const m = /^[0-9]{1,9}/.exec(line);
        return m ? `${m[0]}\\${line.slice(m[0].length)}` : `\\${line}`;
      }
      return line;
    })
    .join("\n");
}

/** `https:` in plain text must not become a link when read back. */
function escapePlain(text: string): string {
  return text
    .replace(/[\\*_[\]]/g, (c) => `\\${c}`)
    .replace(/@(?=\[)/g, "\\@")
    .replace(/(https?|mailto):/gi, "$1\\:");
}

const escapeLabel = (label: string) => label.replace(/[\\[\]]/g, (c) => `\\${c}`);
const escapeTarget = (target: string) => target.replace(/[\\)]/g, (c) => `\\${c}`);

function serializeInline(nodes: RichNode[]): string {
  let out = "";
  let i = 0;
  while (i < nodes.length) {
    const node = nodes[i];
    if (!node) break;
    const href = linkOf(node);
    if (href) {
      const group: RichNode[] = [];
      while (i < nodes.length && nodes[i] && linkOf(nodes[i] as RichNode) === href) group.push(nodes[i++] as RichNode);
      const next = nodes[i];
      const nextChar = next?.type === "text" ? (next.text ?? "")[0] : next ? "x" : undefined;
      const single = group.length === 1 && group[0]?.text === href && (group[0]?.marks ?? []).length === 1;
      const bare =
        single && /^[^\s<>\\[\]()*_]+$/.test(href) && !/[.,;:!?'"]$/.test(href) && (nextChar === undefined || /\s/.test(nextChar));
      out += bare ? href : `[${serializeMarked(group)}](${escapeTarget(href)})`;
      continue;
    }
    const run: RichNode[] = [];
    while (i < nodes.length && nodes[i] && !linkOf(nodes[i] as RichNode)) run.push(nodes[i++] as RichNode);
    out += serializeMarked(run);
  }
  return out;
}

function linkOf(node: RichNode): string | null {
  const link = node.marks?.find((m) => m.type === "link");
  return link && link.type === "link" ? link.attrs.href : null;
}

function serializeMarked(nodes: RichNode[]): string {
  let out = "";
  let bold = false;
  let italic = false;
  for (const node of nodes) {
    const wantBold = Boolean(node.marks?.some((m) => m.type === "bold"));
    const wantItalic = Boolean(node.marks?.some((m) => m.type === "italic"));
    if (bold && !wantBold) {
      out += "**";
      bold = false;
    }
    if (italic && !wantItalic) {
      out += "*";
      italic = false;
    }
    if (!bold && wantBold) {
      out += "**";
      bold = true;
    }
    if (!italic && wantItalic) {
      out += "*";
      italic = true;
    }
    if (node.type === "text") out += escapePlain(node.text ?? "");
    else if (node.type === "hardBreak") out += "\n";
    else if (node.type === "mention") out += `@[${escapeLabel(String(node.attrs?.label ?? ""))}](member:${String(node.attrs?.id ?? "")})`;
    else if (node.type === "reference")
      out += `[${escapeLabel(String(node.attrs?.label ?? ""))}](${String(node.attrs?.kind ?? "topic")}:${String(node.attrs?.id ?? "")})`;
  }
  if (bold) out += "**";
  if (italic) out += "*";
  return out;
}
