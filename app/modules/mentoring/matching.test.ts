import { describe, expect, it } from "vitest";
import { rankMentors, scoreMentor, WEIGHTS, type MatchRequest, type MentorCandidate } from "./matching";

const request: MatchRequest = {
  memberId: "me",
  memberRegion: "09",
  topics: ["taoi", "naloxone"],
  discipline: "infirmiere",
  language: "en",
  modality: "video",
  sameRegion: false,
  seed: "request-1",
};
const mentor = (id: string, over: Partial<MentorCandidate> = {}): MentorCandidate => ({
  userId: id,
  topics: [],
  disciplines: [],
  regions: [],
  homeRegion: "06",
  languages: ["fr"],
  modalities: ["phone"],
  capacity: 2,
  load: 0,
  accepting: true,
  matchingOptIn: true,
  ...over,
});

describe("scoreMentor", () => {
  it("adds the named weights and says why in reasons", () => {
    const s = scoreMentor(
      request,
      mentor("a", {
        topics: ["taoi"],
        disciplines: ["infirmiere"],
        languages: ["fr", "en"],
        regions: ["09"],
        homeRegion: "11",
        modalities: ["video"],
        capacity: 4,
        load: 2,
      }),
    );
    expect(s.score).toBe(WEIGHTS.topic + WEIGHTS.discipline + WEIGHTS.language + WEIGHTS.region + WEIGHTS.rural + WEIGHTS.modality + 0.5);
    expect(s.reasons).toEqual([
      { code: "topic", topic: "taoi" },
      { code: "discipline" },
      { code: "language", language: "en" },
      { code: "region" },
      { code: "rural" },
      { code: "modality", modality: "video" },
      { code: "freePlaces", free: 2 },
    ]);
  });
  it("gives nothing for nothing in common but free places", () => {
    expect(scoreMentor(request, mentor("b")).reasons).toEqual([{ code: "freePlaces", free: 2 }]);
  });
});

describe("rankMentors", () => {
  it("never proposes a mentor at capacity, paused, not opted in, or the member themselves", () => {
    const ranked = rankMentors(request, [
      mentor("full", { topics: ["taoi"], load: 2 }),
      mentor("paused", { topics: ["taoi"], accepting: false }),
      mentor("hidden", { topics: ["taoi"], matchingOptIn: false }),
      mentor("me", { topics: ["taoi"] }),
      mentor("ok"),
    ]);
    expect(ranked.map((s) => s.userId)).toEqual(["ok"]);
  });
  it("puts the better match first", () => {
    const ranked = rankMentors(request, [
      mentor("weak"),
      mentor("strong", { topics: ["taoi", "naloxone"] }),
      mentor("mid", { languages: ["en"] }),
    ]);
    expect(ranked.map((s) => s.userId)).toEqual(["strong", "mid", "weak"]);
  });
  it("with same region asked, only mentors serving the region", () => {
    const ranked = rankMentors({ ...request, sameRegion: true }, [
      mentor("far", { topics: ["taoi"] }),
      mentor("near", { regions: ["09"] }),
    ]);
    expect(ranked.map((s) => s.userId)).toEqual(["near"]);
  });
  it("breaks ties fairly: stable for one request, and each of equal mentors comes first for some requests", () => {
    const tied = ["a", "b", "c", "d"].map((id) => mentor(id, { topics: ["taoi"] }));
    expect(rankMentors(request, tied)).toEqual(rankMentors(request, [...tied].reverse()));
    const firsts = new Map<string, number>();
    for (let i = 0; i < 400; i++) {
      const first = rankMentors({ ...request, seed: `r${i}` }, tied)[0]?.userId ?? "";
      firsts.set(first, (firsts.get(first) ?? 0) + 1);
    }
    expect([...firsts.keys()].sort()).toEqual(["a", "b", "c", "d"]);
    for (const n of firsts.values()) expect(n).toBeGreaterThan(50);
  });
  it("a mentor with more free places wins an otherwise equal match", () => {
    const ranked = rankMentors(request, [mentor("busy", { capacity: 4, load: 3 }), mentor("free", { capacity: 4, load: 0 })]);
    expect(ranked[0]?.userId).toBe("free");
  });
});
