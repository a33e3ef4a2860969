import { describe, expect, it } from "vitest";
import { backoffDelayMs, CronError, nextOccurrence, validateCron } from "./cron";

describe("recurring job schedules", () => {
  it("reads cron expressions in Quebec's time zone, across the change to standard time", () => {
    // 8 a.m. in Montréal is 12:00 UTC in summer (EDT) and 13:00 UTC in winter (EST).
    expect(nextOccurrence("0 8 * * *", new Date("2026-07-01T00:00:00Z"))?.toISOString()).toBe("2026-07-01T12:00:00.000Z");
    expect(nextOccurrence("0 8 * * *", new Date("2026-12-06T00:00:00Z"))?.toISOString()).toBe("2026-12-06T13:00:00.000Z");
  });

  it("refuses a malformed expression with a message naming the problem", () => {
    expect(() => validateCron("61 * * * *")).toThrow(CronError);
    expect(() => validateCron("61 * * * *")).toThrow(/minute/);
    expect(() => validateCron("every day")).toThrow(/five fields/);
    expect(() => validateCron("* * * * * *")).toThrow(/five fields/);
    expect(validateCron(" */10 * * * * ")).toBe("*/10 * * * *");
  });

  it("backs off exponentially up to a ceiling", () => {
    expect([1, 2, 3, 4].map((a) => backoffDelayMs(a, 1000))).toEqual([1000, 2000, 4000, 8000]);
    expect(backoffDelayMs(40, 1000, 60_000)).toBe(60_000);
  });
});

describe("job refusals", () => {
  it("are recognised by shape, even from another copy of the module (the Remix build bundles its own)", async () => {
    const { isJobError, JobError } = await import("./queue.server");
    expect(isJobError(new JobError("not_retryable", "job 1 already succeeded"))).toBe(true);
    const copy = Object.assign(new Error("job 1 already succeeded"), { name: "JobError", code: "not_retryable" });
    expect(isJobError(copy)).toBe(true);
    expect(isJobError(new Error("boom"))).toBe(false);
    expect(isJobError(Object.assign(new Error("x"), { name: "JobError", code: "whatever" }))).toBe(false);
  });
});
