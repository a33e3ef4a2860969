// The audit log's details column, for people: each action's recorded details
// (jsonb written by the database's audit triggers) become a few labelled values in the
// reader's language — a role by its name, a person by their display name, a status by
// its label, free text in quotation marks, a topic or post as a link. Identifiers that
// mean nothing to a reader (report, sanction or override ids) are left out; the raw row
// stays in the database for anyone who needs it.
import { formatDate, type Locale } from "~/utils/i18n";
import { translate } from "~/utils/i18n.server";

export interface AuditPart {
  label: string;
  value: string;
  href?: string;
}

/** Names the loader looked up for the ids found in details (people, forum categories). */
export interface AuditLookups {
  people: ReadonlyMap<string, string>;
  categories: ReadonlyMap<string, string>;
}

/** Detail keys written by the audit triggers that a reader has no use for (internal ids, slugs, positions). */
export const HIDDEN_AUDIT_KEYS = [
  "conversation_id",
  "report_id",
  "sanction_id",
  "override_id",
  "slug",
  "position",
  "supersedes",
  "request",
] as const;
const PERSON_KEYS = ["user_id", "author_id"];
const CATEGORY_KEYS = ["from_category", "to_category"];

/** The ids in an entry's details to look up before summarising it. */
export function auditLookupIds(details: unknown): { people: string[]; categories: string[] } {
  const record = asRecord(details);
  const ids = (keys: string[]) => keys.map((k) => record[k]).filter((v): v is string => typeof v === "string" && v.length > 0);
  return { people: ids(PERSON_KEYS), categories: ids(CATEGORY_KEYS) };
}

function asRecord(value: unknown): Record<string, unknown> {
  if (typeof value === "string") {
    try {
      return asRecord(JSON.parse(value));
    } catch {
      return {};
    }
  }
  return value && typeof value === "object" && !Array.isArray(value) ? Object.fromEntries(Object.entries(value)) : {};
}

/** What a detail is turned into: the reader's language, the names looked up, the entry's action. */
interface DetailContext {
  key: string;
  value: unknown;
  /** The value when it is a string, number or boolean, as text; else null. */
  text: string | null;
  action: string;
  locale: Locale;
  lookups: AuditLookups;
  t: (key: string, vars?: Record<string, string | number>) => string;
  /** A translation when the key exists, else the value as recorded. */
  known: (key: string, value: string) => string;
  quoted: (text: string) => string;
  label: (key: string) => string;
}
type Shown = (c: DetailContext) => AuditPart | null;

const labelled = (c: DetailContext, value: string, href?: string): AuditPart => ({
  label: c.label(c.key),
  value,
  ...(href ? { href } : {}),
});
const translated =
  (prefix: string): Shown =>
  (c) =>
    labelled(c, c.known(`${prefix}.${String(c.text)}`, String(c.text)));
const yes: Shown = (c) => (c.value === true ? labelled(c, c.t("admin.auditDetails.yes")) : null);
const quotedText: Shown = (c) => (c.text ? labelled(c, c.quoted(c.text)) : null);
const person: Shown = (c) => (c.text ? labelled(c, c.lookups.people.get(c.text) ?? c.t("admin.auditDetails.unknownPerson")) : null);
const category: Shown = (c) => (c.text ? labelled(c, c.lookups.categories.get(c.text) ?? c.t("admin.auditDetails.unknownCategory")) : null);
// A tool's previous status, or a topic's previous and new title.
const fromOrTo: Shown = (c) =>
  !c.text
    ? null
    : c.action.startsWith("tool.")
      ? { label: c.label("fromStatus"), value: c.known(`tools.statuses.${c.text}`, c.text) }
      : labelled(c, c.quoted(c.text));
const topic: Shown = (c) => labelled(c, c.t("admin.auditDetails.seeTopic"), `/forums/t/${String(c.text)}`);

/** Detail keys shown, in this order (the keys of this object), each with how it reads. */
const SHOWN = {
  role: translated("roles"),
  method: translated("admin.methods"),
  table: translated("admin.auditDetails.tables"),
  visibility: translated("forums.visibility"),
  archived: yes,
  name_fr: quotedText,
  title: quotedText,
  from: fromOrTo,
  to: fromOrTo,
  user_id: person,
  author_id: person,
  from_category: category,
  to_category: category,
  field: translated("cases.form"),
  kind: translated("identifierGuard.kinds"),
  days: (c) => (typeof c.value === "number" ? labelled(c, c.t("admin.auditDetails.days", { count: c.value })) : null),
  minutes: (c) => (typeof c.value === "number" ? labelled(c, String(c.value)) : null),
  admin: yes,
  reason: quotedText,
  note: quotedText,
  topic_id: topic,
  new_topic_id: topic,
  post_id: (c) => labelled(c, c.t("admin.auditDetails.seePost"), `/forums/p/${String(c.text)}`),
  post_ids: (c) => (Array.isArray(c.value) ? labelled(c, c.t("admin.auditDetails.posts", { count: c.value.length })) : null),
  // A permit's expiry date (YYYY-MM-DD), read as a date in the reader's language.
  expires_on: (c) => (c.text ? labelled(c, formatDate(c.locale, c.text.slice(0, 10))) : null),
  was_lapsed: yes,
  // The incident register's columns an admin changed, by their names.
  fields: (c) =>
    Array.isArray(c.value)
      ? labelled(c, c.value.map((f) => c.known(`admin.auditDetails.incidentFields.${String(f)}`, String(f))).join(", "))
      : null,
} satisfies Record<string, Shown>;

/** Detail keys shown, in this order. */
export const SHOWN_AUDIT_KEYS = Object.keys(SHOWN) as ReadonlyArray<keyof typeof SHOWN>;

export function describeAudit(action: string, details: unknown, locale: Locale, lookups: AuditLookups): AuditPart[] {
  const record = asRecord(details);
  const t = (key: string, vars?: Record<string, string | number>) => translate(locale, key, vars);
  const known = (key: string, value: string) => {
    const text = t(key);
    return text === key ? value : text;
  };
  const quoted = (text: string) => t("admin.auditDetails.quoted", { text });
  const label = (key: string) => t(`admin.auditDetails.labels.${key}`);
  const parts: AuditPart[] = [];
  for (const key of SHOWN_AUDIT_KEYS) {
    const value = record[key];
    if (value === null || value === undefined || value === "") continue;
    const text = typeof value === "string" ? value : typeof value === "number" || typeof value === "boolean" ? String(value) : null;
    const part = SHOWN[key]({ key, value, text, action, locale, lookups, t, known, quoted, label });
    if (part) parts.push(part);
  }
  return parts;
}
