// One zod contract per events form (browser and server) and the list filters.
import { z } from "zod";
import { localIntervalShape, refineLocalInterval } from "~/utils/local-time";

export const AUDIENCES = ["public", "verified", "space"] as const;
export const EVENT_LANGUAGES = ["fr", "en", "bilingual"] as const;
export const EVENT_KINDS = ["webinar", "managers_meeting", "virtual_event", "training", "conference"] as const;
export const REMINDERS = [
  { name: "7d", beforeMs: 7 * 86_400_000 },
  { name: "1d", beforeMs: 86_400_000 },
  { name: "1h", beforeMs: 3_600_000 },
] as const;
export type ReminderName = (typeof REMINDERS)[number]["name"];

const uuid = z.string().uuid("errors.invalid");
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, "errors.too_long")
    .optional()
    .transform((v) => (v ? v : null));

/** List filters from GET parameters; anything unreadable falls back to "no filter". */
export const eventFiltersSchema = z.object({
  topic: z
    .string()
    .regex(/^[a-z_]{1,40}$/)
    .optional()
    .catch(undefined),
  audience: z.enum(AUDIENCES).optional().catch(undefined),
  language: z.enum(EVENT_LANGUAGES).optional().catch(undefined),
  series: uuid.optional().catch(undefined),
  region: z
    .string()
    .regex(/^[0-9]{2}$/)
    .optional()
    .catch(undefined),
  when: z.enum(["upcoming", "past"]).default("upcoming").catch("upcoming"),
});
export type EventFilters = z.infer<typeof eventFiltersSchema>;

export const registrationIntentSchema = z.object({
  intent: z.enum(["register", "unregister"], { errorMap: () => ({ message: "errors.invalid" }) }),
});

/** One row of the speakers' part of the event form; a row left entirely empty is no speaker. */
export const speakerRowSchema = z.object({
  name: z.string().trim().min(2, "errors.too_short").max(120, "errors.too_long"),
  affiliation: z.string().trim().max(200, "errors.too_long").default(""),
  /** The member account's email, to make the speaker a host of the live room; empty: a name only. */
  email: z
    .string()
    .trim()
    .max(320, "errors.too_long")
    .email("events.errors.speakerEmail")
    .optional()
    .or(z.literal("").transform(() => undefined)),
});
/** A validated speaker; `row` is its place in the form (for field errors). */
export type SpeakerInput = z.infer<typeof speakerRowSchema> & { row?: number };
export const MAX_SPEAKERS = 20;

/** A speaker row as the organisers' form shows it (stored, or as typed before a refusal). */
export interface SpeakerFormRow {
  name: string;
  affiliation: string;
  email: string;
}

/** The speaker rows exactly as typed (to show the form again after a refusal). */
export function typedSpeakerRows(form: FormData): SpeakerFormRow[] {
  const all = (name: string) => form.getAll(name).map((v) => (typeof v === "string" ? v : ""));
  const names = all("speakerName");
  const affiliations = all("speakerAffiliation");
  const emails = all("speakerEmail");
  return names.map((name, i) => ({ name, affiliation: affiliations[i] ?? "", email: emails[i] ?? "" }));
}

