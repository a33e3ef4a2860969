// Local date and times in America/Toronto, as people type them in a form (one date, a
// start, an end, and an "ends the next day" box), to UTC instants and back. Events and
// mentoring sessions share it so both refuse the same things and agree across the
// clock changes. Browser-safe (Intl only): the forms' zod contracts use it too.
// Decision: docs/decisions/032-local-time-helper.md.
import { z } from "zod";
import { isCalendarDate } from "./input-schemas";

export const LOCAL_TIME_ZONE = "America/Toronto";
/** HH:MM on a 24-hour clock; 24:00 and 25:00 are not times. */
export const LOCAL_TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
/** The longest interval the form can describe: the end at most at the start's time the next day. */
export const DAY_MINUTES = 24 * 60;

/** A date and a time as read on a wall clock in Toronto. */
export interface LocalDateTime {
  date: string;
  time: string;
}

/** The form's four fields, as validated by `localIntervalShape` (no box: the same day). */
export interface LocalInterval {
  date: string;
  start: string;
  end: string;
  endsNextDay?: boolean;
}

const partsFormat = new Intl.DateTimeFormat("en-CA", {
  timeZone: LOCAL_TIME_ZONE,
  hourCycle: "h23",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
});

/** The instant as a date and a time on a wall clock in Toronto. */
export function toLocal(instant: Date): LocalDateTime {
  const parts = partsFormat.formatToParts(instant);
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? "";
  return { date: `${get("year")}-${get("month")}-${get("day")}`, time: `${get("hour")}:${get("minute")}` };
}

/** Today's date in Toronto (Montréal's calendar day), YYYY-MM-DD. */
export function localToday(now: Date = new Date()): string {
  return toLocal(now).date;
}

/** Toronto's offset from UTC at this instant, in minutes (-300 in winter, -240 in summer). */
function offsetMinutes(instant: Date): number {
  const local = toLocal(instant);
  const [y, m, d] = local.date.split("-").map(Number);
  const [hh, mm] = local.time.split(":").map(Number);
  const asUtc = Date.UTC(y ?? 0, (m ?? 1) - 1, d ?? 1, hh ?? 0, mm ?? 0);
  return Math.round((asUtc - Math.floor(instant.getTime() / 60_000) * 60_000) / 60_000);
}

/**
 * A wall-clock date and time in Toronto → the instant. Null when the date is not a real
 * day (2027-02-30), the time is not HH:MM (25:00), or the time does not exist that day
 * (02:30 on 2027-03-14, skipped when clocks move forward). A time that happens twice
 * (01:30 on 2027-11-07) is the first one, still in summer time.
 */
export function fromLocal(date: string, time: string): Date | null {
  if (!isCalendarDate(date) || !LOCAL_TIME.test(time)) return null;
  const [y, m, d] = date.split("-").map(Number);
  const [hh, mm] = time.split(":").map(Number);
  const wall = Date.UTC(y ?? 0, (m ?? 1) - 1, d ?? 1, hh ?? 0, mm ?? 0);
  // Both offsets around the wall time: the earlier instant that reads as this wall time wins.
  const candidates = [...new Set([offsetMinutes(new Date(wall - 12 * 3_600_000)), offsetMinutes(new Date(wall + 12 * 3_600_000))])]
    .map((offset) => new Date(wall - offset * 60_000))
    .filter((instant) => {
      const back = toLocal(instant);
      return back.date === date && back.time === time;
    })
    .sort((a, b) => a.getTime() - b.getTime());
  return candidates[0] ?? null;
}

/** The next calendar day of YYYY-MM-DD. */
function nextDay(date: string): string {
  const [y, m, d] = date.split("-").map(Number);
  return new Date(Date.UTC(y ?? 0, (m ?? 1) - 1, (d ?? 1) + 1)).toISOString().slice(0, 10);
}

/** Unticked, the end comes after the start; ticked, no later than the start's time (the refusal's key, or null). */
function wallClockOrder(start: string, end: string, endsNextDay: boolean): string | null {
  if (endsNextDay) return end > start ? "localTime.errors.endNextDayTooLate" : null;
  return end <= start ? "localTime.errors.endBeforeStart" : null;
}

export type LocalIntervalResult =
  { ok: true; startsAt: Date; endsAt: Date; minutes: number } | { ok: false; field: "date" | "start" | "end"; message: string };

export interface LocalIntervalRules {
  /** The longest the interval may last, in real minutes (a table's limit); 24 h when absent. */
  maxMinutes?: number;
  /** The message when it lasts longer than `maxMinutes` (an i18n key). */
  tooLong?: string;
}

