// Form contracts of the cases capability shared by the browser and the server: the
// case template, submitting it, a moderator sending a case back with a note,
// designating experts. Messages are i18n keys. The identifier guard's overrides have
// their own contract (app/modules/identifier-guard/schemas.ts).
import { z } from "zod";
import { formIdNumber } from "~/utils/input-schemas";
import { AGE_DECADES, CARE_SETTINGS, CONDITIONS, DOSE_RANGES, GENDERS, HOUSING, SUBSTANCES, TREATMENTS } from "./template";

/** A case id from a URL or a form: anything but a UUID is a case nobody can see (404), never a database error. */
export const caseIdSchema = z.string().uuid();
export const isCaseId = (value: unknown): value is string => caseIdSchema.safeParse(value).success;

// ── The case template ────────────────────────────────────────────────────────

const manyOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.preprocess((v) => (v === undefined || v === "" ? [] : Array.isArray(v) ? v : [v]), z.array(z.enum(values)).max(values.length));
const optionalChoice = <T extends readonly [string, ...string[]]>(values: T) =>
  z.preprocess((v) => (v === "" ? undefined : v), z.enum(values).optional());
const trimmed = (max: number) => z.string().trim().max(max, { message: "cases.errors.too_long" });

export const caseTemplateSchema = z.object({
  title: z.string().trim().min(4, { message: "cases.errors.title_required" }).max(160, { message: "cases.errors.too_long" }),
  question: z.string().trim().min(10, { message: "cases.errors.question_required" }).max(2000, { message: "cases.errors.too_long" }),
  careSetting: z.enum(CARE_SETTINGS, { message: "cases.errors.care_setting_required" }),
  ageDecade: z.preprocess(
    (v) => (v === "" || v === undefined ? undefined : Number(v)),
    z.union(AGE_DECADES.map((d) => z.literal(d)) as unknown as [z.ZodLiteral<10>, z.ZodLiteral<20>]).optional(),
  ),
  gender: optionalChoice(GENDERS),
  substances: manyOf(SUBSTANCES),
  treatment: optionalChoice(TREATMENTS),
  doseRange: optionalChoice(DOSE_RANGES),
  conditions: manyOf(CONDITIONS),
  housing: optionalChoice(HOUSING),
  socialSituation: trimmed(1000).default(""),
  whatTried: trimmed(4000).default(""),
  details: z.string().max(40_000).optional(),
  detailsJson: z.string().max(400_000).optional(),
  topics: z.preprocess(
    (v) =>
      typeof v === "string"
        ? v
            .split(",")
            .map((s) => s.trim())
            .filter(Boolean)
        : (v ?? []),
    z.array(z.string().max(40)).max(8),
  ),
  pseudonym: z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), trimmed(80).min(2).optional()),
  spaceId: z.preprocess((v) => (v === "" ? undefined : v), z.string().uuid().optional()),
});
export type CaseTemplateInput = z.input<typeof caseTemplateSchema>;

export const submitSchema = z.object({
  attestNotIdentifiable: z.literal("on", { message: "cases.errors.attestation_required" }),
  attestConsent: z.literal("on").optional(),
});

/** Match the CHECK constraint of cases.review_note. */
export const REVIEW_NOTE_LIMITS = { min: 5, max: 1000 } as const;

export const sendBackSchema = z.object({
  note: z
    .string()
    .trim()
    .min(REVIEW_NOTE_LIMITS.min, { message: "cases.errors.note_required" })
    .max(REVIEW_NOTE_LIMITS.max, { message: "cases.errors.too_long" }),
});

/** Designating an expert who may write recommendations: for every verified case (no space) or one private space's. */
export const designateExpertSchema = z.object({
  userId: z.string().uuid({ message: "cases.errors.expert_required" }),
  spaceId: z.preprocess((v) => (v === "" ? undefined : v), z.string().uuid({ message: "cases.errors.invalid" }).optional()),
});
export const removeExpertSchema = z.object({ expertId: formIdNumber() });
