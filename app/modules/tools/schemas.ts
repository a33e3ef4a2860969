// One zod schema per tools form, shared by the browser (conform) and the server.
// Messages are i18n keys; limits come from ./limits (they match the CHECK constraints).
// The uploaded file is not part of these schemas: its checks (size, content, name)
// run on the bytes, on the server (file-types.ts, upload.server.ts).
import { z } from "zod";
import { codes, DISCIPLINES, TOPICS } from "~/modules/accounts/reference";
import { isCalendarDate } from "~/utils/input-schemas";
import { SORTS, TOOL_KINDS, TOOL_LANGUAGES, TOOL_LIMITS, TOOL_STATUSES } from "./limits";

const required = { required_error: "errors.required", invalid_type_error: "errors.invalid" };
const typed = { invalid_type_error: "errors.invalid" };
const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { errorMap: () => ({ message: "errors.choice" }) });
// eslint-disable-next-line no-control-regex
const noControl = (v: string) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(v);
const optionalText = (max: number) => z.string(typed).trim().max(max, "errors.too_long").refine(noControl, "errors.invalid").optional();

/** http(s) only: javascript:, data:, file: and friends are refused with their own message. */
export const httpUrl = z
  .string(typed)
  .trim()
  .max(TOOL_LIMITS.urlMax, "errors.too_long")
  .refine((v) => {
    // new URL() alone accepts "https:foo"; the database CHECK wants the slashes too.
    if (!/^https?:\/\/[^\s/]+/i.test(v)) return false;
    try {
      const url = new URL(v);
      return url.protocol === "http:" || url.protocol === "https:";
    } catch {
      return false;
    }
  }, "tools.errors.url");

const isoDate = z
  .string(typed)
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "tools.errors.date")
  .refine(isCalendarDate, "tools.errors.date");

export const toolSchema = z
  .object({
    title: z
      .string(required)
      .trim()
      .min(TOOL_LIMITS.titleMin, "errors.too_short")
      .max(TOOL_LIMITS.titleMax, "errors.too_long")
      .refine(noControl, "errors.invalid"),
    kind: oneOf(TOOL_KINDS),
    publisher: optionalText(TOOL_LIMITS.publisherMax),
    publishedOn: z
      .string(typed)
      .trim()
      .regex(/^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$/, "tools.errors.published_on")
      .optional(),
    versionLabel: optionalText(TOOL_LIMITS.versionLabelMax),
    language: oneOf(TOOL_LANGUAGES),
    topics: z
      .array(oneOf(codes(TOPICS)), typed)
      .max(TOOL_LIMITS.topicsMax, "errors.too_many")
      .default([]),
    disciplines: z
      .array(oneOf(codes(DISCIPLINES)), typed)
      .max(TOOL_LIMITS.disciplinesMax, "errors.too_many")
      .default([]),
    url: httpUrl.optional(),
    summaryFr: z
      .string(required)
      .trim()
      .min(20, "tools.errors.summary_short")
      .max(TOOL_LIMITS.summaryMax, "errors.too_long")
      .refine(noControl, "errors.invalid"),
    summaryEn: optionalText(TOOL_LIMITS.summaryMax),
    lastReviewedOn: isoDate.optional(),
    reviewDueOn: isoDate.optional(),
    removeFile: z.boolean(typed).default(false),
  })
  .superRefine((v, ctx) => {
    if (v.lastReviewedOn && v.reviewDueOn && v.reviewDueOn < v.lastReviewedOn) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["reviewDueOn"], message: "tools.errors.review_order" });
    }
  });
export type ToolInput = z.infer<typeof toolSchema>;

export const statusSchema = z.object({ to: oneOf(TOOL_STATUSES) });

export const suggestionSchema = z.object({
  title: z
    .string(required)
    .trim()
    .min(TOOL_LIMITS.titleMin, "errors.too_short")
    .max(TOOL_LIMITS.titleMax, "errors.too_long")
    .refine(noControl, "errors.invalid"),
  url: httpUrl.optional(),
  publisher: optionalText(TOOL_LIMITS.publisherMax),
  note: optionalText(TOOL_LIMITS.suggestionNoteMax),
});
export type SuggestionInput = z.infer<typeof suggestionSchema>;

export const resolveSuggestionSchema = z.object({
  suggestionId: z.string(required).uuid("errors.invalid"),
  decision: oneOf(["accept", "decline"] as const),
});

/** The library's GET form. Bad values are dropped, never a 400: it is a search page. */
export interface ToolSearchParams {
  q: string;
  kind?: string;
  topic?: string;
  discipline?: string;
  publisher?: string;
  language?: string;
  year?: string;
  sort: (typeof SORTS)[number];
  superseded: boolean;
  page: number;
}

export function parseSearchParams(params: URLSearchParams): ToolSearchParams {
  const pick = (name: string, allowed?: readonly string[]) => {
    const value = params.get(name)?.trim();
    if (!value) return undefined;
    if (allowed && !allowed.includes(value)) return undefined;
    return value;
  };
  const q = (params.get("q") ?? "").trim().slice(0, TOOL_LIMITS.queryMax);
  const sort = pick("sort", SORTS) as ToolSearchParams["sort"] | undefined;
  const page = Number.parseInt(params.get("page") ?? "1", 10);
  const year = pick("year");
  const publisher = pick("publisher");
  return {
    q,
    kind: pick("kind", TOOL_KINDS),
    topic: pick("topic", codes(TOPICS)),
    discipline: pick("discipline", codes(DISCIPLINES)),
    publisher: publisher && publisher.length <= TOOL_LIMITS.publisherMax ? publisher : undefined,
    language: pick("language", TOOL_LANGUAGES),
    year: year && /^\d{4}$/.test(year) ? year : undefined,
    sort: sort ?? (q ? "relevance" : "date"),
    superseded: params.get("superseded") === "1",
    page: Number.isFinite(page) && page >= 1 && page <= 1000 ? page : 1,
  };
}
