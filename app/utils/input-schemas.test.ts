import { describe, expect, it } from "vitest";
import { calendarDate, formIdNumber, idNumber, isCalendarDate, isoDateTime, MAX_ID } from "./input-schemas";

describe("bounded numbers and real dates", () => {
  it("a date must exist: 2026-02-31, year 0 and month 13 are refused; leap days follow the calendar", () => {
    for (const bad of ["2026-02-31", "0000-01-01", "2026-13-01", "2026-00-10", "2026-04-31", "2025-02-29", "99999-01-01", "2026-2-3", ""]) {
      expect(isCalendarDate(bad), bad).toBe(false);
    }
    for (const good of ["2024-02-29", "2026-12-31", "0001-01-01", "9999-12-31"]) expect(isCalendarDate(good), good).toBe(true);
    expect(calendarDate().safeParse(" 2026-03-01 ").success).toBe(true);
  });

  it("ids stop at the largest safe integer: 1e308 and twenty nines are refused, not sent to a bigint", () => {
    for (const bad of ["1e308", "9".repeat(20), "-1", "0", "1.5", "Infinity", "NaN", "abc"]) {
      expect(formIdNumber().safeParse(bad).success, bad).toBe(false);
    }
    expect(formIdNumber().parse(String(MAX_ID))).toBe(MAX_ID);
    expect(idNumber(0).safeParse(1e308).success).toBe(false);
    expect(idNumber(0).safeParse(0).success).toBe(true);
  });

  it("a timestamp's date part must exist", () => {
    expect(isoDateTime().safeParse("2026-02-31T00:00:00Z").success).toBe(false);
    expect(isoDateTime().safeParse("2026-02-28T23:59:59.123Z").success).toBe(true);
    expect(isoDateTime().safeParse("2026-02-28T23:59:59+05:00").success).toBe(true);
  });
});
