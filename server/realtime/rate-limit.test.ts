import { describe, expect, it } from "vitest";
import { createEventLimiter, TokenBucket } from "./rate-limit";

function clock() {
  let t = 0;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe("TokenBucket", () => {
  it("allows a burst, then refills at its rate", () => {
    const c = clock();
    const bucket = new TokenBucket(3, 2, c.now);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
    c.advance(499);
    expect(bucket.take()).toBe(false);
    c.advance(1);
    expect(bucket.take()).toBe(true);
    expect(bucket.take()).toBe(false);
  });

  it("never holds more than its capacity", () => {
    const c = clock();
    const bucket = new TokenBucket(2, 10, c.now);
    c.advance(60_000);
    expect([bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, false]);
  });
});

describe("createEventLimiter", () => {
  it("accepts the burst, refuses the overrun, then calls a sustained overrun a flood", () => {
    const c = clock();
    const limiter = createEventLimiter({ perSecond: 1, burst: 2, strikes: 2, strikesPerSecond: 0 }, c.now);
    expect([limiter.check(), limiter.check()]).toEqual(["accept", "accept"]);
    expect([limiter.check(), limiter.check(), limiter.check()]).toEqual(["refuse", "refuse", "flood"]);
  });

  it("forgives an occasional overrun", () => {
    const c = clock();
    const limiter = createEventLimiter({ perSecond: 1, burst: 1, strikes: 1, strikesPerSecond: 1 }, c.now);
    for (let i = 0; i < 5; i++) {
      expect(limiter.check()).toBe("accept");
      expect(limiter.check()).toBe("refuse");
      c.advance(1000);
    }
  });
});
