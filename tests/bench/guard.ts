// The identifier guard on its evaluation corpus (test half: notes it was not tuned on):
// recall overall, by kind and on names, false alarms on clean notes, and the time to
// check a 2 000-character note with the server's gazetteer.
import { testNotes } from "../../app/modules/identifier-guard/evaluation/corpus";
import { score } from "../../app/modules/identifier-guard/evaluation/score";
import { nameLexicon } from "../../app/modules/identifier-guard/gazetteer.server";
import { guardFields } from "../../app/modules/identifier-guard/guard.server";
import { findIdentifiers } from "../../app/modules/identifier-guard/identifiers";

type Emit = (bench: string, value: number, unit: "ms" | "ratio" | "count", extra?: Record<string, unknown>) => void;

export function benchGuard(emit: Emit) {
  const notes = testNotes();
  const s = score(notes, { names: nameLexicon });
  const half = { corpus: "test", notes: notes.length };
  emit("guard.recall", s.recall, "ratio", { ...half, identifiers: s.identifiers, caught: s.caught, same_kind: s.sameKind });
  emit("guard.names.recall", s.byKind.name?.recall ?? 0, "ratio", { ...half, names: s.byKind.name?.total ?? 0 });
  for (const [kind, k] of Object.entries(s.byKind)) emit(`guard.recall.${kind}`, k.recall, "ratio", { ...half, total: k.total });
  emit("guard.false_alarm_rate", s.falseAlarmRate, "ratio", { ...half, clean_notes: s.cleanNotes, false_alarms: s.falseAlarms });

  // A 2 000-character note: the corpus's notes one after another, identifiers included.
  let long = "";
  for (const n of notes) {
    if (long.length >= 2000) break;
    long += `${n.text} `;
  }
  long = long.slice(0, 2000);
  for (let i = 0; i < 50; i++) findIdentifiers(long, { names: nameLexicon });
  // CPU time of this process per check (the machine running the bench is shared; wall
  // time there mostly measures the scheduler), and wall time beside it.
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let i = 0; i < 500; i++) {
    const c = process.cpuUsage();
    const t = performance.now();
    findIdentifiers(long, { names: nameLexicon });
    wall.push(performance.now() - t);
    const d = process.cpuUsage(c);
    cpu.push((d.user + d.system) / 1000);
  }
  const p = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.floor(q * xs.length)]!;
  emit("guard.p99_ms", p(cpu, 0.99), "ms", {
    chars: long.length,
    n: cpu.length,
    clock: "process cpu",
    p50_ms: Math.round(p(cpu, 0.5) * 100) / 100,
  });
  emit("guard.p99_wall_ms", p(wall, 0.99), "ms", { chars: long.length, n: wall.length, p50_ms: Math.round(p(wall, 0.5) * 100) / 100 });

  // The server's check with the colleague-name exemption at work: the same note, once
  // the colleagues are known (a private space of 300 members), each name finding
  // compared with each of them.
  const colleagues = Array.from({ length: 300 }, (_, i) => `Prénom${i} Nom${i}`);
  const withColleagues: number[] = [];
  for (let i = 0; i < 200; i++) {
    const c = process.cpuUsage();
    guardFields({ body: long }, { colleagues });
    const d = process.cpuUsage(c);
    withColleagues.push((d.user + d.system) / 1000);
  }
  emit("guard.colleagues.p99_ms", p(withColleagues, 0.99), "ms", {
    chars: long.length,
    colleagues: colleagues.length,
    n: withColleagues.length,
    clock: "process cpu",
    p50_ms: Math.round(p(withColleagues, 0.5) * 100) / 100,
  });
}
