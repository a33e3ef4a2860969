// Demo mentoring (embedded default only): two mentor profiles in different regions,
// one active pairing between the demo mentor and the demo member with its agreement,
// a goal and a shared note, and one open request waiting for an answer (which the
// member allowed the coordination to hand to another mentor).
import type { Database } from "~/utils/db.server";
import { REQUEST_EXPIRE_DAYS } from "./schemas";

export async function seedDemoMentoring(db: Database, people: { mentor: string; member: string; admin: string }) {
  await db.asSystem("seed: demo mentoring", async (tx) => {
    await tx
      .insertInto("mentor_profiles")
      .values([
        {
          user_id: people.mentor,
          topics: ["tao", "buprenorphine", "taoi", "douleur_chronique"],
          disciplines: ["medecin", "infirmiere", "pharmacien"],
          regions: ["03", "09", "11", "12"],
          languages: ["fr", "en"],
          capacity: 3,
          modalities: ["video", "phone"],
          availability: "Mardis et jeudis midi",
          bio: "Accompagne les équipes qui démarrent le TAO en région, en personne ou à distance.",
          accepting: true,
          matching_opt_in: true,
        },
        {
          user_id: people.admin,
          topics: ["organisation_services", "tao", "reduction_mefaits"],
          disciplines: ["gestionnaire", "infirmiere", "travail_social"],
          regions: ["06", "13", "16"],
          languages: ["fr", "en"],
          capacity: 2,
          modalities: ["video", "chat"],
          availability: "Vendredis après-midi",
          bio: "Gestion de services en dépendance et organisation du travail d'équipe.",
          accepting: true,
          matching_opt_in: true,
        },
      ])
      .execute();
    const accepted = await tx
      .insertInto("mentoring_requests")
      .values({
        mentee_id: people.member,
        mentor_id: people.mentor,
        topics: ["taoi", "tao"],
        goals: "Mettre en place le TAO injectable dans notre équipe de la Côte-Nord.",
        modality: "video",
        language: "fr",
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await tx.updateTable("mentoring_requests").set({ status: "accepted" }).where("id", "=", accepted.id).execute();
    const pairing = await tx
      .insertInto("mentoring_pairings")
      .values({
        request_id: accepted.id,
        mentor_id: people.mentor,
        mentee_id: people.member,
        agreement_goals: "Mettre en place le TAO injectable dans notre équipe.",
        agreement_frequency: "Toutes les deux semaines",
        agreement_duration: "Six mois",
        agreement_confidentiality: "Nos échanges restent confidentiels ; aucune information permettant d'identifier une personne soignée.",
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await tx
      .insertInto("mentoring_goals")
      .values({ pairing_id: pairing.id, title: "Rédiger le protocole d'induction du TAOi", progress: 30, created_by: people.member })
      .execute();
    await tx
      .insertInto("mentoring_notes")
      .values({
        pairing_id: pairing.id,
        author_id: people.mentor,
        visibility: "shared",
        body: "Première rencontre : revue des ressources de l'équipe.",
      })
      .execute();
    await tx
      .insertInto("mentoring_requests")
      .values({
        mentee_id: people.member,
        mentor_id: people.admin,
        topics: ["organisation_services"],
        goals: "Organiser la garde infirmière pour le service de réduction des méfaits.",
        modality: "video",
        language: "fr",
        expires_at: new Date(Date.now() + REQUEST_EXPIRE_DAYS * 86_400_000),
        coordination_ok: true,
      })
      .execute();
  });
}
