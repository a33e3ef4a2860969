import { describe, expect, it } from "vitest";
import { privacySettingsSchema, withdrawConsentSchema } from "./schemas";

describe("privacy settings form", () => {
  it("a withdrawal names one of the optional consents; the account's own consents are not withdrawn here", () => {
    expect(withdrawConsentSchema.parse({ intent: "withdraw", consent: "forum_emails" }).consent).toBe("forum_emails");
    for (const consent of ["privacy", "terms", "", "directory "]) {
      const bad = withdrawConsentSchema.safeParse({ intent: "withdraw", consent });
      expect(bad.success, consent).toBe(false);
      if (!bad.success) expect(bad.error.flatten().fieldErrors.consent).toEqual(["myPrivacy.errors.consent"]);
    }
  });
  it("refuses a delay outside the list with a field message, accepts never and the unchecked boxes", () => {
    const bad = privacySettingsSchema.safeParse({ intent: "settings", emailDelay: "5" });
    expect(bad.success).toBe(false);
    if (!bad.success) expect(bad.error.flatten().fieldErrors.emailDelay).toEqual(["myPrivacy.errors.emailDelay"]);
    expect(privacySettingsSchema.parse({ intent: "settings", emailDelay: "never" })).toEqual({ intent: "settings", emailDelay: "never" });
  });
});
