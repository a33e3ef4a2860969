// Reference codes for form choices, from supabase/data/quebec.json (the same file
// the reference-data migration is generated from), so client and server validate
// against the same lists as the database's foreign keys.
import quebec from "../../../supabase/data/quebec.json";

type Labelled = { code: string; name_fr: string; name_en: string };
const toRows = (xs: Array<{ code: string; fr: string; en?: string }>): Labelled[] =>
  xs.map((x) => ({ code: x.code, name_fr: x.fr, name_en: x.en ?? x.fr }));

export const REGIONS = toRows(quebec.regions);
export const DISCIPLINES = toRows(quebec.disciplines);
export const ESTABLISHMENT_KINDS = toRows(quebec.establishmentKinds);
export const TOPICS = toRows(quebec.topics);
export const PROFESSIONAL_ORDERS = quebec.professionalOrders.map((o) => ({
  code: o.code,
  name_fr: o.fr,
  name_en: o.fr,
  disciplines: o.disciplines,
}));
/** Languages people can say they speak with patients and peers (ISO 639 codes). */
export const LANGUAGES = ["fr", "en", "es", "ar", "ht", "iu", "cr", "moe", "atj"] as const;
/** Peer helpers and community workers are vouched for by a sponsor: a verified mentor or moderator (or an admin). */
export const SPONSOR_VERIFIED_DISCIPLINES = ["pair_aidant", "intervenant_communautaire"];

export const codes = (rows: Array<{ code: string }>) => rows.map((r) => r.code) as [string, ...string[]];
