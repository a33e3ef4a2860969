// Search excerpts as text runs (never HTML), whole words only, with "…" wherever text
// was left out. PostgreSQL's ts_headline picks fragments around the matches, but its
// parser splits hyphenated words ("Sept-Îles" → "Sept", "Îles"), so a fragment could
// start or end inside a word ("Îles, nous accueillons…"), and it never says that the
// fragment is not the whole text. Given the text the headline was made from, each
// fragment is widened to whole words and marked "…" at an end that is not the text's.
import { sql, type RawBuilder } from "kysely";
import type { Excerpt } from "./limits";

/** `value` as the literal part of a LIKE pattern: `%`, `_` and `\` match only themselves. */
export const likeEscape = (value: string) => value.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The search box's text as one row `(query, pattern)`, for a `with q as (…)` of every
 * searchable module: French and English text search queries joined (either language's
 * stemming finds a word), and the text unaccented and lower-cased as a LIKE pattern (a
 * title that contains it).
 */
export function searchQueryRow(q: string) {
  return sql`select websearch_to_tsquery('public.passerelle_fr'::regconfig, ${q})
                 || websearch_to_tsquery('public.passerelle_en'::regconfig, ${q}) as query,
                    '%' || public.immutable_unaccent(lower(${likeEscape(q)})) || '%' as pattern`;
}

/** Markers around matched words in ts_headline's output (StartSel / StopSel). */
export const MARK_START = "\u0002";
export const MARK_STOP = "\u0003";
/** ts_headline's FragmentDelimiter: the fragments are split on it, then joined with ELLIPSIS. */
export const FRAGMENT_DELIMITER = " \u0001 ";
export const ELLIPSIS = "…";

/** The text a headline was made from, and whether it was cut (at a word boundary) before the headline was made. */
export interface ExcerptSource {
  text: string;
  truncated: boolean;
}

function runsOf(headline: string): Excerpt {
  const runs: Excerpt = [];
  // eslint-disable-next-line no-control-regex -- the highlight markers are control characters
  for (const part of headline.split(/(\u0002[^\u0003]*\u0003)/)) {
    if (!part) continue;
    const marked = part.startsWith(MARK_START) && part.endsWith(MARK_STOP);
    // eslint-disable-next-line no-control-regex -- the highlight markers are control characters
    const text = marked ? part.slice(1, -1) : part.replace(/[\u0001-\u0003]/g, "");
    if (text) runs.push({ text, mark: marked });
  }
  return runs;
}

const plain = (runs: Excerpt) => runs.map((r) => r.text).join("");
/** Inside a word: letters, digits, and the joiners of compound words and elisions. */
const WORDISH = /[\p{L}\p{N}\-‐‑'’_]/u;

/**
 * One fragment, widened to whole words within `text` from `from` on. Returns the runs
 * and where the fragment ends in the text (to look for the next fragment after it).
 */
function widen(runs: Excerpt, text: string, from: number, truncated: boolean): { runs: Excerpt; end: number } {
  const fragment = plain(runs).trim();
  const at = fragment ? text.indexOf(fragment, from) : -1;
  if (at < 0) {
    // Not found verbatim (should not happen): show it as a piece of a longer text.
    return { runs: [{ text: `${ELLIPSIS} `, mark: false }, ...runs, { text: ` ${ELLIPSIS}`, mark: false }], end: from };
  }
  let start = at;
  while (start > 0 && WORDISH.test(text[start - 1] ?? "") && WORDISH.test(text[start] ?? "")) start -= 1;
  let end = at + fragment.length;
  while (end < text.length && WORDISH.test(text[end] ?? "") && WORDISH.test(text[end - 1] ?? "")) end += 1;
  const out: Excerpt = [];
  const before = text.slice(start, at);
  const after = text.slice(at + fragment.length, end);
  if (text.slice(0, start).trim() !== "") out.push({ text: `${ELLIPSIS} `, mark: false });
  if (before) out.push({ text: before, mark: false });
  // The fragment's own runs, without the spaces ts_headline may leave at its ends.
  const trimmed = runs.map((r) => ({ ...r }));
  const first = trimmed[0];
  if (first && !first.mark) first.text = first.text.trimStart();
  const last = trimmed[trimmed.length - 1];
  if (last && !last.mark) last.text = last.text.trimEnd();
  out.push(...trimmed.filter((r) => r.text !== ""));
  if (after) out.push({ text: after, mark: false });
  if (truncated || text.slice(end).trim() !== "") out.push({ text: ` ${ELLIPSIS}`, mark: false });
  return { runs: out, end };
}

/**
 * A ts_headline result as text runs. With its source, fragments are whole words and
 * elisions are marked with "…" at either end; without (a title highlighted whole),
 * the runs as they are.
 */
export function toExcerpt(headline: string, source?: ExcerptSource): Excerpt {
  const fragments = headline
    .split(FRAGMENT_DELIMITER)
    .map(runsOf)
    .filter((runs) => plain(runs).trim() !== "");
  if (!source) return fragments.flatMap((runs, i) => (i === 0 ? runs : [{ text: ` ${ELLIPSIS} `, mark: false }, ...runs]));
  const out: Excerpt = [];
  let from = 0;
  for (const runs of fragments) {
    const widened = widen(runs, source.text, from, source.truncated);
    from = widened.end;
    // Two fragments share the "…" between them.
    const lastOut = out[out.length - 1];
    const firstNew = widened.runs[0];
    if (lastOut && firstNew && lastOut.text === ` ${ELLIPSIS}` && firstNew.text === `${ELLIPSIS} `) {
      widened.runs.shift();
      lastOut.text = ` ${ELLIPSIS} `;
    }
    out.push(...widened.runs);
  }
  // Neighbouring unmarked runs read as one.
  return out.reduce<Excerpt>((acc, run) => {
    const prev = acc[acc.length - 1];
    if (prev && !prev.mark && !run.mark) prev.text += run.text;
    else acc.push({ ...run });
    return acc;
  }, []);
}

// ── In SQL: ts_headline options and the text a headline is made from ─────────

/** ts_headline options: a title highlighted whole, a body as up to two fragments around the matches. */
export const TITLE_HEADLINE = `StartSel=${MARK_START}, StopSel=${MARK_STOP}, HighlightAll=true`;
export const BODY_HEADLINE = `StartSel=${MARK_START}, StopSel=${MARK_STOP}, MaxWords=35, MinWords=12, MaxFragments=2, FragmentDelimiter="${FRAGMENT_DELIMITER}"`;

/**
 * The first `max` characters of a text column, cut after a whole word, and whether
 * anything was cut: the excerpt is made from it and says "…" where the text goes on.
 */
export function headlineSource(expression: RawBuilder<unknown>, max: number) {
  const column = sql`coalesce(${expression}, '')`;
  return {
    text: sql<string>`case when length(${column}) > ${max} then regexp_replace(left(${column}, ${max}), '\s+\S*$', '') else ${column} end`,
    truncated: sql<boolean>`length(${column}) > ${max}`,
  };
}
