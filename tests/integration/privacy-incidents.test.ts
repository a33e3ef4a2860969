// The confidentiality incident register: admins record and read it (each read and
// entry audited); nobody else reads or writes it, at the module and in RLS. A bad
// entry is refused field by field by its schema and reaches nothing.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getViewer, type Viewer } from "~/modules/accounts/accounts.server";
import { listIncidents, privacyFigures, recordIncident } from "~/modules/privacy/incidents.server";
import { incidentSchema } from "~/modules/privacy/incident-schema";
import { createTestDatabase, createUser, type TestDatabase } from "../setup/test-db";

let t: TestDatabase;
let admin: Viewer, member: Viewer, moderator: Viewer;

const entry = {
  description: "Courriel de rappel envoyé à la mauvaise liste",
  circumstances: "Une liste d'envoi mal choisie lors d'un rappel de webinaire.",
  occurredFrom: "2026-11-20",
  discoveredOn: "2026-11-21",
  peopleCount: "12",
  informationConcerned: "Nom et adresse courriel",
  seriousRisk: "no" as const,
  riskAssessment: "Renseignements peu sensibles, destinataires membres de la communauté.",
  measures: "Demande de suppression aux destinataires; liste corrigée.",
};

beforeAll(async () => {
  t = await createTestDatabase();
  admin = (await getViewer(t.db, (await createUser(t.db, { roles: ["admin"] })).claims))!;
  member = (await getViewer(t.db, (await createUser(t.db, { verified: true })).claims))!;
  moderator = (await getViewer(t.db, (await createUser(t.db, { roles: ["moderator"] })).claims))!;
});

afterAll(async () => {
  await t?.cleanup();
});

describe("incident register", () => {
  it("an admin records an entry and reads the register; both are in the audit log", async () => {
    const outcome = await recordIncident(t.db, admin, incidentSchema.parse(entry));
    expect(outcome.ok).toBe(true);
    const list = await listIncidents(t.db, admin);
    expect(list[0]).toMatchObject({
      description: entry.description,
      occurredFrom: "2026-11-20",
      discoveredOn: "2026-11-21",
      peopleCount: 12,
      seriousRisk: false,
      commissionNotifiedOn: null,
    });
    const actions = await t.db.asSystem("test: audit", (tx) =>
      tx.selectFrom("audit_log").select("action").where("actor_id", "=", admin.id).orderBy("id").execute(),
    );
    expect(actions.map((a) => a.action)).toEqual(["privacy.incident_recorded", "privacy.incidents_read"]);
    const figures = await privacyFigures(t.db, admin);
    expect(figures).toMatchObject({ incidents: 1, seriousIncidents: 0, seriousUnnotified: 0 });
  });

  it("members and moderators are refused by the module (403) and by RLS", async () => {
    for (const viewer of [member, moderator]) {
      await expect(listIncidents(t.db, viewer)).rejects.toMatchObject({ status: 403 });
      await expect(recordIncident(t.db, viewer, incidentSchema.parse(entry))).rejects.toMatchObject({ status: 403 });
      const seen = await t.db.withUser(viewer.claims, (tx) => tx.selectFrom("privacy_incidents").select("id").execute());
      expect(seen).toEqual([]);
      await expect(
        t.db.withUser(viewer.claims, (tx) =>
          sql`insert into public.privacy_incidents (description, circumstances, occurred_from, discovered_on,
        people_count, information_concerned, serious_risk, risk_assessment, measures, recorded_by)
        values ('abc', 'abc', '2026-01-01', '2026-01-02', 1, 'abc', false, 'abc', 'abc', ${viewer.id}::uuid)`.execute(tx),
        ),
      ).rejects.toThrow();
    }
    const anonymous = await t.db
      .withUser(null, (tx) => sql`select count(*)::int as n from public.privacy_incidents`.execute(tx))
      .catch(() => null);
    expect(anonymous === null || Number((anonymous.rows[0] as { n: number }).n) === 0).toBe(true);
  });

  it("a bad entry is refused field by field: missing text, impossible date, notice before knowing", () => {
    const bad = incidentSchema.safeParse({
      ...entry,
      description: "",
      occurredFrom: "2026-02-31",
      peopleCount: "-1",
      seriousRisk: "maybe",
    });
    expect(bad.success).toBe(false);
    if (!bad.success) {
      expect(bad.error.flatten().fieldErrors).toMatchObject({
        description: ["admin.incidents.errors.tooShort"],
        occurredFrom: ["admin.incidents.errors.date"],
        peopleCount: ["admin.incidents.errors.count"],
        seriousRisk: ["admin.incidents.errors.risk"],
      });
    }
    const missing = incidentSchema.safeParse({ ...entry, discoveredOn: undefined });
    expect(missing.success).toBe(false);
    if (!missing.success) expect(missing.error.flatten().fieldErrors.discoveredOn).toEqual(["errors.required"]);
    const order = incidentSchema.safeParse({ ...entry, commissionNotifiedOn: "2026-11-01" });
    expect(order.success).toBe(false);
    if (!order.success) expect(order.error.flatten().fieldErrors.commissionNotifiedOn).toEqual(["admin.incidents.errors.noticeOrder"]);
  });
});
