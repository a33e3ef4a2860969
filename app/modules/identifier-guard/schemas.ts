// The one contract of the identifier guard's overrides, shared by the browser and the
// server of every capability that runs the guard (cases, forums, chat): marking one
// finding as "this passage identifies no one", with a reason moderators can read.
import { z } from "zod";

export const IDENTIFIER_KINDS = [
  "nam",
  "record_number",
  "phone",
  "email",
  "postal_code",
  "date_of_birth",
  "date",
  "address",
  "age_over_89",
  "sin",
  "room_number",
  "name",
] as const;
export type IdentifierKindName = (typeof IDENTIFIER_KINDS)[number];
/**
 * Within the CHECK constraints of case_identifier_overrides and identifier_overrides
 * (reason 5–300 characters there): a reason is a sentence a moderator can judge — at
 * least 15 characters and 3 words ("nom d'un médicament", "ligne d'aide publique").
 */
export const OVERRIDE_LIMITS = { reasonMin: 15, reasonMinWords: 3, reasonMax: 300, matchMax: 200, perSave: 20 } as const;

/** The finding an override names: exactly this kind and this matched text in this field. */
export const overrideKeySchema = z.object({
  field: z.string().regex(/^[a-zA-Z]{1,40}$/),
  kind: z.enum(IDENTIFIER_KINDS),
  match: z.string().min(1).max(OVERRIDE_LIMITS.matchMax),
});
export const overrideSchema = overrideKeySchema.extend({
  reason: z
    .string()
    .trim()
    .min(OVERRIDE_LIMITS.reasonMin, { message: "identifierGuard.errors.override_reason_required" })
    .max(OVERRIDE_LIMITS.reasonMax, { message: "identifierGuard.errors.too_long" })
    .refine((r) => (r.match(/\p{L}[\p{L}\p{N}'’-]*/gu) ?? []).length >= OVERRIDE_LIMITS.reasonMinWords, {
      message: "identifierGuard.errors.override_reason_required",
    }),
});
export type OverrideInput = z.infer<typeof overrideSchema>;
export const overridesSchema = z.array(overrideSchema).max(OVERRIDE_LIMITS.perSave);

export { overrideKey } from "./override-key";

/** An override's key read back from its checkbox value; null when malformed. */
export function parseOverrideKey(value: unknown): z.infer<typeof overrideKeySchema> | null {
  if (typeof value !== "string") return null;
  let key: unknown;
  try {
    key = JSON.parse(value);
  } catch {
    return null;
  }
  const parsed = overrideKeySchema.safeParse(key);
  return parsed.success ? parsed.data : null;
}

/**
 * Overrides from a form: `overrides.<i>.key` (checked box, the finding as JSON) and
 * `overrides.<i>.reason`. A checked box with a malformed key is dropped (the finding
 * then still blocks); an empty or too short reason is reported by overridesSchema.
 */
export function overridesFromForm(form: FormData): unknown[] {
  const out: unknown[] = [];
  for (const [name, value] of form.entries()) {
    const m = /^overrides\.(\d{1,2})\.key$/.exec(name);
    if (!m) continue;
    const key = parseOverrideKey(value);
    if (!key) continue;
    out.push({ ...key, reason: String(form.get(`overrides.${m[1]}.reason`) ?? "") });
  }
  return out;
}
