// Demo clinical case for the embedded default, so that /cases shows what a discussion
// looks like on first start: an open case presented by the demo member, a peer's reply
// and the mentor's written recommendations. It goes through the same functions as a
// person would (the identifier guard, RLS and the lifecycle triggers), never around them:
// the demo must not teach a shape the guard would refuse.
import type { Database, UserClaims } from "~/utils/db.server";
import { createCase, recommendOnCase, replyToCase, submitCase, type CaseTemplateInput } from "./cases.server";

export const DEMO_CASE: CaseTemplateInput = {
  title: "Fentanyl qui persiste malgré la méthadone, pharmacie à 80 km",
  question:
    "Comment ajuster le traitement quand la personne continue de consommer du fentanyl malgré une dose de méthadone stable, alors que la pharmacie la plus proche est à 80 km?",
  careSetting: "clsc",
  ageDecade: 30,
  substances: ["fentanyl", "cocaine"],
  treatment: "methadone",
  doseRange: "medium",
  conditions: ["hcv", "mental_health"],
  housing: "unstable",
  socialSituation: "Hébergement chez des proches; emploi saisonnier que la personne tient à garder; peu de transport vers la pharmacie.",
  whatTried:
    "Méthadone augmentée graduellement jusqu'à 90 mg sur six semaines; rencontres avec l'intervenante psychosociale du CLSC; trousse de naloxone remise.",
  details:
    "La personne souhaite réduire sa consommation sans perdre son emploi. Elle dit ressentir des symptômes de sevrage en fin de journée. Les doses non supervisées ne sont pas encore offertes.",
  topics: ["tao", "safer_supply"],
  pseudonym: "infirmière, région 09",
};

export const DEMO_CASE_REPLY =
  "Nous avons vécu une situation semblable à Montréal : le fractionnement de la dose (matin et soir) a beaucoup aidé pour les symptômes de fin de journée.";

export const DEMO_CASE_RECOMMENDATION =
  "1. Évaluer le fractionnement de la dose de méthadone si les symptômes de sevrage en fin de journée se confirment.\n" +
  "2. Discuter avec la pharmacie d'un horaire de doses non supervisées adapté à l'emploi saisonnier.\n" +
  "3. Offrir l'approvisionnement plus sécuritaire selon les orientations ministérielles si la consommation persiste.\n" +
  "4. Revoir la personne dans deux semaines et partager ici ce qui s'est passé.";

/** Seeds the demo case with the demo member, peer and mentor; throws if any step is refused (a bug in the demo text). */
export async function seedDemoCases(db: Database, people: { member: UserClaims; peer: UserClaims; mentor: UserClaims }): Promise<void> {
  const must = <T extends { ok: boolean }>(step: string, outcome: T): Extract<T, { ok: true }> => {
    if (!outcome.ok) throw new Error(`seed: demo case ${step} refused: ${JSON.stringify(outcome)}`);
    return outcome as Extract<T, { ok: true }>;
  };
  const { id } = must("creation", await createCase(db, people.member, DEMO_CASE));
  must("submission", await submitCase(db, people.member, id, { attestNotIdentifiable: "on" }));
  must("reply", await replyToCase(db, people.peer, id, { body: DEMO_CASE_REPLY }));
  must("recommendations", await recommendOnCase(db, people.mentor, id, { body: DEMO_CASE_RECOMMENDATION }));
}
