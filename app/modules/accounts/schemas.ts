// One zod schema per form, shared by the browser (conform) and the server.
// Messages are i18n keys (errors.*), translated where they are shown.
// Limits match the CHECK constraints in supabase/migrations.
import { z } from "zod";
import { calendarDate } from "~/utils/input-schemas";
import { codes, DISCIPLINES, ESTABLISHMENT_KINDS, LANGUAGES, PROFESSIONAL_ORDERS, REGIONS, TOPICS } from "./reference";

export const LIMITS = {
  email: 254,
  passwordMin: 10,
  passwordMax: 128,
  displayNameMin: 2,
  displayName: 80,
  establishment: 160,
  permitNumber: 32,
  bio: 2000,
  topics: 30,
  languages: 8,
  note: 1000,
  noteMin: 3,
} as const;

const required = { required_error: "errors.required", invalid_type_error: "errors.invalid" };
// A wrong type (a field sent twice, a checkbox with a made-up value) gets a key too,
// never zod's English default message.
const typed = { invalid_type_error: "errors.invalid" };
const email = z.string(required).trim().toLowerCase().max(LIMITS.email, "errors.too_long").email("errors.email");
const password = z.string(required).min(LIMITS.passwordMin, "errors.password_short").max(LIMITS.passwordMax, "errors.too_long");
const optionalText = (max: number) => z.string(typed).trim().max(max, "errors.too_long").optional();
const oneOf = (values: [string, ...string[]]) => z.enum(values, { errorMap: () => ({ message: "errors.choice" }) });

const profileFields = {
  displayName: z.string(required).trim().min(LIMITS.displayNameMin, "errors.too_short").max(LIMITS.displayName, "errors.too_long"),
  discipline: oneOf(codes(DISCIPLINES)),
  region: oneOf(codes(REGIONS)),
  establishment: optionalText(LIMITS.establishment),
  establishmentKind: oneOf(codes(ESTABLISHMENT_KINDS)).optional(),
  orderCode: oneOf(codes(PROFESSIONAL_ORDERS)).optional(),
  permitNumber: z
    .string(typed)
    .trim()
    .max(LIMITS.permitNumber, "errors.too_long")
    .regex(/^[A-Za-z0-9-]+$/, "errors.permit_format")
    .optional(),
  languages: z
    .array(oneOf([...LANGUAGES]), required)
    .min(1, "errors.languages_min")
    .max(LIMITS.languages, "errors.too_many"),
  topics: z
    .array(oneOf(codes(TOPICS)), typed)
    .max(LIMITS.topics, "errors.too_many")
    .default([]),
};

// A permit number only means something with its order.
const permitNeedsOrder = <T extends { orderCode?: string; permitNumber?: string }>(value: T, ctx: z.RefinementCtx) => {
  if (value.permitNumber && !value.orderCode) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["orderCode"], message: "errors.order_required" });
  }
};

export const signupSchema = z
  .object({
    email,
    password,
    ...profileFields,
    directoryOptIn: z.boolean(typed).default(false),
    // Two separate consents, each asked on its own (Law 25).
    acceptTerms: z.literal(true, { errorMap: () => ({ message: "errors.consent_terms" }) }),
    acceptPrivacy: z.literal(true, { errorMap: () => ({ message: "errors.consent_privacy" }) }),
  })
  .superRefine(permitNeedsOrder);
export type SignupInput = z.infer<typeof signupSchema>;

export const profileSchema = z
  .object({
    ...profileFields,
    bio: optionalText(LIMITS.bio),
    directoryOptIn: z.boolean(typed).default(false),
    locale: z.enum(["fr-CA", "en-CA"], { errorMap: () => ({ message: "errors.choice" }) }),
  })
  .superRefine(permitNeedsOrder);
export type ProfileInput = z.infer<typeof profileSchema>;

/** Only same-site paths: never an open redirect. */
export const safeRedirect = z
  .string()
  .regex(/^\/(?![/\\])[^\s]*$/, "errors.invalid")
  .max(500)
  .optional()
  .catch(undefined);

export const loginSchema = z.object({
  email,
  password: z.string(required).min(1, "errors.required").max(LIMITS.passwordMax, "errors.too_long"),
  redirectTo: safeRedirect,
});

