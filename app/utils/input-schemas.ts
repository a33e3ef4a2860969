// Bounds every number and date a form, a query string or a socket event may carry,
// so nothing out of range ever reaches PostgreSQL (a bigint past 2^63 or a
// 2026-02-31 used to end in a 500). Shared by the modules' schemas.
// Decision: docs/decisions/010-input-hygiene.md.
import { z } from "zod";

/** Ids are bigint in the database and numbers in JavaScript: the largest both agree on. */
export const MAX_ID = Number.MAX_SAFE_INTEGER;

/** A row id in a JSON payload (socket events). `min` 0 where "none yet" is allowed. */
export function idNumber(min = 1) {
  return z.number().int().min(min).max(MAX_ID);
}

/** A row id from a form field or a query string ("12"); "1e308" or twenty nines are refused. */
export function formIdNumber(min = 1, message = "errors.invalid") {
  return z.coerce.number({ invalid_type_error: message }).int(message).min(min, message).max(MAX_ID, message);
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** YYYY-MM-DD naming a day that exists (no 2026-02-31), in years 0001–9999 (PostgreSQL has no year 0). */
export function isCalendarDate(value: string): boolean {
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** A calendar date field (YYYY-MM-DD, a real day). */
export function calendarDate(message = "errors.invalid") {
  return z.string({ invalid_type_error: message }).trim().refine(isCalendarDate, message);
}

/** An ISO 8601 timestamp whose date part is a real day (zod's datetime() checks only the shape). */
export function isoDateTime(message = "errors.invalid") {
  return z
    .string({ invalid_type_error: message })
    .datetime({ offset: true, message })
    .refine((v) => isCalendarDate(v.slice(0, 10)) && !Number.isNaN(Date.parse(v)), message);
}
