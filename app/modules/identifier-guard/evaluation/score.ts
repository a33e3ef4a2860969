// Scores the guard on a set of notes: recall by kind (an expected identifier counts as
// caught when a finding covers any part of it — the refusal then shows it in place),
// recall with the right kind, and false alarms (clean notes with any finding).
import { findIdentifiers, type FindOptions } from "../identifiers";
import type { Note } from "./corpus";

export interface Score {
  identifiers: number;
  caught: number;
  recall: number;
  sameKind: number;
  byKind: Record<string, { total: number; caught: number; recall: number }>;
  cleanNotes: number;
  falseAlarms: number;
  falseAlarmRate: number;
  misses: Array<{ text: string; expected: string }>;
  alarms: Array<{ text: string; found: string[] }>;
}

export function score(notes: Note[], options: FindOptions): Score {
  const byKind: Score["byKind"] = {};
  let identifiers = 0,
    caught = 0,
    sameKind = 0,
    cleanNotes = 0,
    falseAlarms = 0;
  const misses: Score["misses"] = [];
  const alarms: Score["alarms"] = [];
  for (const note of notes) {
    const found = findIdentifiers(note.text, options);
    if (note.clean) {
      cleanNotes++;
      if (found.length > 0) {
        falseAlarms++;
        alarms.push({ text: note.text, found: found.map((f) => `${f.kind}:${note.text.slice(f.start, f.end)}`) });
      }
      continue;
    }
    for (const e of note.expected) {
      const start = note.text.indexOf(e.text);
      if (start < 0) throw new Error(`corpus: "${e.text}" not in "${note.text}"`);
      const end = start + e.text.length;
      const hit = found.find((f) => f.start < end && start < f.end);
      const k = (byKind[e.kind] ??= { total: 0, caught: 0, recall: 0 });
      identifiers++;
      k.total++;
      if (hit) {
        caught++;
        k.caught++;
        if (hit.kind === e.kind) sameKind++;
      } else misses.push({ text: note.text, expected: `${e.kind}:${e.text}` });
    }
  }
  for (const k of Object.values(byKind)) k.recall = k.caught / k.total;
  return {
    identifiers,
    caught,
    recall: caught / identifiers,
    sameKind,
    byKind,
    cleanNotes,
    falseAlarms,
    falseAlarmRate: falseAlarms / cleanNotes,
    misses,
    alarms,
  };
}
