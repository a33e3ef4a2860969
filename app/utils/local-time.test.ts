// Fixed dates only: nothing here depends on the day or the hour the test runs.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  crossesLocalMidnight,
  fromLocal,
  localInterval,
  localIntervalDefaults,
  localIntervalShape,
  refineLocalInterval,
  toLocal,
} from "./local-time";

const iso = (d: Date | null) => d?.toISOString() ?? null;
const interval = (date: string, start: string, end: string, endsNextDay = false) => localInterval({ date, start, end, endsNextDay });

describe("fromLocal / toLocal", () => {
  it("reads winter and summer times with their offsets", () => {
    expect(iso(fromLocal("2027-01-15", "14:30"))).toBe("2027-01-15T19:30:00.000Z");
    expect(iso(fromLocal("2027-07-15", "14:30"))).toBe("2027-07-15T18:30:00.000Z");
    expect(toLocal(new Date("2027-07-15T18:30:00Z"))).toEqual({ date: "2027-07-15", time: "14:30" });
    expect(toLocal(new Date("2027-01-16T04:59:00Z"))).toEqual({ date: "2027-01-15", time: "23:59" });
  });

  it("2027-03-14 (clocks move forward at 02:00): 02:30 does not exist, 01:59 and 03:00 are one minute apart", () => {
    expect(fromLocal("2027-03-14", "02:30")).toBeNull();
    expect(fromLocal("2027-03-14", "02:00")).toBeNull();
    expect(iso(fromLocal("2027-03-14", "01:59"))).toBe("2027-03-14T06:59:00.000Z");
    expect(iso(fromLocal("2027-03-14", "03:00"))).toBe("2027-03-14T07:00:00.000Z");
  });

  it("2027-11-07 (clocks move back at 02:00): 01:30 happens twice and is the first, in summer time", () => {
    expect(iso(fromLocal("2027-11-07", "01:30"))).toBe("2027-11-07T05:30:00.000Z");
    expect(iso(fromLocal("2027-11-07", "02:00"))).toBe("2027-11-07T07:00:00.000Z");
    expect(toLocal(new Date("2027-11-07T06:30:00Z"))).toEqual({ date: "2027-11-07", time: "01:30" });
  });

  it("refuses impossible dates and times", () => {
    expect(fromLocal("2027-02-30", "10:00")).toBeNull();
    expect(fromLocal("2027-13-01", "10:00")).toBeNull();
    expect(fromLocal("2027-03-10", "25:00")).toBeNull();
    expect(fromLocal("2027-03-10", "24:00")).toBeNull();
    expect(fromLocal("2027-03-10", "10:60")).toBeNull();
    expect(fromLocal("10/03/2027", "10:00")).toBeNull();
    expect(iso(fromLocal("2028-02-29", "10:00"))).toBe("2028-02-29T15:00:00.000Z");
  });
});

describe("localInterval", () => {
  it("same day: the end after the start", () => {
    expect(interval("2027-03-10", "10:00", "11:30")).toEqual({
      ok: true,
      startsAt: new Date("2027-03-10T15:00:00Z"),
      endsAt: new Date("2027-03-10T16:30:00Z"),
      minutes: 90,
    });
    expect(interval("2027-03-10", "11:00", "11:00")).toMatchObject({ ok: false, field: "end", message: "localTime.errors.endBeforeStart" });
    expect(interval("2027-03-10", "23:30", "00:30")).toMatchObject({ ok: false, field: "end", message: "localTime.errors.endBeforeStart" });
  });

  it("ends the next day: 23:30 → 00:30 is one hour, on the next date", () => {
    expect(interval("2027-03-10", "23:30", "00:30", true)).toEqual({
      ok: true,
      startsAt: new Date("2027-03-11T04:30:00Z"),
      endsAt: new Date("2027-03-11T05:30:00Z"),
      minutes: 60,
    });
    // Across a month's and a year's end.
    expect(interval("2027-02-28", "23:00", "01:00", true)).toMatchObject({ ok: true, endsAt: new Date("2027-03-01T06:00:00Z") });
    expect(interval("2027-12-31", "23:30", "00:15", true)).toMatchObject({ ok: true, endsAt: new Date("2028-01-01T05:15:00Z") });
  });

  it("24 h at most: the end no later than the start's time the next day", () => {
    expect(interval("2027-03-10", "10:00", "10:00", true)).toMatchObject({ ok: true, minutes: 1440 });
    expect(interval("2027-03-10", "10:00", "10:01", true)).toMatchObject({
      ok: false,
      field: "end",
      message: "localTime.errors.endNextDayTooLate",
    });
    // A shorter limit (a table's) with its own message.
    expect(
      localInterval({ date: "2027-03-10", start: "09:00", end: "17:30", endsNextDay: false }, { maxMinutes: 480, tooLong: "x.tooLong" }),
    ).toMatchObject({
      ok: false,
      field: "end",
      message: "x.tooLong",
    });
    expect(localInterval({ date: "2027-03-10", start: "23:30", end: "00:30", endsNextDay: true }, { maxMinutes: 480 })).toMatchObject({
      ok: true,
    });
  });

  it("counts real minutes across the clock changes", () => {
    // Forward: 01:30 → 03:30 is one hour; the night from 22:00 to 22:00 lasts 23 hours.
    expect(interval("2027-03-14", "01:30", "03:30")).toMatchObject({ ok: true, minutes: 60 });
    expect(interval("2027-03-13", "22:00", "22:00", true)).toMatchObject({ ok: true, minutes: 23 * 60 });
    expect(interval("2027-03-13", "23:30", "00:30", true)).toMatchObject({ ok: true, minutes: 60 });
    // Back: 00:30 → 02:30 is three hours; 22:00 → 22:00 would be 25 hours, more than 24.
    expect(interval("2027-11-07", "00:30", "02:30")).toMatchObject({ ok: true, minutes: 180 });
    expect(interval("2027-11-06", "22:00", "22:00", true)).toMatchObject({ ok: false, message: "localTime.errors.endNextDayTooLate" });
    expect(interval("2027-11-06", "22:00", "21:00", true)).toMatchObject({ ok: true, minutes: 24 * 60 });
    // The whole day the clocks move back lasts 25 hours: 00:00 → 23:59 is more than 24.
    expect(interval("2027-11-07", "00:00", "23:59")).toMatchObject({ ok: false, message: "localTime.errors.tooLong" });
  });

  it("refuses a time skipped by the clocks, and impossible dates and times, on their field", () => {
    expect(interval("2027-03-14", "02:30", "04:00")).toMatchObject({ ok: false, field: "start", message: "localTime.errors.skippedTime" });
    expect(interval("2027-03-14", "01:00", "02:15")).toMatchObject({ ok: false, field: "end", message: "localTime.errors.skippedTime" });
    expect(interval("2027-03-13", "23:00", "02:30", true)).toMatchObject({
      ok: false,
      field: "end",
      message: "localTime.errors.skippedTime",
    });
    expect(interval("2027-02-30", "10:00", "11:00")).toMatchObject({ ok: false, field: "date", message: "localTime.errors.date" });
    expect(interval("2027-03-10", "25:00", "11:00")).toMatchObject({ ok: false, field: "start", message: "localTime.errors.time" });
    expect(interval("2027-03-10", "10:00", "24:00")).toMatchObject({ ok: false, field: "end", message: "localTime.errors.time" });
  });
});

