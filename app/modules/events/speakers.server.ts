// An event's speakers (decision 026): ordered rows with a name and an affiliation, each
// optionally linked to a member's account. A linked speaker hosts the live room with
// the organisers (Jitsi moderator, marks questions answered, enters without
// registering); the database says so with is_event_speaker / is_event_host.
// Organisers link a speaker by the account's email: profiles are private, so the
// lookup runs on the system path after the organiser check, and says only whether
// the email belongs to an account.
import { sql } from "kysely";
import type { Viewer } from "~/modules/accounts/accounts.server";
import { hasRole } from "~/modules/accounts/accounts.server";
import type { Claims, Database, Tx } from "~/utils/db.server";
import { MAX_SPEAKERS, speakerRowSchema, type SpeakerFormRow, type SpeakerInput } from "./schemas";

export type { SpeakerFormRow };

export interface Speaker {
  name: string;
  affiliation: string;
  /** Linked to a member's account (the account itself is not shown to readers). */
  linked: boolean;
}

/**
 * The speaker rows of the event form (repeated `speakerName`, `speakerAffiliation`,
 * `speakerEmail` fields, in the form's order: text inputs are always sent, so the three
 * lists line up). Rows left entirely empty are dropped; errors are keyed
 * `speakers.<row>.<field>` so the form can show them beside the right input.
 */
export function parseSpeakerRows(form: FormData): { speakers: SpeakerInput[]; errors: Record<string, string[]> } {
  const all = (name: string) => form.getAll(name).map((v) => (typeof v === "string" ? v : ""));
  const names = all("speakerName");
  const affiliations = all("speakerAffiliation");
  const emails = all("speakerEmail");
  const rows = Math.max(names.length, affiliations.length, emails.length);
  const speakers: SpeakerInput[] = [];
  const errors: Record<string, string[]> = {};
  const seen = new Map<string, number>();
  for (let i = 0; i < rows; i++) {
    const raw = { name: names[i] ?? "", affiliation: affiliations[i] ?? "", email: emails[i] ?? "" };
    if (!raw.name.trim() && !raw.affiliation.trim() && !raw.email.trim()) continue;
    const parsed = speakerRowSchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) (errors[`speakers.${i}.${String(issue.path[0])}`] ??= []).push(issue.message);
      continue;
    }
    const email = parsed.data.email?.toLowerCase();
    if (email && seen.has(email)) {
      (errors[`speakers.${i}.email`] ??= []).push("events.errors.speakerTwice");
      continue;
    }
    if (email) seen.set(email, i);
    speakers.push({ ...parsed.data, email, row: i });
  }
  if (speakers.length > MAX_SPEAKERS) errors.speakers = ["errors.too_many"];
  return { speakers, errors };
}

/**
 * The accounts of the speakers' emails, for an organiser. An email without an account
 * is a field error on its row (`row`: where the speaker was in the form).
 */
export async function resolveSpeakerAccounts(
  db: Database,
  viewer: Viewer,
  speakers: SpeakerInput[],
): Promise<{ ok: true; profileIds: Array<string | null> } | { ok: false; errors: Record<string, string[]> }> {
  if (!hasRole(viewer, "organiser")) return { ok: false, errors: { speakers: ["events.errors.forbidden"] } };
  const emails = speakers.flatMap((s) => (s.email ? [s.email.toLowerCase()] : []));
  const found =
    emails.length === 0
      ? []
      : await db.asSystem("events: accounts of the speakers an organiser links", (tx) =>
          tx
            .selectFrom("profile_private")
            .select(["user_id", sql<string>`lower(contact_email)`.as("email")])
            .where(sql<string>`lower(contact_email)`, "in", emails)
            .execute(),
        );
  const byEmail = new Map(found.map((r) => [r.email, r.user_id]));
  const errors: Record<string, string[]> = {};
  const profileIds = speakers.map((s, i) => {
    if (!s.email) return null;
    const id = byEmail.get(s.email.toLowerCase());
    if (!id) errors[`speakers.${s.row ?? i}.email`] = ["events.errors.speakerUnknown"];
    return id ?? null;
  });
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, profileIds };
}

/** Replaces the event's speakers, in the organiser's transaction (RLS: organisers write). */
export async function replaceSpeakers(tx: Tx, eventId: string, speakers: SpeakerInput[], profileIds: Array<string | null>) {
  await tx.deleteFrom("event_speakers").where("event_id", "=", eventId).execute();
  if (speakers.length === 0) return;
  await tx
    .insertInto("event_speakers")
    .values(
      speakers.map((s, i) => ({
        event_id: eventId,
        profile_id: profileIds[i] ?? null,
        display_name: s.name,
        affiliation: s.affiliation,
        position: i + 1,
      })),
    )
    .execute();
}

/** The speakers readers see, in order (RLS: whoever may see the event). */
export async function listSpeakers(tx: Tx, eventId: string, signedIn: boolean): Promise<Speaker[]> {
  // Anonymous readers may not read which account a speaker is (column grants).
  const rows = signedIn
    ? await tx
        .selectFrom("event_speakers")
        .select(["display_name", "affiliation", "profile_id"])
        .where("event_id", "=", eventId)
        .orderBy("position")
        .execute()
    : (
        await tx
          .selectFrom("event_speakers")
          .select(["display_name", "affiliation"])
          .where("event_id", "=", eventId)
          .orderBy("position")
          .execute()
      ).map((r) => ({ ...r, profile_id: null }));
  return rows.map((r) => ({ name: r.display_name, affiliation: r.affiliation, linked: r.profile_id !== null }));
}

/** Is this person a linked speaker of the event? */
export async function isSpeaker(tx: Tx, claims: Claims, eventId: string): Promise<boolean> {
  if (!claims) return false;
  return Boolean((await sql<{ ok: boolean }>`select public.is_event_speaker(${eventId}::uuid) as ok`.execute(tx)).rows[0]?.ok);
}

/** The speakers as the edit form starts from them, the linked accounts' emails read for the organiser. */
export async function speakersForEditing(db: Database, viewer: Viewer, eventId: string): Promise<SpeakerFormRow[]> {
  if (!hasRole(viewer, "organiser")) return [];
  const rows = await db.withUser(
    viewer.claims,
    (tx) =>
      tx
        .selectFrom("event_speakers")
        .select(["display_name", "affiliation", "profile_id"])
        .where("event_id", "=", eventId)
        .orderBy("position")
        .execute(),
    { readOnly: true },
  );
  const ids = rows.flatMap((r) => (r.profile_id ? [r.profile_id] : []));
  const emails =
    ids.length === 0
      ? []
      : await db.asSystem("events: linked speakers' emails for the organiser's edit form", (tx) =>
          tx.selectFrom("profile_private").select(["user_id", "contact_email"]).where("user_id", "in", ids).execute(),
        );
  const emailOf = new Map(emails.map((e) => [e.user_id, e.contact_email]));
  return rows.map((r) => ({
    name: r.display_name,
    affiliation: r.affiliation,
    email: r.profile_id ? (emailOf.get(r.profile_id) ?? "") : "",
  }));
}
