// Cron expressions of recurring jobs, parsed by croner (never by hand) and always read
// in Quebec's time zone, so "0 8 * * 1" means 8 a.m. in Montréal across DST changes.
import { Cron } from "croner";

export const JOB_TIME_ZONE = "America/Toronto";

export class CronError extends Error {
  constructor(
    readonly expression: string,
    reason: string,
  ) {
    super(`invalid cron expression ${JSON.stringify(expression)}: ${reason}`);
    this.name = "CronError";
  }
}

function parse(expression: string): Cron {
  // Five fields, minute precision: a seconds field would let a schedule hammer the queue.
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) throw new CronError(expression, `five fields expected (minute hour day month weekday), got ${fields.length}`);
  try {
    return new Cron(expression, { timezone: JOB_TIME_ZONE, paused: true });
  } catch (error) {
    throw new CronError(expression, error instanceof Error ? error.message : String(error));
  }
}

/** Throws a CronError naming what is wrong; returns the expression trimmed. */
export function validateCron(expression: string): string {
  parse(expression);
  return expression.trim();
}

/** The first occurrence strictly after `after`, or null when the expression never fires again. */
export function nextOccurrence(expression: string, after: Date): Date | null {
  return parse(expression).nextRun(after);
}

/** Exponential backoff before retry `attempt` (1-based): base, 2×base, 4×base… capped. */
export function backoffDelayMs(attempt: number, baseMs: number, maxMs = 3_600_000): number {
  const exponent = Math.max(0, Math.min(attempt - 1, 30));
  return Math.min(maxMs, baseMs * 2 ** exponent);
}
