// Per-socket event budget. Every incoming event (known or not) costs one token;
// an event refused for lack of tokens costs one "strike", and a socket that runs
// out of strikes is flooding and gets disconnected.

/** Sustained events per second one socket may send. */
export const EVENTS_PER_SECOND = 20;
/** Events one socket may send at once after a quiet period. */
export const EVENT_BURST = 40;
/** Refused events tolerated before the socket is disconnected as a flood... */
export const FLOOD_STRIKES = 40;
/** ...recovering this many per second, so an occasional overrun is forgiven. */
export const FLOOD_STRIKES_RECOVERED_PER_SECOND = 5;

export class TokenBucket {
  #tokens: number;
  #last: number;

  constructor(
    readonly capacity: number,
    readonly refillPerSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.#tokens = capacity;
    this.#last = now();
  }

  /** Takes one token; false when none is left. */
  take(): boolean {
    const now = this.now();
    const elapsedSeconds = Math.max(0, now - this.#last) / 1000;
    this.#last = now;
    this.#tokens = Math.min(this.capacity, this.#tokens + elapsedSeconds * this.refillPerSecond);
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}

export type EventVerdict = "accept" | "refuse" | "flood";

export interface EventLimiter {
  check(): EventVerdict;
}

export function createEventLimiter(
  limits: { perSecond: number; burst: number; strikes: number; strikesPerSecond: number } = {
    perSecond: EVENTS_PER_SECOND,
    burst: EVENT_BURST,
    strikes: FLOOD_STRIKES,
    strikesPerSecond: FLOOD_STRIKES_RECOVERED_PER_SECOND,
  },
  now?: () => number,
): EventLimiter {
  const events = new TokenBucket(limits.burst, limits.perSecond, now);
  const strikes = new TokenBucket(limits.strikes, limits.strikesPerSecond, now);
  return {
    check() {
      if (events.take()) return "accept";
      return strikes.take() ? "refuse" : "flood";
    },
  };
}
