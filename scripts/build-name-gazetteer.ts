// Builds app/modules/identifier-guard/data/names.json, the identifier guard's gazetteer of
// given and family names (server only: the browser highlights with the cue frames alone).
//
// Source: the person-name lists of @faker-js/faker (MIT licence, https://fakerjs.dev),
// for the locales of the people living in Quebec: French (France, Belgium, Switzerland,
// Senegal), English (generic, Australia, India, Nigeria, Ghana), Spanish (Spain, Mexico),
// Portuguese (Brazil, Portugal), Italian, Vietnamese, Romanian, Polish, German, Turkish,
// Kurdish (Latin script) and Yoruba. Latin-script names only (notes are written in French
// or English). Names that are also ordinary English or French words (faker's own word
// lists of those languages, plus a few words clinicians write at the start of a
// sentence) and place names (faker's countries, states and cities) are dropped: "Rose", "Grace" or "May" alone would otherwise flag ordinary
// prose. Keys are lower-case without accents, as findIdentifiers compares them.
//
// Run: npx tsx scripts/build-name-gazetteer.ts (the data file is committed; re-run after
// upgrading faker).
import { writeFileSync } from "node:fs";
import { allLocales } from "@faker-js/faker";
import { foldName, NAME_STOPWORDS } from "../app/modules/identifier-guard/names";

const LOCALES = [
  "fr",
  "fr_BE",
  "fr_CH",
  "fr_SN",
  "en",
  "en_AU",
  "en_IN",
  "en_NG",
  "en_GH",
  "es",
  "es_MX",
  "pt_BR",
  "pt_PT",
  "it",
  "vi",
  "ro",
  "pl",
  "de",
  "tr",
  "ku_kmr_latin",
  "yo_NG",
] as const;

const flat = (v: unknown): string[] =>
  !v ? [] : Array.isArray(v) ? v.map(String) : typeof v === "object" ? Object.values(v).flatMap(flat) : [];
const locales = allLocales as unknown as Record<
  string,
  { person?: { first_name?: unknown; last_name?: unknown }; word?: Record<string, unknown>; location?: Record<string, unknown> }
>;

const common = new Set<string>();
for (const lang of ["en", "fr", "es", "it", "pt_BR", "de"]) {
  for (const list of Object.values(locales[lang]?.word ?? {})) for (const w of flat(list)) common.add(foldName(w));
}
for (const w of NAME_STOPWORDS) common.add(w);
// Places are not people either ("à Paris", "from London"): faker's countries, states and cities.
for (const lang of ["en", "en_CA", "fr", "fr_CA", "en_US", "en_GB", "en_AU", "es", "it", "pt_BR"]) {
  const l = locales[lang]?.location ?? {};
  for (const key of ["country", "state", "city_name", "county"]) {
    for (const w of flat(l[key])) for (const part of w.split(/[\s-]+/)) if (part.length >= 4) common.add(foldName(part));
  }
}

const given = new Set<string>();
const family = new Set<string>();
const latin = /^[\p{Script=Latin}'’\- ]+$/u;
const add = (set: Set<string>, raw: string) => {
  for (const part of raw.split(/[\s]+/)) {
    if (!latin.test(part)) continue;
    const key = foldName(part);
    if (key.length < 3 || common.has(key)) continue;
    set.add(key);
  }
};
for (const code of LOCALES) {
  const person = locales[code]?.person;
  for (const n of flat(person?.first_name)) add(given, n);
  for (const n of flat(person?.last_name)) add(family, n);
}

const data = {
  source: "@faker-js/faker person name lists (MIT licence), locales " + LOCALES.join(", "),
  given: [...given].sort().join(" "),
  family: [...family].sort().join(" "),
};
writeFileSync(new URL("../app/modules/identifier-guard/data/names.json", import.meta.url), JSON.stringify(data) + "\n");
console.log(`given ${given.size}, family ${family.size}`);
