// The demo's upcoming event (seed only, system path): the next managers' meeting,
// three weeks from the seed at 13:00–15:00 in Toronto, with the demo member registered.
import { sql } from "kysely";
import type { Tx } from "~/utils/db.server";

const MEETINGS = "Rencontres des gestionnaires en dépendance et itinérance";

export async function seedDemoEvent(tx: Tx, people: { organiser: string; member: string; series: Map<string, string> }) {
  const description = {
    type: "doc",
    content: [
      {
        type: "paragraph",
        content: [
          {
            type: "text",
            text: "Rencontre mensuelle des gestionnaires : approvisionnement plus sécuritaire, continuité des services et questions des équipes régionales.",
          },
        ],
      },
    ],
  };
  const event = await tx
    .insertInto("events")
    .values({
      title: "Rencontre des gestionnaires – Approvisionnement plus sécuritaire en région",
      kind: "managers_meeting",
      series: MEETINGS,
      series_id: people.series.get(MEETINGS) ?? null,
      starts_at: sql<Date>`((current_date + 21)::timestamp + time '13:00') at time zone 'America/Toronto'` as unknown as Date,
      duration_minutes: 120,
      audience: "verified",
      capacity: 80,
      language: "fr",
      topics: ["safer_supply"],
      description: JSON.stringify(description),
      speakers: ["Geneviève Tremblay"],
      cpd_hours: 2,
      cpd_body: "Collège des médecins du Québec",
      cpd_category: "Activité de développement professionnel reconnue",
      created_by: people.organiser,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await tx
    .insertInto("event_speakers")
    .values({ event_id: event.id, display_name: "Geneviève Tremblay", affiliation: "CISSS de la Côte-Nord", position: 1 })
    .execute();
  await tx
    .insertInto("event_registrations")
    .values({ event_id: event.id, user_id: people.member, status: "registered", waitlist_position: null })
    .execute();
}
