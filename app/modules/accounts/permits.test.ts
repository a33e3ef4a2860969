// The permit's days are Montréal days, reminders pick the nearest threshold reached, and
// the dates a member or an admin types are refused with a message naming the problem.
import { describe, expect, it } from "vitest";
import { reminderDue } from "./permits.server";
import { confirmRenewalSchema, permitRenewalSchema } from "./schemas";
import { localToday } from "~/utils/local-time";

const errorsOf = (result: { success: boolean; error?: { flatten(): { fieldErrors: Record<string, string[] | undefined> } } }) =>
  result.success ? {} : result.error!.flatten().fieldErrors;

describe("permits", () => {
  it("counts days in Montréal: 03:00 UTC on 1 January is still 31 December", () => {
    expect(localToday(new Date("2027-01-01T03:00:00Z"))).toBe("2026-12-31");
    expect(localToday(new Date("2027-01-01T06:00:00Z"))).toBe("2027-01-01");
  });

  it("sends the 30-day reminder from 30 days out, the 7-day one from 7, none once past", () => {
    expect(reminderDue(31)).toBeNull();
    expect(reminderDue(30)).toBe(30);
    expect(reminderDue(8)).toBe(30);
    expect(reminderDue(7)).toBe(7);
    expect(reminderDue(0)).toBe(7);
    expect(reminderDue(-1)).toBeNull();
  });

  it("refuses impossible, past, far-off and missing dates, field by field", () => {
    expect(errorsOf(permitRenewalSchema.safeParse({ expiresOn: "2027-02-30" }))).toEqual({ expiresOn: ["permit.errors.date"] });
    expect(errorsOf(permitRenewalSchema.safeParse({ expiresOn: "2020-01-01" }))).toEqual({ expiresOn: ["permit.errors.past"] });
    expect(errorsOf(permitRenewalSchema.safeParse({ expiresOn: "2206-01-01" }))).toEqual({ expiresOn: ["permit.errors.tooFar"] });
    expect(errorsOf(permitRenewalSchema.safeParse({}))).toEqual({ expiresOn: ["permit.errors.required"] });
    const nextYear = `${Number(localToday().slice(0, 4)) + 1}-06-30`;
    expect(permitRenewalSchema.safeParse({ expiresOn: nextYear }).success).toBe(true);
    expect(errorsOf(confirmRenewalSchema.safeParse({ userId: "not-an-id", method: "fax", note: "", permitExpiresOn: nextYear }))).toEqual({
      userId: ["errors.invalid"],
      method: ["errors.choice"],
      note: ["errors.note_required"],
    });
  });
});
