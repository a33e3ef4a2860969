// One zod contract per mentoring form (browser and server).
import { z } from "zod";
import { localIntervalShape, refineLocalInterval, type LocalIntervalRules } from "~/utils/local-time";

export const MODALITIES = ["video", "phone", "chat"] as const;
export const REQUEST_LANGUAGES = ["fr", "en"] as const;
export const LIMITS = { goals: 2000, bio: 1500, availability: 500, note: 4000, goalTitle: 300, comment: 2000, log: 4000 } as const;
/** Unanswered requests: a reminder to the mentor after REMIND, expiry after EXPIRE. */
export const REQUEST_REMIND_DAYS = 3;
export const REQUEST_EXPIRE_DAYS = 7;

const code = z.string().regex(/^[a-z0-9_]{1,40}$/, "errors.choice");
const list = (max: number, min = 0, message = "errors.required") =>
  z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(code).max(max, "errors.too_many").min(min, message));
const text = (max: number, min = 0) =>
  z.preprocess(
    (v) => (typeof v === "string" ? v.trim() : (v ?? "")),
    z
      .string()
      .max(max, "errors.too_long")
      .min(min, min > 0 ? "errors.too_short" : "errors.required"),
  );
const checkbox = z.preprocess((v) => v === "on" || v === "true" || v === true, z.boolean());
const uuid = z.string().uuid("errors.invalid");

export const mentorProfileSchema = z.object({
  topics: list(12, 1),
  disciplines: list(14, 1),
  regions: z.preprocess(
    (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]),
    z
      .array(z.string().regex(/^[0-9]{2}$/, "errors.choice"))
      .max(18)
      .min(1, "errors.required"),
  ),
  languages: list(8, 1, "errors.languages_min"),
  capacity: z.coerce
    .number({ invalid_type_error: "errors.invalid" })
    .int("errors.invalid")
    .min(1, "mentoring.errors.capacityRange")
    .max(10, "mentoring.errors.capacityRange"),
  modalities: z.preprocess(
    (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]),
    z
      .array(z.enum(MODALITIES, { errorMap: () => ({ message: "errors.choice" }) }))
      .min(1, "errors.required")
      .max(3),
  ),
  availability: text(LIMITS.availability),
  bio: text(LIMITS.bio),
  accepting: checkbox,
  matchingOptIn: checkbox,
});
export type MentorProfileInput = z.infer<typeof mentorProfileSchema>;

/** The ask-for-a-mentor form: a GET (it only computes suggestions). */
export const askSchema = z.object({
  topics: list(8, 1),
  discipline: code.optional(),
  language: z.enum(REQUEST_LANGUAGES).default("fr"),
  modality: z.enum(MODALITIES).default("video"),
  region: z.enum(["any", "same"]).default("any"),
});
export type AskInput = z.infer<typeof askSchema>;

export const requestSchema = z.object({
  intent: z.literal("request"),
  topics: list(8, 1),
  goals: text(LIMITS.goals, 10),
  modality: z.enum(MODALITIES, { errorMap: () => ({ message: "errors.choice" }) }),
  language: z.enum(REQUEST_LANGUAGES, { errorMap: () => ({ message: "errors.choice" }) }),
  /** The member's leave for the coordination to hand the request to another mentor (off unless ticked). */
  coordinationOk: checkbox,
});

/** On one of the member's open requests: give or take back that leave. */
export const consentSchema = z.object({
  intent: z.literal("consent"),
  requestId: uuid,
  on: z.enum(["on", "off"], { errorMap: () => ({ message: "errors.choice" }) }),
});

/** A coordinator assigns an open request to a mentor. */
export const assignSchema = z.object({
  intent: z.literal("assign"),
  mentorId: z.string({ required_error: "errors.required" }).uuid("errors.choice"),
});

export const answerSchema = z.object({
  intent: z.enum(["accept", "decline", "withdraw"]),
  requestId: uuid,
});

export const agreementSchema = z.object({
  intent: z.literal("agreement"),
  goals: text(LIMITS.goals, 10),
  frequency: text(200, 2),
  duration: text(200, 2),
  confidentiality: text(1000, 10),
});
export const confirmSchema = z.object({ intent: z.literal("confirm") });

export const goalSchema = z.object({ intent: z.literal("goal"), title: text(LIMITS.goalTitle, 3) });
export const progressSchema = z.object({
  intent: z.literal("progress"),
  goalId: uuid,
  progress: z.coerce
    .number({ invalid_type_error: "errors.invalid" })
    .int("errors.invalid")
    .min(0, "errors.invalid")
    .max(100, "errors.invalid"),
  comment: text(LIMITS.comment),
});

/** A session lasts at most 8 hours (the table's limit), and may end after midnight (the box). */
export const SESSION_INTERVAL: LocalIntervalRules = { maxMinutes: 8 * 60, tooLong: "mentoring.errors.sessionTooLong" };
export const sessionSchema = z
  .object({
    intent: z.literal("session"),
    ...localIntervalShape,
    modality: z.enum(MODALITIES, { errorMap: () => ({ message: "errors.choice" }) }),
  })
  .superRefine((v, ctx) => refineLocalInterval(v, ctx, SESSION_INTERVAL));
/** Moving a planned session: the same fields and checks as scheduling one. */
export const rescheduleSchema = z
  .object({
    intent: z.literal("reschedule"),
    sessionId: uuid,
    ...localIntervalShape,
  })
  .superRefine((v, ctx) => refineLocalInterval(v, ctx, SESSION_INTERVAL));
export const cancelSessionSchema = z.object({
  intent: z.literal("cancelSession"),
  sessionId: uuid,
  confirmCancel: z.literal("on", { errorMap: () => ({ message: "errors.required" }) }),
});
export const chatSchema = z.object({ intent: z.literal("chat") });
export const sessionLogSchema = z.object({ intent: z.literal("log"), sessionId: uuid, log: text(LIMITS.log, 3) });

export const noteSchema = z.object({
  intent: z.literal("note"),
  visibility: z.enum(["shared", "private"], { errorMap: () => ({ message: "errors.choice" }) }),
  body: text(LIMITS.note, 1),
});
export const endSchema = z.object({
  intent: z.literal("end"),
  confirm: z.literal("on", { errorMap: () => ({ message: "errors.required" }) }),
});
export const assessmentSchema = z.object({
  intent: z.literal("assessment"),
  rating: z.coerce.number({ invalid_type_error: "errors.required" }).int().min(1, "errors.required").max(5, "errors.invalid"),
  comment: text(LIMITS.comment),
});

export const workspaceIntents = [
  "agreement",
  "confirm",
  "goal",
  "progress",
  "session",
  "reschedule",
  "cancelSession",
  "log",
  "note",
  "end",
  "assessment",
  "chat",
] as const;
