// The register of confidentiality incidents and the privacy figures admins watch.
// The register is read and written as the admin (RLS: admins only); each read of the
// register and each entry is in the audit log. The figures about export and deletion
// requests are counts only, read on the system path after the admin check (members'
// requests are theirs alone under RLS, admins included).
import type { Viewer } from "~/modules/accounts/accounts.server";
import { hasRole } from "~/modules/accounts/accounts.server";
import type { Database } from "~/utils/db.server";
import type { Outcome } from "~/utils/outcome";
import type { IncidentInput } from "./incident-schema";

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
    return rows.map((r) => ({
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
    }));
  });
}

export async function recordIncident(db: Database, viewer: Viewer, input: IncidentInput): Promise<Outcome<{ id: number }>> {
  requireAdmin(viewer);
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
  await audit(db, viewer.id, "privacy.incident_recorded", id);
  return { ok: true, id };
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