export const forgotPasswordSchema = z.object({ email });

export const resetPasswordSchema = z
  .object({
    token: z.string(required).min(20, "errors.invalid").max(200, "errors.invalid"),
    password,
    confirm: z.string(required),
  })
  .refine((v) => v.password === v.confirm, { path: ["confirm"], message: "errors.password_mismatch" });

// Account security (/profile/security): each change is proven by the current password.
const currentPassword = z.string(required).min(1, "errors.required").max(LIMITS.passwordMax, "errors.too_long");
const intent = <T extends string>(value: T) => z.literal(value, { errorMap: () => ({ message: "errors.invalid" }) });

export const changePasswordSchema = z
  .object({ intent: intent("password"), currentPassword, password, confirm: z.string(required) })
  .refine((v) => v.password === v.confirm, { path: ["confirm"], message: "errors.password_mismatch" });
export type ChangePasswordInput = z.infer<typeof changePasswordSchema>;

export const changeEmailSchema = z.object({ intent: intent("email"), currentPassword, newEmail: email });
export type ChangeEmailInput = z.infer<typeof changeEmailSchema>;

export const confirmEmailChangeSchema = z.object({
  token: z.string(required).min(20, "errors.invalid").max(200, "errors.invalid"),
});

/** Today in Montréal (YYYY-MM-DD), in the browser and on the server alike. */
const montrealToday = () =>
  new Intl.DateTimeFormat("en-CA", { timeZone: "America/Toronto", year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
// A permit's expiry: a real day, not past (an expired permit verifies nothing), within five
// years (a yearly permit; a typo like 2206 is refused).
const permitDate = calendarDate("permit.errors.date")
  .refine((v) => v >= montrealToday(), "permit.errors.past")
  .refine((v) => (Date.parse(`${v}T00:00:00Z`) - Date.now()) / (365.25 * 86_400_000) <= 5, "permit.errors.tooFar");

export const verifySchema = z.object({
  userId: z.string(required).uuid("errors.invalid"),
  decision: z.enum(["verified", "revoked"], { errorMap: () => ({ message: "errors.choice" }) }),
  method: z.enum(["order_register", "admin_review"], { errorMap: () => ({ message: "errors.choice" }) }),
  note: z.string(required).trim().min(LIMITS.noteMin, "errors.note_required").max(LIMITS.note, "errors.too_long"),
  // Verified against a permit: its expiry date, so the yearly renewal can be asked for. Empty for
  // proof without a permit (a manager, a researcher), whose verification does not lapse.
  permitExpiresOn: permitDate.optional(),
});

/** The admin confirms a member's renewed permit (the re-verification queue). */
export const confirmRenewalSchema = z.object({
  userId: z.string(required).uuid("errors.invalid"),
  method: z.enum(["order_register", "admin_review"], { errorMap: () => ({ message: "errors.choice" }) }),
  note: z.string(required).trim().min(LIMITS.noteMin, "errors.note_required").max(LIMITS.note, "errors.too_long"),
  permitExpiresOn: z.string({ required_error: "permit.errors.required" }).pipe(permitDate),
});

/** The member's renewal: the expiry date printed on her renewed permit. */
export const permitRenewalSchema = z.object({
  expiresOn: z.string({ required_error: "permit.errors.required" }).pipe(permitDate),
});

export const vouchSchema = z.object({
  userId: z.string(required).uuid("errors.invalid"),
  note: z.string(required).trim().min(LIMITS.noteMin, "errors.note_required").max(LIMITS.note, "errors.too_long"),
});

export const ROLES = ["mentor", "moderator", "curator", "coordinator", "organiser", "admin"] as const;
export const rolesSchema = z.object({
  userId: z.string(required).uuid("errors.invalid"),
  roles: z
    .array(z.enum(ROLES, { errorMap: () => ({ message: "errors.choice" }) }), typed)
    .max(ROLES.length, "errors.too_many")
    // A role named twice is not a form a person can send (one checkbox each): refused, not stored twice.
    .refine((roles) => new Set(roles).size === roles.length, "errors.invalid")
    .default([]),
});

export const localeSchema = z.object({
  locale: z.enum(["fr-CA", "en-CA"], { errorMap: () => ({ message: "errors.choice" }) }),
  redirectTo: safeRedirect,
});
