// Limits and shapes of search shared by the page and the server, without zod: the
// search page imports these, and only the server parses (schemas.ts, search.server.ts).

export const SEARCH_LIMITS = { queryMin: 2, queryMax: 200, authorMax: 80, pageSize: 20, maxOffset: 1_000 } as const;
export const SEARCH_SOURCES = ["all", "forum", "tool"] as const;
/** Tools shown beside the forum results (all of them, up to a page, with source=tool). */
export const TOOL_HITS_BESIDE_FORUMS = 5;

/** An excerpt as text runs; `mark` runs matched the query. Rendered as text (escaped), never as HTML. */
export type Excerpt = Array<{ text: string; mark: boolean }>;

interface Listed {
  hits: readonly unknown[];
}

/**
 * What the results page says, derived from the very lists it shows: a section's count
 * is never larger than what its query found under the person's rights, and "no
 * results" is said only when no list has anything (a member who may not read the
 * forums but finds a tool is told the forums had nothing, not that nothing matched).
 */
export function resultSummary(results: Listed & { tools: Listed & { total: number }; cases: Listed & { total: number } }) {
  const forums = results.hits.length;
  const tools = results.tools.hits.length === 0 ? 0 : Math.max(results.tools.total, results.tools.hits.length);
  const cases = results.cases.hits.length === 0 ? 0 : Math.max(results.cases.total, results.cases.hits.length);
  return { forums, tools, cases, nothing: forums + tools + cases === 0 };
}
