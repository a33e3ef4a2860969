// Wall-clock times in Quebec (America/Toronto) to instants and back, across DST.
import { TIME_ZONE } from "~/utils/i18n";

function offsetMinutes(instant: Date): number {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone: TIME_ZONE,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return Math.round((asUtc - instant.getTime()) / 60_000);
}

/** "2026-12-10" + "14:30" in Quebec → the instant; null for a day that does not exist. */
export function quebecTimeToInstant(date: string, time: string): Date | null {
  const [y, m, d] = date.split("-").map(Number);
  const [hh, mm] = time.split(":").map(Number);
  if (!y || !m || !d || hh === undefined || mm === undefined) return null;
  const guess = Date.UTC(y, m - 1, d, hh, mm);
  const check = new Date(guess);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d) return null;
  // Two passes: the offset at the guessed instant, then at the corrected one (DST edges).
  let instant = new Date(guess - offsetMinutes(new Date(guess)) * 60_000);
  instant = new Date(guess - offsetMinutes(instant) * 60_000);
  return instant;
}
