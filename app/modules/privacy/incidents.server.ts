// The register of confidentiality incidents and the privacy figures admins watch.
// The register is read and written as the admin (RLS: admins only); each read of the
// register and each entry is in the audit log. The figures about export and deletion
// requests are counts only, read on the system path after the admin check (members'
// requests are theirs alone under RLS, admins included).
import type { Viewer } from "~/modules/accounts/accounts.server";
import { hasRole } from "~/modules/accounts/accounts.server";
import type { Selectable } from "kysely";
import type { Database } from "~/utils/db.server";
import type { DB } from "~/utils/db-schema";
import type { Locale } from "~/utils/i18n";
import { translate } from "~/utils/i18n.server";
import { refused, type Outcome } from "~/utils/outcome";
import type { IncidentInput, IncidentUpdateInput } from "./incident-schema";
import { spreadsheetCsv } from "~/utils/csv.server";

export interface IncidentView {
  id: number;
  description: string;
  circumstances: string;
  occurredFrom: string;
  occurredTo: string | null;
  discoveredOn: string;
  peopleCount: number;
  informationConcerned: string;
  seriousRisk: boolean;
  riskAssessment: string;
  commissionNotifiedOn: string | null;
  peopleNotifiedOn: string | null;
  measures: string;
  createdAt: string;
}

const day = (value: Date | string | null) =>
  value === null ? null : typeof value === "string" ? value.slice(0, 10) : value.toISOString().slice(0, 10);

/** The audit log is written on the system path only (members cannot write it); always after the admin check. */
async function audit(db: Database, actorId: string, action: string, targetId: number | null, details: Record<string, unknown> = {}) {
  await db.asSystem("privacy: audit the incident register", (tx) =>
    tx
      .insertInto("audit_log")
      .values({
        actor_id: actorId,
        action,
        target_type: "privacy_incident",
        target_id: targetId === null ? null : String(targetId),
        details: JSON.stringify(details),
      })
      .execute(),
  );
}

function requireAdmin(viewer: Viewer) {
  if (!hasRole(viewer, "admin")) throw new Response("forbidden", { status: 403, statusText: "Forbidden" });
}

/** The whole register, newest first; the read itself is recorded (who looked, when). */
export async function listIncidents(db: Database, viewer: Viewer): Promise<IncidentView[]> {
  requireAdmin(viewer);
  // Recorded before the read: no read of the register goes unlogged.
  await audit(db, viewer.id, "privacy.incidents_read", null);
  return db.withUser(viewer.claims, async (tx) => {
    const rows = await tx.selectFrom("privacy_incidents").selectAll().orderBy("discovered_on", "desc").orderBy("id", "desc").execute();
    return rows.map(toView);
  });
}

function toView(r: Selectable<DB["privacy_incidents"]>): IncidentView {
  return {
    id: Number(r.id),
    description: r.description,
    circumstances: r.circumstances,
    occurredFrom: day(r.occurred_from)!,
    occurredTo: day(r.occurred_to),
    discoveredOn: day(r.discovered_on)!,
    peopleCount: r.people_count,
    informationConcerned: r.information_concerned,
    seriousRisk: r.serious_risk,
    riskAssessment: r.risk_assessment,
    commissionNotifiedOn: day(r.commission_notified_on),
    peopleNotifiedOn: day(r.people_notified_on),
    measures: r.measures,
    createdAt: new Date(r.created_at).toISOString(),
  };
}