describe("the edit form's defaults", () => {
  it("a stored interval that crosses midnight ticks the box; one that ends at midnight too", () => {
    expect(localIntervalDefaults("2027-03-11T04:30:00Z", "2027-03-11T05:30:00Z")).toEqual({
      date: "2027-03-10",
      start: "23:30",
      end: "00:30",
      endsNextDay: "on",
    });
    expect(crossesLocalMidnight(new Date("2027-03-11T04:00:00Z"), new Date("2027-03-11T05:00:00Z"))).toBe(true);
    expect(crossesLocalMidnight(new Date("2027-03-10T15:00:00Z"), new Date("2027-03-10T16:00:00Z"))).toBe(false);
    // 23:30 EDT on 2027-11-06 → 00:30 EDT, still before the clocks move back.
    expect(localIntervalDefaults(new Date("2027-11-07T03:30:00Z"), new Date("2027-11-07T04:30:00Z"))).toMatchObject({
      date: "2027-11-06",
      end: "00:30",
      endsNextDay: "on",
    });
  });

  it("round-trips: the defaults of a saved interval give the same interval back", () => {
    for (const [date, start, end, next] of [
      ["2027-03-10", "23:30", "00:30", true],
      ["2027-03-14", "01:30", "03:30", false],
      ["2027-11-07", "00:30", "02:30", false],
      ["2027-11-06", "22:00", "21:00", true],
      ["2027-06-01", "09:00", "17:00", false],
    ] as const) {
      const saved = interval(date, start, end, next);
      if (!saved.ok) throw new Error(`${date} ${start} refused`);
      const back = localIntervalDefaults(saved.startsAt, saved.endsAt);
      expect(back).toEqual({ date, start, end, endsNextDay: next ? "on" : "" });
      expect(interval(back.date, back.start, back.end, back.endsNextDay === "on")).toEqual(saved);
    }
  });
});

describe("the shared zod piece", () => {
  const schema = z
    .object({ ...localIntervalShape })
    .superRefine((v, ctx) => refineLocalInterval(v, ctx, { maxMinutes: 480, tooLong: "x.tooLong" }));
  const errors = (input: Record<string, string>) => {
    const parsed = schema.safeParse(input);
    return parsed.success ? {} : parsed.error.flatten().fieldErrors;
  };

  it("turns the box into a boolean and refuses on the right field", () => {
    expect(schema.parse({ date: "2027-03-10", start: "23:30", end: "00:30", endsNextDay: "on" }).endsNextDay).toBe(true);
    expect(schema.parse({ date: "2027-03-10", start: "10:00", end: "11:00" }).endsNextDay).toBe(false);
    expect(errors({ date: "2027-03-10", start: "23:30", end: "00:30" })).toEqual({ end: ["localTime.errors.endBeforeStart"] });
    expect(errors({ date: "2027-03-10", start: "23:30", end: "00:30", endsNextDay: "yes" })).toEqual({ endsNextDay: ["errors.invalid"] });
    expect(errors({ date: "2027-02-30", start: "10:00", end: "11:00" })).toEqual({ date: ["localTime.errors.date"] });
    expect(errors({ date: "2027-03-10", start: "25:00", end: "11:00" })).toEqual({ start: ["localTime.errors.time"] });
    expect(errors({ date: "2027-03-14", start: "02:30", end: "03:30" })).toEqual({ start: ["localTime.errors.skippedTime"] });
    expect(errors({ date: "2027-03-10", start: "08:00", end: "17:00" })).toEqual({ end: ["x.tooLong"] });
    expect(errors({ date: "2027-03-10", start: "08:00" })).toEqual({ end: ["errors.required"] });
  });
});
