// The search form (GET /search?q=…): one schema for the browser and the server.
// The limits live in ./limits (no zod) so the search page's first load needs no zod;
// the page's loader parses with this schema on the server (search.server.ts).
import { z } from "zod";
import { SEARCH_LIMITS, SEARCH_SOURCES } from "./limits";

export { SEARCH_LIMITS, SEARCH_SOURCES, TOOL_HITS_BESIDE_FORUMS, type Excerpt } from "./limits";

const optionalCode = (pattern: RegExp) => z.string().trim().regex(pattern).optional().catch(undefined);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`))).optional().catch(undefined);

export const searchSchema = z.object({
  // The only field that refuses (400 with this message): the filters fall back to "any".
  q: z.string().trim().max(SEARCH_LIMITS.queryMax, "forums.search.tooLong").default(""),
  category: optionalCode(/^[a-z0-9][a-z0-9-]{1,62}$/),
  region: optionalCode(/^[0-9]{2}$/),
  tag: optionalCode(/^[a-z_]{2,40}$/),
  author: z.string().trim().max(SEARCH_LIMITS.authorMax).optional().catch(undefined),
  from: isoDate,
  to: isoDate,
  offset: z.coerce.number().int().min(0).max(SEARCH_LIMITS.maxOffset).default(0).catch(0),
  /** Which sources: forums and the tools library (app/modules/tools/site-search.server.ts). */
  source: z.enum(SEARCH_SOURCES).default("all").catch("all"),
});
export type SearchQuery = z.infer<typeof searchSchema>;
