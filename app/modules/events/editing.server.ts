// Editing an existing event: the organiser's form starts from what is stored (its start
// and end read on a wall clock in Toronto, the box ticked when it crosses midnight), goes through the same zod
// contract as creation, and the description goes through the rich-text validator so
// that only a well-formed document reaches the jsonb column.
import { bodyFromForm } from "~/components/rich-text/links.server";
import { docToText } from "~/components/rich-text/plain-text";
import type { RichNode } from "~/components/rich-text/limits";
import type { Viewer } from "~/modules/accounts/accounts.server";
import { hasRole } from "~/modules/accounts/accounts.server";
import type { Database } from "~/utils/db.server";
import { localIntervalDefaults } from "~/utils/local-time";
import { eventFormSchema, type EventInput } from "./schemas";
import { parseSpeakerRows, speakersForEditing, type SpeakerFormRow } from "./speakers.server";

export interface EventEditDefaults {
  id: string;
  title: string;
  kind: string;
  seriesId: string;
  date: string;
  start: string;
  end: string;
  /** "on" when the stored event ends after midnight (the form's checkbox). */
  endsNextDay: string;
  audience: string;
  spaceId: string;
  capacity: string;
  language: string;
  region: string;
  topics: string[];
  speakers: SpeakerFormRow[];
  descriptionText: string;
  descriptionJson: string;
  cpdHours: string;
  cpdBody: string;
  cpdCategory: string;
  status: "scheduled" | "cancelled";
  registered: number;
}

/** The stored event as the edit form's starting values; null if absent or not the organiser's to edit. */
export async function eventForEditing(db: Database, viewer: Viewer, id: string): Promise<EventEditDefaults | null> {
  if (!hasRole(viewer, "organiser") || !/^[0-9a-f-]{36}$/i.test(id)) return null;
  const defaults = await db.withUser(
    viewer.claims,
    async (tx) => {
      const e = await tx.selectFrom("events").selectAll().where("id", "=", id).executeTakeFirst();
      if (!e) return null;
      const places = await tx
        .selectFrom("event_registrations")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("event_id", "=", id)
        .where("status", "=", "registered")
        .executeTakeFirst();
      const startsAt = new Date(e.starts_at);
      const when = localIntervalDefaults(startsAt, new Date(startsAt.getTime() + e.duration_minutes * 60_000));
      const doc = e.description && typeof e.description === "object" ? (e.description as RichNode) : null;
      return {
        id: e.id,
        title: e.title,
        kind: e.kind,
        seriesId: e.series_id ?? "",
        ...when,
        audience: e.audience,
        spaceId: e.space_id ?? "",
        capacity: e.capacity === null ? "" : String(e.capacity),
        language: e.language,
        region: e.region_code ?? "",
        topics: e.topics,
        speakers: [] as SpeakerFormRow[],
        descriptionText: doc ? docToText(doc) : "",
        descriptionJson: doc ? JSON.stringify(doc) : "",
        cpdHours: e.cpd_hours === null ? "" : String(Number(e.cpd_hours)),
        cpdBody: e.cpd_body ?? "",
        cpdCategory: e.cpd_category ?? "",
        status: e.status,
        registered: Number(places?.n ?? 0),
      };
    },
    { readOnly: true },
  );
  if (!defaults) return null;
  return { ...defaults, speakers: await speakersForEditing(db, viewer, id) };
}

export type ParsedEventForm = { ok: true; input: EventInput } | { ok: false; errors: Record<string, string[] | undefined> };

/**
 * The organiser's form (creation or edit) → the validated input. The description, a
 * textarea enhanced by the editor, becomes the editor's JSON document (or nothing).
 */
export function parseEventForm(form: FormData): ParsedEventForm {
  const speakers = parseSpeakerRows(form);
  const values: Record<string, unknown> = { ...Object.fromEntries(form), topics: form.getAll("topics"), speakers: speakers.speakers };
  for (const name of ["description", "descriptionJson", "speakerName", "speakerAffiliation", "speakerEmail"]) delete values[name];
  const parsed = eventFormSchema.safeParse(values);
  const { spaceId: noSpace, ...fieldErrors } = parsed.success ? {} : parsed.error.flatten().fieldErrors;
  const errors: Record<string, string[] | undefined> = { ...fieldErrors, ...speakers.errors };
  // The space goes with the audience (a hidden field): its message is shown on the audience's select.
  if (noSpace?.length) errors.audience = [...(errors.audience ?? []), ...noSpace];
  const body = String(form.get("description") ?? "");
  const bodyJson = String(form.get("descriptionJson") ?? "");
  let description: string | undefined;
  if (body.trim() || bodyJson.trim()) {
    const rich = bodyFromForm({ body, bodyJson });
    if (rich.ok) description = JSON.stringify(rich.doc);
    else errors.description = [`forums.richText.errors.${rich.error}`];
  }
  if (!parsed.success || errors.description || Object.keys(speakers.errors).length) return { ok: false, errors };
  // The rows as parsed above keep their place in the form (field errors of the account lookup).
  return { ok: true, input: { ...parsed.data, description, speakers: speakers.speakers } };
}
