// Message text is stored as plain text. When shown, it is cut into segments (text,
// link, mention) that components render as React elements: no HTML from a message
// ever reaches the page, and only http(s) and mailto links become links.

export type Segment =
  { kind: "text"; text: string } | { kind: "link"; text: string; href: string } | { kind: "mention"; text: string; userId: string };

export interface Person {
  id: string;
  name: string;
}

const URL_PATTERN = /\b(?:https?:\/\/|mailto:|www\.)[^\s<>"'`]+/gi;
/** Punctuation that usually ends a sentence rather than a URL. */
const TRAILING = /[.,;:!?…»"')\]]+$/;

function toHref(raw: string): string | null {
  const candidate = /^www\./i.test(raw) ? `https://${raw}` : raw;
  try {
    const url = new URL(candidate);
    if (url.protocol === "http:" || url.protocol === "https:") return url.href;
    if (url.protocol === "mailto:" && /^mailto:[^@\s]+@[^@\s]+$/i.test(candidate)) return candidate;
    return null;
  } catch {
    return null;
  }
}

/** A mention ends where a name could not go on: end of text, space or punctuation. */
function endsName(text: string, index: number): boolean {
  const next = text.charAt(index);
  return next === "" || !/[\p{L}\p{N}_-]/u.test(next);
}

interface MentionHit {
  start: number;
  end: number;
  userId: string;
}

/**
 * Where the text mentions one of `people` as `@Display Name`: longest names first
 * ("@Marie Roy" is not "@Marie"), never overlapping, in the order they were found.
 * The one matcher behind both the stored mentions and their display.
 */
function mentionHits(text: string, people: readonly Person[]): MentionHit[] {
  const lower = text.toLocaleLowerCase("fr-CA");
  const hits: MentionHit[] = [];
  for (const person of [...people].sort((a, b) => b.name.length - a.name.length)) {
    const needle = `@${person.name.toLocaleLowerCase("fr-CA")}`;
    let from = 0;
    for (;;) {
      const at = lower.indexOf(needle, from);
      if (at < 0) break;
      const end = at + needle.length;
      if (endsName(text, end) && !hits.some((h) => at < h.end && end > h.start)) hits.push({ start: at, end, userId: person.id });
      from = at + 1;
    }
  }
  return hits;
}

/** Who of `people` the text mentions as `@Display Name` (longest names first: "@Marie Roy" is not "@Marie"). */
export function findMentions(text: string, people: readonly Person[]): string[] {
  if (!text.includes("@")) return [];
  return [...new Set(mentionHits(text, people).map((h) => h.userId))];
}

function mentionSegments(text: string, mentions: readonly Person[]): Segment[] {
  if (mentions.length === 0 || !text.includes("@")) return text ? [{ kind: "text", text }] : [];
  const hits = mentionHits(text, mentions);
  hits.sort((a, b) => a.start - b.start);
  const out: Segment[] = [];
  let cursor = 0;
  for (const hit of hits) {
    if (hit.start > cursor) out.push({ kind: "text", text: text.slice(cursor, hit.start) });
    out.push({ kind: "mention", text: text.slice(hit.start, hit.end), userId: hit.userId });
    cursor = hit.end;
  }
  if (cursor < text.length) out.push({ kind: "text", text: text.slice(cursor) });
  return out;
}

/** Cuts a message into text, links and mentions of the people it mentions. */
export function segmentMessage(text: string, mentions: readonly Person[] = []): Segment[] {
  const out: Segment[] = [];
  let cursor = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const start = match.index ?? 0;
    const raw = match[0].replace(TRAILING, "");
    const href = toHref(raw);
    if (!href) continue;
    out.push(...mentionSegments(text.slice(cursor, start), mentions));
    out.push({ kind: "link", text: raw, href });
    cursor = start + raw.length;
  }
  out.push(...mentionSegments(text.slice(cursor), mentions));
  return out;
}
