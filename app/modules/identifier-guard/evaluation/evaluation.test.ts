// The guard on notes it was not tuned on (the corpus's test half, held-out names):
// a regression below the targets fails the unit tests. `npm run bench` prints the same
// figures (guard.recall, guard.names.recall, guard.false_alarm_rate, guard.p99_ms).
import { describe, expect, it } from "vitest";
import { nameLexicon } from "../gazetteer.server";
import { developmentNotes, testNotes } from "./corpus";
import { score } from "./score";

describe("evaluation corpus", () => {
  it("has at least 300 notes, 150 names and 150 clean notes, French and English, in two halves", () => {
    const dev = developmentNotes();
    const test = testNotes();
    const all = [...dev, ...test];
    expect(all.length).toBeGreaterThanOrEqual(300);
    expect(all.filter((n) => n.expected.some((e) => e.kind === "name")).length).toBeGreaterThanOrEqual(150);
    expect(all.filter((n) => n.clean).length).toBeGreaterThanOrEqual(150);
    expect(new Set(all.map((n) => n.lang))).toEqual(new Set(["fr", "en"]));
    const kinds = new Set(all.flatMap((n) => n.expected.map((e) => e.kind)));
    for (const k of [
      "nam",
      "sin",
      "phone",
      "email",
      "postal_code",
      "address",
      "date",
      "date_of_birth",
      "age_over_89",
      "record_number",
      "room_number",
      "name",
    ]) {
      expect(kinds).toContain(k);
    }
    // The same seed gives the same notes.
    expect(testNotes().map((n) => n.text)).toEqual(test.map((n) => n.text));
  });

  it("meets the targets on the test half: recall ≥ 0.95, names ≥ 0.90, false alarms ≤ 0.05", () => {
    const s = score(testNotes(), { names: nameLexicon });
    expect(s.recall).toBeGreaterThanOrEqual(0.95);
    expect(s.byKind.name!.recall).toBeGreaterThanOrEqual(0.9);
    expect(s.falseAlarmRate).toBeLessThanOrEqual(0.05);
  });
});
