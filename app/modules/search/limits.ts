// Limits and shapes of search shared by the page and the server, without zod: the
// search page imports these, and only the server parses (schemas.ts, search.server.ts).

export const SEARCH_LIMITS = { queryMin: 2, queryMax: 200, authorMax: 80, pageSize: 20, maxOffset: 1_000 } as const;
export const SEARCH_SOURCES = ["all", "forum", "tool"] as const;
/** Tools shown beside the forum results (all of them, up to a page, with source=tool). */
export const TOOL_HITS_BESIDE_FORUMS = 5;

/** An excerpt as text runs; `mark` runs matched the query. Rendered as text (escaped), never as HTML. */
export type Excerpt = Array<{ text: string; mark: boolean }>;
