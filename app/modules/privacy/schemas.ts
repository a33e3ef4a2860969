// The privacy page's forms (shared by browser and server): one intent per form.
import { z } from "zod";
import { safeRedirect } from "~/modules/accounts/schemas";
import { EMAIL_DELAYS_MINUTES } from "~/modules/notifications/email-delays";

/** The notification email delays: the notifications module's one list (its CHECK refuses any other). */
export { EMAIL_DELAYS_MINUTES as EMAIL_DELAY_OPTIONS } from "~/modules/notifications/email-delays";

/** Optional consents a member may withdraw from the privacy page (each turns its feature off). */
export const OPTIONAL_CONSENTS = ["directory", "presence", "notification_emails", "forum_emails", "mentor_matching"] as const;
export type OptionalConsent = (typeof OPTIONAL_CONSENTS)[number];

const checkbox = z.literal("on").optional();

export const privacySettingsSchema = z.object({
  intent: z.literal("settings"),
  directory: checkbox,
  presence: checkbox,
  emailDelay: z.enum(["never", ...EMAIL_DELAYS_MINUTES.map(String)] as [string, ...string[]], { message: "myPrivacy.errors.emailDelay" }),
});

export const privacyIntentSchema = z.object({
  intent: z.enum(["settings", "export", "deletion", "cancelDeletion", "withdraw"], { message: "myPrivacy.errors.intent" }),
});

export const withdrawConsentSchema = z.object({
  intent: z.literal("withdraw"),
  consent: z.enum(OPTIONAL_CONSENTS, { message: "myPrivacy.errors.consent" }),
});

export type PrivacySettingsInput = z.infer<typeof privacySettingsSchema>;

/**
 * Accepting the notices whose version changed: one checkbox per notice still to
 * accept (separate consents), each required; the others are not asked.
 */
export function reconsentSchema(stale: readonly ("terms" | "privacy")[]) {
  const accept = (kind: "terms" | "privacy") =>
    stale.includes(kind)
      ? z.literal("on", { errorMap: () => ({ message: `myPrivacy.reconsent.required.${kind}` }) })
      : z.literal("on").optional();
  return z.object({ acceptTerms: accept("terms"), acceptPrivacy: accept("privacy"), redirectTo: safeRedirect });
}
