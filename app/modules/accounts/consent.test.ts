import { describe, expect, it } from "vitest";
import { isConsentExempt, staleNotices } from "./consent";

describe("staleNotices", () => {
  const current = { terms: "2026-11-01", privacy: "2027-01-15" };
  it("asks again for a notice whose version changed, not for one already accepted", () => {
    expect(
      staleNotices(
        [
          { kind: "terms", version: "2026-11-01", granted: true },
          { kind: "privacy", version: "2026-11-01", granted: true },
        ],
        current,
      ),
    ).toEqual(["privacy"]);
    expect(
      staleNotices(
        [
          { kind: "terms", version: "2026-11-01", granted: true },
          { kind: "privacy", version: "2027-01-15", granted: true },
        ],
        current,
      ),
    ).toEqual([]);
  });
  it("asks when the latest decision is a withdrawal or there is none", () => {
    expect(
      staleNotices(
        [
          { kind: "terms", version: "2026-11-01", granted: true },
          { kind: "privacy", version: "2027-01-15", granted: false },
        ],
        current,
      ),
    ).toEqual(["privacy"]);
    expect(staleNotices([], current)).toEqual(["terms", "privacy"]);
  });
});

describe("isConsentExempt", () => {
  it("leaves the notices, sign-out, the consent page and the privacy page (export, deletion) open", () => {
    for (const path of [
      "/consent",
      "/privacy",
      "/terms",
      "/logout",
      "/lang",
      "/profile/privacy",
      "/profile/privacy/",
      "/profile/privacy/export/12",
      "/contact",
    ]) {
      expect(isConsentExempt(path), path).toBe(true);
    }
  });
  it("holds back everything else, including look-alike paths", () => {
    for (const path of [
      "/",
      "/forums",
      "/profile",
      "/profile/security",
      "/chat/abc",
      "/privacy-extra",
      "/profile/privacyx",
      "/consent/other",
    ]) {
      expect(isConsentExempt(path), path).toBe(false);
    }
  });
});