export const eventFormSchema = z
  .object({
    title: z.string({ required_error: "errors.required" }).trim().min(3, "errors.too_short").max(300, "errors.too_long"),
    kind: z.enum(EVENT_KINDS, { errorMap: () => ({ message: "errors.choice" }) }).default("webinar"),
    seriesId: uuid.optional().or(z.literal("").transform(() => undefined)),
    // Local date and times in Toronto; an evening webinar may end after midnight (the box).
    ...localIntervalShape,
    audience: z.enum(AUDIENCES, { errorMap: () => ({ message: "errors.choice" }) }),
    spaceId: uuid.optional().or(z.literal("").transform(() => undefined)),
    capacity: z.coerce
      .number({ invalid_type_error: "errors.invalid" })
      .int("errors.invalid")
      .min(1, "events.errors.capacity")
      .max(100_000, "events.errors.capacity")
      .optional()
      .or(z.literal("").transform(() => undefined)),
    language: z.enum(EVENT_LANGUAGES, { errorMap: () => ({ message: "errors.choice" }) }).default("fr"),
    region: z
      .string()
      .regex(/^[0-9]{2}$/, "errors.choice")
      .optional()
      .or(z.literal("").transform(() => undefined)),
    topics: z
      .array(z.string().regex(/^[a-z_]{1,40}$/, "errors.choice"))
      .max(10, "errors.too_many")
      .default([]),
    speakers: z.array(speakerRowSchema).max(MAX_SPEAKERS, "errors.too_many").default([]),
    description: z.string().max(200_000, "errors.too_long").optional(),
    cpdHours: z.coerce
      .number({ invalid_type_error: "errors.invalid" })
      .positive("events.errors.cpdHours")
      .max(40, "events.errors.cpdHours")
      .optional()
      .or(z.literal("").transform(() => undefined)),
    cpdBody: optionalText(200),
    cpdCategory: optionalText(200),
  })
  .superRefine((v, ctx) => {
    // At most 24 h (the table's limit), counted in real minutes across the clock changes.
    refineLocalInterval(v, ctx);
    if (v.audience === "space" && !v.spaceId)
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["spaceId"], message: "events.errors.spaceRequired" });
    if (v.cpdHours && !v.cpdBody)
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["cpdBody"], message: "events.errors.cpdBodyRequired" });
  });
export type EventInput = z.infer<typeof eventFormSchema>;

export const seriesFormSchema = z.object({
  title: z.string({ required_error: "errors.required" }).trim().min(3, "errors.too_short").max(200, "errors.too_long"),
  summary: z.string().trim().max(2000, "errors.too_long").default(""),
});

export const cancelEventSchema = z.object({ intent: z.literal("cancel") });

export const calendarTokenIntentSchema = z.object({
  intent: z.enum(["create", "revoke"], { errorMap: () => ({ message: "errors.invalid" }) }),
});

/** A calendar feed token as it appears in the URL: 43 base64url characters (32 random bytes). */
export const CALENDAR_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export const reminderJobSchema = z.object({
  eventId: uuid,
  userId: uuid,
  reminder: z.enum(["7d", "1d", "1h"]),
  /** The start this reminder was planned for; a moved event makes it stale (skipped). */
  startsAt: z.string().datetime(),
});

// ── After the event ────────────────────────────────────────────────────────────

/** The recording's address: https only (it is shown to every reader); empty removes it. */
export const recordingFormSchema = z.object({
  recordingUrl: z
    .string()
    .trim()
    .max(2000, "errors.too_long")
    .refine((v) => v === "" || (URL.canParse(v) && new URL(v).protocol === "https:" && !/\s/.test(v)), "events.followup.errors.https")
    .transform((v) => (v === "" ? null : v)),
});

export const resourceFormSchema = z.object({
  intent: z.enum(["addResource", "removeResource"], { errorMap: () => ({ message: "errors.invalid" }) }),
  toolId: z.string({ required_error: "events.followup.errors.tool" }).uuid("events.followup.errors.tool"),
});

/** The satisfaction survey: a rating from 1 to 5 and an optional comment. */
export const surveyFormSchema = z.object({
  rating: z.coerce
    .number({ invalid_type_error: "events.survey.errors.rating", required_error: "events.survey.errors.rating" })
    .int("events.survey.errors.rating")
    .min(1, "events.survey.errors.rating")
    .max(5, "events.survey.errors.rating"),
  comment: z
    .string()
    .trim()
    .max(2000, "errors.too_long")
    .optional()
    .transform((v) => (v ? v : null)),
});

// ── Speakers and slides ────────────────────────────────────────────────────────

/** The slides form's fields besides the file (multipart); the title defaults to the file's name. */
export const slideFormSchema = z.object({
  intent: z.literal("addSlide"),
  title: z
    .string()
    .trim()
    .max(200, "errors.too_long")
    .optional()
    .transform((v) => (v ? v : null)),
});
export const removeSlideSchema = z.object({
  intent: z.literal("removeSlide"),
  slideId: z.coerce.number({ invalid_type_error: "errors.invalid" }).int("errors.invalid").positive("errors.invalid"),
});

/** The follow-up page takes the slides' multipart upload (server/http.ts gives it the upload body limit). */
const SLIDES_UPLOAD_PATH = /^\/events\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\/followup\/?$/i;
export const isSlidesUploadPath = (pathname: string) => SLIDES_UPLOAD_PATH.test(pathname);
