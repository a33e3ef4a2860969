// The people, private space and case template shared by the two clinical case suites
// (cases.test.ts: RLS, lifecycle and guard; cases-followup.test.ts: notifications,
// overrides, review, experts, search, citations), so both exercise the same roles.
import { createCase, submitCase } from "~/modules/cases/cases.server";
import { namCheckDigit } from "~/modules/identifier-guard/identifiers";
import type { Database } from "~/utils/db.server";
import { createUser, type TestUser } from "../setup/test-db";

export type Who =
  "presenter" | "unverified" | "verified" | "mentor" | "moderator" | "admin" | "member" | "outsider" | "spaceMod" | "expert";

/** A NAM whose check digit is right: the strongest form the guard must refuse. */
export const nam = `TREJ8703121${namCheckDigit("TREJ", 1987, "M", 3, 12, "1")}`;

/** A complete, non-identifying case; `over` replaces fields (undefined removes one). */
export const caseTemplate = (over: Record<string, unknown> = {}) => ({
  title: "Fentanyl fumé malgré méthadone",
  question: "Comment ajuster le TAO quand la consommation persiste malgré méthadone 80 mg?",
  careSetting: "street_outreach",
  ageDecade: "30",
  substances: ["fentanyl", "methamphetamine"],
  treatment: "methadone",
  doseRange: "medium",
  conditions: ["hcv"],
  housing: "homeless",
  socialSituation: "Itinérance intermittente depuis 2019",
  whatTried: "Doses fractionnées envisagées; buprénorphine/naloxone 16/4 mg tentée en 2022",
  details: "TAO depuis mars, dose de 12/03 manquée.",
  pseudonym: "infirmière, région 09",
  ...over,
});

/**
 * One person per role, and a private ECHO space (slug must differ per suite: both
 * suites may share one PostgreSQL database) whose members are the presenter, a member,
 * the expert and a space moderator (the case coordinator); the outsider is in region 06.
 */
export async function createCaseCast(db: Database, spaceSlug: string) {
  const people = {
    presenter: await createUser(db, { displayName: "Présentatrice", verified: true }),
    unverified: await createUser(db, { displayName: "Non vérifié" }),
    verified: await createUser(db, { displayName: "Pair vérifié", verified: true }),
    mentor: await createUser(db, { displayName: "Mentore", verified: true, roles: ["mentor"] }),
    moderator: await createUser(db, { displayName: "Modératrice", verified: true, roles: ["moderator"] }),
    admin: await createUser(db, { displayName: "Admin", verified: true, roles: ["admin"] }),
    member: await createUser(db, { displayName: "Membre ECHO 09", verified: true }),
    outsider: await createUser(db, { displayName: "Autre région", verified: true, region: "06" }),
    spaceMod: await createUser(db, { displayName: "Coordonnatrice ECHO", verified: true }),
    expert: await createUser(db, { displayName: "Experte désignée", verified: true }),
  } satisfies Record<Who, TestUser>;
  const privateSpace = await db.asSystem("test: private ECHO space", async (tx) => {
    const { id } = await tx
      .insertInto("spaces")
      .values({
        slug: spaceSlug,
        kind: "group",
        visibility: "members",
        name_fr: "ECHO Côte-Nord",
        name_en: "ECHO North Shore",
        region_code: null,
        discipline_code: null,
        created_by: people.admin.id,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await tx
      .insertInto("space_members")
      .values([
        { space_id: id, user_id: people.member.id, role: "member", added_by: people.admin.id },
        { space_id: id, user_id: people.presenter.id, role: "member", added_by: people.admin.id },
        { space_id: id, user_id: people.expert.id, role: "member", added_by: people.admin.id },
        { space_id: id, user_id: people.spaceMod.id, role: "moderator", added_by: people.admin.id },
      ])
      .execute();
    return id;
  });
  return { people, privateSpace };
}

/** Creates and submits a case (with the attestation); throws if either step is refused. */
export async function openCase(db: Database, user: TestUser, over: Record<string, unknown> = {}) {
  const created = await createCase(db, user.claims, caseTemplate(over));
  if (!created.ok) throw new Error(JSON.stringify(created));
  const submitted = await submitCase(db, user.claims, created.id, { attestNotIdentifiable: "on" });
  if (!submitted.ok) throw new Error(JSON.stringify(submitted));
  return { id: created.id, status: submitted.status };
}
