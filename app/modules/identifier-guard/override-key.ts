// The value of a finding's "not identifying" checkbox, without zod: the findings list
// (components.tsx) is on pages every reader loads, and zod is about 12 KB of their
// first-load JavaScript. schemas.ts re-exports it next to the contract that reads it back.

/** The value of a finding's "not identifying" checkbox. */
export const overrideKey = (f: { field: string; kind: string; match: string }) =>
  JSON.stringify({ field: f.field, kind: f.kind, match: f.match });
