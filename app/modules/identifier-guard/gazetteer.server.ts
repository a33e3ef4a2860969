// The gazetteer of given and family names, on the server only: about 17 000 names
// (data/names.json, built by scripts/build-name-gazetteer.ts from faker's MIT-licensed
// name lists) would weigh on every page that highlights findings, so the browser
// highlights with the cue frames alone and the server, which decides, uses both.
import data from "./data/names.json";
import type { NameLexicon } from "./names";

export const nameLexicon: NameLexicon = {
  given: new Set(data.given.split(" ")),
  family: new Set(data.family.split(" ")),
};
