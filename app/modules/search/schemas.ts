// The search form (GET /search?q=…): one schema for the browser and the server.
// The limits live in ./limits (no zod) so the search page's first load needs no zod;
// the page's loader parses with this schema on the server (search.server.ts).
import { z } from "zod";
import { isCalendarDate } from "~/utils/input-schemas";
import { SEARCH_LIMITS, SEARCH_SOURCES } from "./limits";

export { SEARCH_LIMITS, SEARCH_SOURCES, TOOL_HITS_BESIDE_FORUMS, type Excerpt } from "./limits";

const optionalCode = (pattern: RegExp) => z.string().trim().regex(pattern).optional().catch(undefined);
// A date that does not exist (2026-02-31, year 0) is refused with a message rather than
// ignored: the person typed it (a browser without a date picker) and should know. Empty is "any".
const isoDate = z.preprocess(
  (v) => (v === "" ? undefined : v),
  z.string().trim().refine(isCalendarDate, "forums.search.badDate").optional(),
);

export const searchSchema = z.object({
  // q and the dates refuse (400 with the message); the other filters fall back to "any".
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
