// Which mentors to propose, and why: a pure function (no database, no clock), so the
// weights can be read, tested and explained. Every point a mentor earns comes with a
// reason the member reads in plain words.

/** Named weights (decision 013). A topic counts per topic in common, up to MAX_TOPICS. */
export const WEIGHTS = {
  /** Per topic of the member's needs the mentor has expertise in. */
  topic: 3,
  /** The mentor mentors the discipline asked for (by default the member's own). */
  discipline: 3,
  /** The mentor speaks the language asked for. */
  language: 2,
  /** The mentor serves the member's region; doubled when the member asked for their region. */
  region: 2,
  /** Both work in mostly rural regions: a similar reality of practice. */
  rural: 1,
  /** The mentor offers the modality asked for. */
  modality: 1,
  /** Up to this much for free places (proportion of capacity still free): spreads the load. */
  freePlaces: 1,
} as const;
export const MAX_TOPICS = 3;

/** Health regions where most of the population lives outside large urban centres. */
export const RURAL_REGIONS: ReadonlySet<string> = new Set(["01", "02", "08", "09", "10", "11", "12", "17", "18"]);

export interface MatchRequest {
  memberId: string;
  memberRegion: string;
  topics: string[];
  discipline: string;
  language: string;
  modality: "video" | "phone" | "chat";
  sameRegion: boolean;
  /** Different per request: ties are broken by it, so no mentor always comes first. */
  seed: string;
}

export interface MentorCandidate {
  userId: string;
  topics: string[];
  disciplines: string[];
  regions: string[];
  /** Where the mentor works (their profile's region). */
  homeRegion: string;
  languages: string[];
  modalities: string[];
  capacity: number;
  load: number;
  accepting: boolean;
  matchingOptIn: boolean;
}

export type Reason =
  | { code: "topic"; topic: string }
  | { code: "discipline" }
  | { code: "language"; language: string }
  | { code: "region" }
  | { code: "rural" }
  | { code: "modality"; modality: string }
  | { code: "freePlaces"; free: number };

export interface Suggestion {
  userId: string;
  score: number;
  reasons: Reason[];
}

/** Why a mentor is never proposed, whatever the score. */
export function isProposable(mentor: MentorCandidate, memberId: string): boolean {
  return mentor.userId !== memberId && mentor.matchingOptIn && mentor.accepting && mentor.load < mentor.capacity;
}

export function scoreMentor(request: MatchRequest, mentor: MentorCandidate): Suggestion {
  const reasons: Reason[] = [];
  let score = 0;
  const shared = request.topics.filter((t) => mentor.topics.includes(t)).slice(0, MAX_TOPICS);
  for (const topic of shared) {
    score += WEIGHTS.topic;
    reasons.push({ code: "topic", topic });
  }
  if (mentor.disciplines.includes(request.discipline)) {
    score += WEIGHTS.discipline;
    reasons.push({ code: "discipline" });
  }
  if (mentor.languages.includes(request.language)) {
    score += WEIGHTS.language;
    reasons.push({ code: "language", language: request.language });
  }
  if (mentor.regions.includes(request.memberRegion)) {
    score += WEIGHTS.region * (request.sameRegion ? 2 : 1);
    reasons.push({ code: "region" });
  }
  if (RURAL_REGIONS.has(request.memberRegion) && RURAL_REGIONS.has(mentor.homeRegion)) {
    score += WEIGHTS.rural;
    reasons.push({ code: "rural" });
  }
  if (mentor.modalities.includes(request.modality)) {
    score += WEIGHTS.modality;
    reasons.push({ code: "modality", modality: request.modality });
  }
  const free = Math.max(0, mentor.capacity - mentor.load);
  if (free > 0) {
    score += WEIGHTS.freePlaces * (free / mentor.capacity);
    reasons.push({ code: "freePlaces", free });
  }
  return { userId: mentor.userId, score: Math.round(score * 100) / 100, reasons };
}

/** FNV-1a with murmur3's final mix: a cheap, stable, well-spread hash for the tie-break order. */
function fnv(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Proposable mentors, best first. Equal scores are ordered by a hash of the request's
 * seed and the mentor: stable for one request (the page does not reshuffle on reload),
 * different from one request to the next, so equally good mentors share the first place.
 */
export function rankMentors(request: MatchRequest, mentors: MentorCandidate[], limit = 5): Suggestion[] {
  if (request.sameRegion) mentors = mentors.filter((m) => m.regions.includes(request.memberRegion));
  return mentors
    .filter((m) => isProposable(m, request.memberId))
    .map((m) => ({ suggestion: scoreMentor(request, m), tie: fnv(`${request.seed}:${m.userId}`) }))
    .sort((a, b) => b.suggestion.score - a.suggestion.score || a.tie - b.tie)
    .slice(0, limit)
    .map((x) => x.suggestion);
}
