// The confidentiality incident register: admins record and read it (each read and
// entry audited); nobody else reads or writes it, at the module and in RLS. A bad
// entry is refused field by field by its schema and reaches nothing.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getViewer, type Viewer } from "~/modules/accounts/accounts.server";
import { parse } from "csv-parse/sync";
import {
  exportIncidentsCsv,
  getIncident,
  listIncidents,
  privacyFigures,
  recordIncident,
  updateIncident,
} from "~/modules/privacy/incidents.server";
import { incidentSchema, incidentUpdateSchema } from "~/modules/privacy/incident-schema";
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

  it("an entry and its audit line commit together: a refused entry leaves no audit line", async () => {
    const before = await auditCount("privacy.incident_recorded");
    // Past the form, the table's CHECK refuses a notice before the incident was known: nothing is kept.
    await expect(recordIncident(t.db, admin, { ...incidentSchema.parse(entry), commissionNotifiedOn: "2026-11-01" })).rejects.toThrow();
    expect(await auditCount("privacy.incident_recorded")).toBe(before);
    const ok = await recordIncident(t.db, admin, incidentSchema.parse({ ...entry, description: "Deuxième incident consigné" }));
    expect(ok.ok).toBe(true);
    expect(await auditCount("privacy.incident_recorded")).toBe(before + 1);
  });

  it("an admin records the notices and measures afterwards (audited with the fields); bad dates are field errors and change nothing", async () => {
    const created = await recordIncident(t.db, admin, incidentSchema.parse({ ...entry, seriousRisk: "yes" }));
    if (!created.ok) throw new Error("not recorded");
    const id = created.id;
    const early = await updateIncident(
      t.db,
      admin,
      id,
      incidentUpdateSchema.parse({ commissionNotifiedOn: "2026-11-20", measures: "Liste corrigée" }),
    );
    expect(early).toMatchObject({ ok: false, status: 400, fieldErrors: { commissionNotifiedOn: ["admin.incidents.errors.noticeOrder"] } });
    const impossible = incidentUpdateSchema.safeParse({ commissionNotifiedOn: "2026-02-30", peopleNotifiedOn: "2999-01-01", measures: "" });
    expect(impossible.success).toBe(false);
    if (!impossible.success)
      expect(impossible.error.flatten().fieldErrors).toEqual({
        commissionNotifiedOn: ["admin.incidents.errors.date"],
        peopleNotifiedOn: ["admin.incidents.errors.future"],
        measures: ["admin.incidents.errors.tooShort"],
      });
    expect((await getIncident(t.db, admin, id))?.commissionNotifiedOn).toBeNull();

    const done = await updateIncident(
      t.db,
      admin,
      id,
      incidentUpdateSchema.parse({
        commissionNotifiedOn: "2026-11-23",
        peopleNotifiedOn: "2026-11-24",
        measures: "Liste corrigée; avis envoyés.",
      }),
    );
    expect(done).toEqual({ ok: true });
    expect(await getIncident(t.db, admin, id)).toMatchObject({
      commissionNotifiedOn: "2026-11-23",
      peopleNotifiedOn: "2026-11-24",
      measures: "Liste corrigée; avis envoyés.",
    });
    const audit = await t.db.asSystem("test: audit", (tx) =>
      tx
        .selectFrom("audit_log")
        .select(["actor_id", "details"])
        .where("action", "=", "privacy.incident_updated")
        .where("target_id", "=", String(id))
        .execute(),
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]?.actor_id).toBe(admin.id);
    expect(JSON.parse(JSON.stringify(audit[0]?.details))).toEqual({ fields: ["commission_notified_on", "people_notified_on", "measures"] });

    for (const viewer of [member, moderator]) {
      await expect(updateIncident(t.db, viewer, id, incidentUpdateSchema.parse({ measures: "Effacé" }))).rejects.toMatchObject({
        status: 403,
      });
    }
    expect(await updateIncident(t.db, admin, 987654, incidentUpdateSchema.parse({ measures: "Rien" }))).toMatchObject({
      ok: false,
      status: 404,
    });
  });

  it("the CSV export for the Commission has every incident and field, a BOM, neutralised formulas, and is audited", async () => {
    await recordIncident(
      t.db,
      admin,
      incidentSchema.parse({
        ...entry,
        description: '=HYPERLINK("http://example.test","clic")',
        circumstances: "Virgule, « guillemets » et\nretour",
      }),
    );
    const csv = await exportIncidentsCsv(t.db, admin, "fr-CA");
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    const rows: string[][] = parse(csv.slice(1), { relax_column_count: false });
    const [header, ...data] = rows;
    expect(header).toContain("Date de l'avis à la Commission");
    expect(header).toContain("Risque de préjudice sérieux");
    const total = (await listIncidents(t.db, admin)).length;
    expect(data).toHaveLength(total);
    const col = (name: string) => header!.indexOf(name);
    const formula = data.find((r) => r[col("Description des renseignements et de l'incident")]!.includes("HYPERLINK"))!;
    expect(formula[col("Description des renseignements et de l'incident")]).toBe(`'=HYPERLINK("http://example.test","clic")`);
    expect(formula[col("Circonstances")]).toBe("Virgule, « guillemets » et\nretour");
    expect(formula[col("Risque de préjudice sérieux")]).toBe("Non");
    expect(formula[col("Nombre de personnes concernées")]).toBe("12");
    const english = parse((await exportIncidentsCsv(t.db, admin, "en-CA")).slice(1)) as string[][];
    expect(english[0]).toContain("Date of the notice to the Commission");
    const exports = await auditCount("privacy.incidents_exported");
    expect(exports).toBe(2);
    for (const viewer of [member, moderator])
      await expect(exportIncidentsCsv(t.db, viewer, "fr-CA")).rejects.toMatchObject({ status: 403 });
    expect(await auditCount("privacy.incidents_exported")).toBe(2);
  });
});

async function auditCount(action: string) {
  const row = await t.db.asSystem("test: audit count", (tx) =>
    tx
      .selectFrom("audit_log")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("action", "=", action)
      .executeTakeFirstOrThrow(),
  );
  return Number(row.n);
}
