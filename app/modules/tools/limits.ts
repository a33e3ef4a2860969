// Tools library limits and fixed vocabularies. The numbers match the CHECK
// constraints of supabase/migrations/20261123000300_tools.sql; a unit test reads
// the migration and fails when they drift apart. No server-only imports: the
// forms (browser) and server/http.ts (body limit of the upload routes) share it.

export const TOOL_KINDS = ["guide", "protocol", "form", "checklist", "toolkit", "video", "course", "report", "link", "tool"] as const;
export type ToolKind = (typeof TOOL_KINDS)[number];

/** Language of the document itself (not of the summary). */
export const TOOL_LANGUAGES = ["fr", "en", "bilingual"] as const;
export type ToolLanguage = (typeof TOOL_LANGUAGES)[number];

export const TOOL_STATUSES = ["draft", "in_review", "published", "archived"] as const;
export type ToolStatus = (typeof TOOL_STATUSES)[number];

/** The editorial workflow: draft → in review → published → archived (and back to draft to rework). */
export const TOOL_TRANSITIONS: Record<ToolStatus, readonly ToolStatus[]> = {
  draft: ["in_review", "archived"],
  in_review: ["draft", "published", "archived"],
  published: ["archived"],
  archived: ["draft"],
};

export const TOOL_LIMITS = {
  titleMin: 3,
  titleMax: 300,
  publisherMax: 120,
  summaryMax: 2000,
  urlMax: 2000,
  versionLabelMax: 40,
  topicsMax: 10,
  disciplinesMax: 14,
  fileTextMax: 200_000,
  fileNameMax: 200,
  suggestionNoteMax: 2000,
  /** Open suggestions one member may file per 24 hours (tool_suggestions_before_insert). */
  suggestionsPerDay: 10,
  queryMax: 200,
} as const;

/** Largest uploaded file (files.byte_size CHECK). */
export const MAX_FILE_BYTES = 20 * 1024 * 1024;
/** A multipart request to an upload route: the file plus the form's other fields. */
export const MAX_UPLOAD_BODY_BYTES = MAX_FILE_BYTES + 512 * 1024;
/** Largest text field of a multipart form (a summary is at most a few KB). */
export const MAX_FORM_FIELD_BYTES = 64 * 1024;

/** The routes that take a multipart upload (server/http.ts gives them MAX_UPLOAD_BODY_BYTES). */
export const UPLOAD_PATH = /^\/tools\/(new|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\/edit)\/?$/i;
export function isUploadPath(pathname: string): boolean {
  return UPLOAD_PATH.test(pathname);
}

/** Content types the library accepts, decided by the bytes (file-types.ts), never by the name. */
export const FILE_TYPES = {
  "application/pdf": { extensions: ["pdf"] },
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": { extensions: ["docx"] },
  "image/png": { extensions: ["png"] },
  "image/jpeg": { extensions: ["jpg", "jpeg"] },
  "image/webp": { extensions: ["webp"] },
  "image/svg+xml": { extensions: ["svg"] },
} as const;
export type FileContentType = keyof typeof FILE_TYPES;
export const ACCEPT_ATTRIBUTE = ".pdf,.docx,.png,.jpg,.jpeg,.webp,.svg";

export const SEARCH_PAGE_SIZE = 20;
export const SORTS = ["relevance", "date", "bookmarks"] as const;
export type ToolSort = (typeof SORTS)[number];

/** The library's facets, in the order the filter form shows them. */
export type Facet = "kind" | "topic" | "discipline" | "publisher" | "language" | "year";
export const FACETS: readonly Facet[] = ["kind", "topic", "discipline", "publisher", "language", "year"];

/** Review dates are calendar dates ('YYYY-MM-DD'); "today" is Quebec's. */
export function isPastDue(reviewDueOn: string | null, today: string): boolean {
  return Boolean(reviewDueOn && reviewDueOn < today);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: unknown): value is string => typeof value === "string" && UUID.test(value);