/**
 * The form's date, start, end and box → the UTC interval, or the first refusal (a field
 * and an i18n key). Unticked, the end is on the same day and after the start; ticked, it
 * is on the next day, no later than the start's time. Durations are real minutes: a
 * night of a clock change lasts 23 or 25 hours, and never more than `maxMinutes`.
 */
export function localInterval(v: LocalInterval, rules: LocalIntervalRules = {}): LocalIntervalResult {
  const maxMinutes = Math.min(rules.maxMinutes ?? DAY_MINUTES, DAY_MINUTES);
  if (!isCalendarDate(v.date)) return { ok: false, field: "date", message: "localTime.errors.date" };
  if (!LOCAL_TIME.test(v.start)) return { ok: false, field: "start", message: "localTime.errors.time" };
  if (!LOCAL_TIME.test(v.end)) return { ok: false, field: "end", message: "localTime.errors.time" };
  const order = wallClockOrder(v.start, v.end, v.endsNextDay === true);
  if (order) return { ok: false, field: "end", message: order };
  const startsAt = fromLocal(v.date, v.start);
  if (!startsAt) return { ok: false, field: "start", message: "localTime.errors.skippedTime" };
  const endsAt = fromLocal(v.endsNextDay === true ? nextDay(v.date) : v.date, v.end);
  if (!endsAt) return { ok: false, field: "end", message: "localTime.errors.skippedTime" };
  const minutes = Math.round((endsAt.getTime() - startsAt.getTime()) / 60_000);
  // Wall-clock order already holds; this guards the instants themselves (never trust one check).
  if (minutes <= 0) return { ok: false, field: "end", message: "localTime.errors.endBeforeStart" };
  if (minutes > maxMinutes)
    return {
      ok: false,
      field: "end",
      message: rules.tooLong ?? (v.endsNextDay ? "localTime.errors.endNextDayTooLate" : "localTime.errors.tooLong"),
    };
  return { ok: true, startsAt, endsAt, minutes };
}

/** Whether a stored interval ends on a later day in Toronto than it starts (an end at 00:00 does). */
export function crossesLocalMidnight(startsAt: Date, endsAt: Date): boolean {
  return toLocal(endsAt).date > toLocal(startsAt).date;
}

/** A stored interval as the edit form's starting values; the box is "on" when it crosses midnight. */
export function localIntervalDefaults(startsAt: Date | string, endsAt: Date | string) {
  const start = toLocal(new Date(startsAt));
  const end = toLocal(new Date(endsAt));
  return {
    date: start.date,
    start: start.time,
    end: end.time,
    endsNextDay: crossesLocalMidnight(new Date(startsAt), new Date(endsAt)) ? "on" : "",
  };
}

/**
 * The four fields of every "date, start, end, ends the next day" form. Spread it into the
 * form's z.object and call `refineLocalInterval` in its superRefine.
 */
export const localIntervalShape = {
  date: z.string({ required_error: "errors.required" }).regex(/^\d{4}-\d{2}-\d{2}$/, "localTime.errors.date"),
  start: z.string({ required_error: "errors.required" }).regex(LOCAL_TIME, "localTime.errors.time"),
  end: z.string({ required_error: "errors.required" }).regex(LOCAL_TIME, "localTime.errors.time"),
  // A checkbox: only "on" is ever sent.
  endsNextDay: z
    .literal("on", { errorMap: () => ({ message: "errors.invalid" }) })
    .optional()
    .transform((v) => v === "on"),
};

/** The interval's refusals as zod issues on the field they concern (once the shapes are right). */
export function refineLocalInterval(v: Partial<LocalInterval>, ctx: z.RefinementCtx, rules?: LocalIntervalRules) {
  // zod runs refinements even after a regex failed: that field already has its message.
  if (typeof v.date !== "string" || typeof v.start !== "string" || typeof v.end !== "string") return;
  if (!LOCAL_TIME.test(v.start) || !LOCAL_TIME.test(v.end)) return;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v.date)) {
    // The date has its message; the times' order is still worth saying in the same answer.
    const order = wallClockOrder(v.start, v.end, v.endsNextDay === true);
    if (order) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["end"], message: order });
    return;
  }
  const result = localInterval({ date: v.date, start: v.start, end: v.end, endsNextDay: v.endsNextDay === true }, rules);
  if (!result.ok) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [result.field], message: result.message });
}