export async function recordIncident(db: Database, viewer: Viewer, input: IncidentInput): Promise<Outcome<{ id: number }>> {
  requireAdmin(viewer);
  // The entry and its audit line commit together: the table's trigger writes the audit
  // entry inside this transaction (members, admins included, cannot write the log).
  const id = await db.withUser(viewer.claims, async (tx) => {
    const row = await tx
      .insertInto("privacy_incidents")
      .values({
        description: input.description,
        circumstances: input.circumstances,
        occurred_from: input.occurredFrom,
        occurred_to: input.occurredTo ?? null,
        discovered_on: input.discoveredOn,
        people_count: input.peopleCount,
        information_concerned: input.informationConcerned,
        serious_risk: input.seriousRisk === "yes",
        risk_assessment: input.riskAssessment,
        commission_notified_on: input.commissionNotifiedOn ?? null,
        people_notified_on: input.peopleNotifiedOn ?? null,
        measures: input.measures,
        recorded_by: viewer.id,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    return Number(row.id);
  });
  return { ok: true, id };
}

/** One entry, for its edit page; the read is recorded like the register's. */
export async function getIncident(db: Database, viewer: Viewer, id: number): Promise<IncidentView | null> {
  requireAdmin(viewer);
  await audit(db, viewer.id, "privacy.incidents_read", id);
  const row = await db.withUser(
    viewer.claims,
    (tx) => tx.selectFrom("privacy_incidents").selectAll().where("id", "=", id).executeTakeFirst(),
    {
      readOnly: true,
    },
  );
  return row ? toView(row) : null;
}

/**
 * The notices (to the Commission, to the people concerned) and the measures, recorded after
 * the entry. A notice cannot precede the day the incident became known (400 naming the
 * field; the table's CHECK says the same). The change and its audit line commit together.
 */
export async function updateIncident(db: Database, viewer: Viewer, id: number, input: IncidentUpdateInput): Promise<Outcome> {
  requireAdmin(viewer);
  return db.withUser(viewer.claims, async (tx) => {
    const current = await tx.selectFrom("privacy_incidents").select(["discovered_on"]).where("id", "=", id).executeTakeFirst();
    if (!current) return refused(404, "errors.not_found");
    const known = day(current.discovered_on)!;
    const fieldErrors: Record<string, string[]> = {};
    for (const key of ["commissionNotifiedOn", "peopleNotifiedOn"] as const) {
      const value = input[key];
      if (value && value < known) fieldErrors[key] = ["admin.incidents.errors.noticeOrder"];
    }
    if (Object.keys(fieldErrors).length) return refused(400, undefined, { fieldErrors });
    await tx
      .updateTable("privacy_incidents")
      .set({
        commission_notified_on: input.commissionNotifiedOn ?? null,
        people_notified_on: input.peopleNotifiedOn ?? null,
        measures: input.measures,
      })
      .where("id", "=", id)
      .execute();
    return { ok: true as const };
  });
}

/** The register's columns for the Commission, in the regulation's order. */
const CSV_COLUMNS = [
  ["id", "number"],
  ["description", "description"],
  ["circumstances", "circumstances"],
  ["occurredFrom", "occurredFrom"],
  ["occurredTo", "occurredTo"],
  ["discoveredOn", "discoveredOn"],
  ["peopleCount", "peopleCount"],
  ["informationConcerned", "informationConcerned"],
  ["seriousRisk", "seriousRisk"],
  ["riskAssessment", "riskAssessment"],
  ["commissionNotifiedOn", "commissionNotifiedOn"],
  ["peopleNotifiedOn", "peopleNotifiedOn"],
  ["measures", "measures"],
  ["createdAt", "createdAt"],
] as const satisfies ReadonlyArray<readonly [keyof IncidentView, string]>;

/**
 * The whole register as CSV for the Commission d'accès à l'information: headers in the admin's language,
 * one row per incident. The export itself is in the audit log, before anything is read.
 */
export async function exportIncidentsCsv(db: Database, viewer: Viewer, locale: Locale): Promise<string> {
  requireAdmin(viewer);
  await audit(db, viewer.id, "privacy.incidents_exported", null);
  const incidents = await db.withUser(
    viewer.claims,
    (tx) => tx.selectFrom("privacy_incidents").selectAll().orderBy("discovered_on", "asc").orderBy("id", "asc").execute(),
    { readOnly: true },
  );
  const yesNo = (v: boolean) => translate(locale, v ? "admin.incidents.yes" : "admin.incidents.no");
  const header = CSV_COLUMNS.map(([, label]) => translate(locale, `admin.incidents.csv.${label}`));
  const rows = incidents.map((row) => {
    const view = toView(row);
    return CSV_COLUMNS.map(([key]) => {
      const value = view[key];
      if (typeof value === "boolean") return yesNo(value);
      if (value === null) return "";
      return typeof value === "string" ? value : String(value);
    });
  });
  return spreadsheetCsv(header, rows);
}

export interface PrivacyFigures {
  pendingExports: number;
  readyExports: number;
  pendingDeletions: number;
  /** Pending deletions due within 7 days. */
  deletionsDueSoon: number;
  incidents: number;
  seriousIncidents: number;
  /** Incidents with a risk of serious injury whose notice to the Commission or to the people is not recorded yet. */
  seriousUnnotified: number;
}

export async function privacyFigures(db: Database, viewer: Viewer, now = new Date()): Promise<PrivacyFigures> {
  requireAdmin(viewer);
  const soon = new Date(now.getTime() + 7 * 86_400_000);
  const requests = await db.asSystem("privacy: request counts for the admin dashboard", (tx) =>
    tx
      .selectFrom("privacy_requests")
      .select((eb) => [
        eb.fn.countAll<number>().filterWhere("kind", "=", "export").filterWhere("status", "=", "pending").as("pendingExports"),
        eb.fn.countAll<number>().filterWhere("kind", "=", "export").filterWhere("status", "=", "ready").as("readyExports"),
        eb.fn.countAll<number>().filterWhere("kind", "=", "deletion").filterWhere("status", "=", "pending").as("pendingDeletions"),
        eb.fn
          .countAll<number>()
          .filterWhere("kind", "=", "deletion")
          .filterWhere("status", "=", "pending")
          .filterWhere("due_at", "<=", soon)
          .as("deletionsDueSoon"),
      ])
      .executeTakeFirstOrThrow(),
  );
  const incidents = await db.withUser(
    viewer.claims,
    (tx) =>
      tx
        .selectFrom("privacy_incidents")
        .select((eb) => [
          eb.fn.countAll<number>().as("incidents"),
          eb.fn.countAll<number>().filterWhere("serious_risk", "=", true).as("seriousIncidents"),
          eb.fn
            .countAll<number>()
            .filterWhere("serious_risk", "=", true)
            .filterWhere((w) => w.or([w("commission_notified_on", "is", null), w("people_notified_on", "is", null)]))
            .as("seriousUnnotified"),
        ])
        .executeTakeFirstOrThrow(),
    { readOnly: true },
  );
  return {
    pendingExports: Number(requests.pendingExports),
    readyExports: Number(requests.readyExports),
    pendingDeletions: Number(requests.pendingDeletions),
    deletionsDueSoon: Number(requests.deletionsDueSoon),
    incidents: Number(incidents.incidents),
    seriousIncidents: Number(incidents.seriousIncidents),
    seriousUnnotified: Number(incidents.seriousUnnotified),
  };
}
