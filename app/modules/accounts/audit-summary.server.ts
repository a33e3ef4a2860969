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
/** Detail keys shown, in this order. */
export const SHOWN_AUDIT_KEYS = [
  "role",
  "method",
  "table",
  "visibility",
  "archived",
  "name_fr",
  "title",
  "from",
  "to",
  "user_id",
  "author_id",
  "from_category",
  "to_category",
  "field",
  "kind",
  "days",
  "minutes",
  "admin",
  "reason",
  "note",
  "topic_id",
  "new_topic_id",
  "post_id",
  "post_ids",
  "expires_on",
  "was_lapsed",
  "fields",
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

export function describeAudit(action: string, details: unknown, locale: Locale, lookups: AuditLookups): AuditPart[] {
  const record = asRecord(details);
  const t = (key: string, vars?: Record<string, string | number>) => translate(locale, key, vars);
  /** A translation when the key exists, else the value as recorded. */
  const known = (key: string, value: string) => {
    const text = t(key);
    return text === key ? value : text;
  };
  const quoted = (text: string) => t("admin.auditDetails.quoted", { text });
  const label = (key: string) => t(`admin.auditDetails.labels.${key}`);
  const parts: AuditPart[] = [];
  const tool = action.startsWith("tool.");
  for (const key of SHOWN_AUDIT_KEYS) {
    const value = record[key];
    if (value === null || value === undefined || value === "") continue;
    const text = typeof value === "string" ? value : typeof value === "number" || typeof value === "boolean" ? String(value) : null;
    switch (key) {
      case "role":
        parts.push({ label: label(key), value: known(`roles.${String(text)}`, String(text)) });
        break;
      case "method":
        parts.push({ label: label(key), value: known(`admin.methods.${String(text)}`, String(text)) });
        break;
      case "table":
        parts.push({ label: label(key), value: known(`admin.auditDetails.tables.${String(text)}`, String(text)) });
        break;
      case "visibility":
        parts.push({ label: label(key), value: known(`forums.visibility.${String(text)}`, String(text)) });
        break;
      case "archived":
        if (value === true) parts.push({ label: label(key), value: t("admin.auditDetails.yes") });
        break;
      case "admin":
        if (value === true) parts.push({ label: label(key), value: t("admin.auditDetails.yes") });
        break;
      case "name_fr":
      case "title":
      case "reason":
      case "note":
        if (text) parts.push({ label: label(key), value: quoted(text) });
        break;
      case "from":
      case "to":
        // A tool's previous status, or a topic's previous and new title.
        if (text)
          parts.push(
            tool
              ? { label: label("fromStatus"), value: known(`tools.statuses.${text}`, text) }
              : { label: label(key), value: quoted(text) },
          );
        break;
      case "user_id":
      case "author_id":
        if (text) parts.push({ label: label(key), value: lookups.people.get(text) ?? t("admin.auditDetails.unknownPerson") });
        break;
      case "from_category":
      case "to_category":
        if (text) parts.push({ label: label(key), value: lookups.categories.get(text) ?? t("admin.auditDetails.unknownCategory") });
        break;
      case "field":
        parts.push({ label: label(key), value: known(`cases.form.${String(text)}`, String(text)) });
        break;
      case "kind":
        parts.push({ label: label(key), value: known(`identifierGuard.kinds.${String(text)}`, String(text)) });
        break;
      case "minutes":
        if (typeof value === "number") parts.push({ label: label(key), value: String(value) });
        break;
      case "days":
        if (typeof value === "number") parts.push({ label: label(key), value: t("admin.auditDetails.days", { count: value }) });
        break;
      case "topic_id":
      case "new_topic_id":
        parts.push({ label: label(key), value: t("admin.auditDetails.seeTopic"), href: `/forums/t/${String(text)}` });
        break;
      case "post_id":
        parts.push({ label: label(key), value: t("admin.auditDetails.seePost"), href: `/forums/p/${String(text)}` });
        break;
      case "post_ids":
        if (Array.isArray(value)) parts.push({ label: label(key), value: t("admin.auditDetails.posts", { count: value.length }) });
        break;
      case "expires_on":
        // A permit's expiry date (YYYY-MM-DD), read as a date in the reader's language.
        if (text) parts.push({ label: label(key), value: formatDate(locale, text.slice(0, 10)) });
        break;
      case "was_lapsed":
        if (value === true) parts.push({ label: label(key), value: t("admin.auditDetails.yes") });
        break;
      case "fields":
        // The incident register's columns an admin changed, by their names.
        if (Array.isArray(value))
          parts.push({
            label: label(key),
            value: value.map((f) => known(`admin.auditDetails.incidentFields.${String(f)}`, String(f))).join(", "),
          });
        break;
    }
  }
  return parts;
}
