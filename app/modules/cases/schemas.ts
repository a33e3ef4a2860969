// Form contracts of the cases capability shared by the browser and the server: marking
// one finding of the identifier guard as not identifying (with a reason), and a
// moderator sending a case back with a note.
import { z } from "zod";

export const IDENTIFIER_KINDS = ["nam", "record_number", "phone", "email", "postal_code", "date_of_birth", "date", "address",
  "age_over_89", "name"] as const;
/** Match the CHECK constraints of case_identifier_overrides and cases.review_note. */
export const OVERRIDE_LIMITS = { reasonMin: 5, reasonMax: 300, matchMax: 200, perSave: 20 } as const;
export const REVIEW_NOTE_LIMITS = { min: 5, max: 1000 } as const;

/** The finding an override names: exactly this kind and this matched text in this field. */
export const overrideKeySchema = z.object({
  field: z.string().regex(/^[a-zA-Z]{1,40}$/),
  kind: z.enum(IDENTIFIER_KINDS),
  match: z.string().min(1).max(OVERRIDE_LIMITS.matchMax),
});
export const overrideSchema = overrideKeySchema.extend({
  reason: z.string().trim()
    .min(OVERRIDE_LIMITS.reasonMin, { message: "cases.errors.override_reason_required" })
    .max(OVERRIDE_LIMITS.reasonMax, { message: "cases.errors.too_long" }),
});
export type OverrideInput = z.infer<typeof overrideSchema>;
export const overridesSchema = z.array(overrideSchema).max(OVERRIDE_LIMITS.perSave);

/** The value of a finding's "not identifying" checkbox. */
export const overrideKey = (f: { field: string; kind: string; match: string }) =>
  JSON.stringify({ field: f.field, kind: f.kind, match: f.match });

/**
 * Overrides from a form: `overrides.<i>.key` (checked box, the finding as JSON) and
 * `overrides.<i>.reason`. A checked box with a malformed key is dropped (the finding
 * then still blocks); an empty or too short reason is reported by overridesSchema.
 */
export function overridesFromForm(form: FormData): unknown[] {
  const out: unknown[] = [];
  for (const [name, value] of form.entries()) {
    const m = /^overrides\.(\d{1,2})\.key$/.exec(name);
    if (!m || typeof value !== "string") continue;
    let key: unknown;
    try {
      key = JSON.parse(value);
    } catch {
      continue;
    }
    const parsed = overrideKeySchema.safeParse(key);
    if (!parsed.success) continue;
    out.push({ ...parsed.data, reason: String(form.get(`overrides.${m[1]}.reason`) ?? "") });
  }
  return out;
}

export const sendBackSchema = z.object({
  note: z.string().trim()
    .min(REVIEW_NOTE_LIMITS.min, { message: "cases.errors.note_required" })
    .max(REVIEW_NOTE_LIMITS.max, { message: "cases.errors.too_long" }),
});

/** Designating an expert who may write recommendations: for every verified case (no space) or one private space's. */
export const designateExpertSchema = z.object({
  userId: z.string().uuid({ message: "cases.errors.expert_required" }),
  spaceId: z.preprocess((v) => (v === "" ? undefined : v), z.string().uuid({ message: "cases.errors.invalid" }).optional()),
});
export const removeExpertSchema = z.object({ expertId: z.coerce.number().int().positive() });
