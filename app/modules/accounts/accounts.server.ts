// Accounts: sign-up with separate consents, profiles (public and private parts),
// the member directory, verification by admins and vouching by sponsors, roles.
// Every function acts with the claims of the person asking: RLS is the wall, the
// checks here give people clear answers.
import { sql } from "kysely";
import type { AppServices } from "~/utils/context";
import type { Claims, Database, UserClaims } from "~/utils/db.server";
import type { Role } from "~/utils/db-schema";
import { PRIVACY_VERSION, TERMS_VERSION } from "./consent";
import type { ProfileInput, SignupInput } from "./schemas";

export interface Viewer {
  claims: UserClaims;
  id: string;
  displayName: string;
  verified: boolean;
  roles: Role[];
  locale: "fr-CA" | "en-CA";
}

export type FieldErrors = Record<string, string[]>;
export type Outcome<T = unknown> = ({ ok: true } & T) | { ok: false; fieldErrors?: FieldErrors; formError?: string };

export async function getViewer(db: Database, claims: Claims): Promise<Viewer | null> {
  if (!claims) return null;
  return db.withUser(claims, async (tx) => {
    const profile = await tx.selectFrom("profiles").select(["id", "display_name", "verification_status", "locale"])
      .where("id", "=", claims.sub).executeTakeFirst();
    if (!profile) return null;
    const roles = await tx.selectFrom("user_roles").select("role").where("user_id", "=", claims.sub).execute();
    return {
      claims, id: profile.id, displayName: profile.display_name, verified: profile.verification_status === "verified",
      roles: roles.map((r) => r.role), locale: profile.locale,
    };
  }, { readOnly: true });
}

export function hasRole(viewer: Viewer | null, role: Role): boolean {
  return Boolean(viewer && (viewer.roles.includes(role) || viewer.roles.includes("admin")));
}

export async function createAccount(
  services: Pick<AppServices, "db" | "auth" | "logger">,
  input: SignupInput,
): Promise<Outcome<{ headers: Headers; claims: UserClaims }>> {
  const signed = await services.auth.signUp({ email: input.email, password: input.password, displayName: input.displayName });
  if (!signed.ok) {
    if (signed.error === "email_taken") return { ok: false, fieldErrors: { email: ["errors.email_unavailable"] } };
    if (signed.error === "weak_password") return { ok: false, fieldErrors: { password: ["errors.password_short"] } };
    return { ok: false, formError: "errors.auth_unavailable" };
  }
  try {
    // The new person's own claims: their profile and consents go through RLS like any later edit.
    await services.db.withUser(signed.claims, async (tx) => {
      await tx.insertInto("profiles").values({
        id: signed.userId, display_name: input.displayName, discipline: input.discipline, region_code: input.region,
        establishment: input.establishment ?? null, establishment_kind: input.establishmentKind ?? null,
        languages: input.languages, topics: input.topics, bio: null, directory_opt_in: input.directoryOptIn,
      }).execute();
      await tx.insertInto("profile_private").values({
        user_id: signed.userId, contact_email: input.email, order_code: input.orderCode ?? null,
        permit_number: input.permitNumber ?? null,
      }).execute();
      await tx.insertInto("consents").values([
        { user_id: signed.userId, kind: "terms", version: TERMS_VERSION, granted: true },
        { user_id: signed.userId, kind: "privacy", version: PRIVACY_VERSION, granted: true },
      ]).execute();
    });
  } catch (error) {
    services.logger.error({ err: error }, "profile creation failed after sign-up");
    if (services.auth.kind === "local") {
      // Never leave an account without its profile and consents.
      await services.db.asSystem("accounts: undo half-created account", (tx) =>
        tx.deleteFrom("auth.users").where("id", "=", signed.userId).execute());
    }
    return { ok: false, formError: "errors.signup_failed" };
  }
  return { ok: true, headers: signed.headers, claims: signed.claims };
}

export async function getMyProfile(db: Database, viewer: Viewer) {
  return db.withUser(viewer.claims, async (tx) => {
    const profile = await tx.selectFrom("profiles").selectAll().where("id", "=", viewer.id).executeTakeFirstOrThrow();
    const priv = await tx.selectFrom("profile_private").selectAll().where("user_id", "=", viewer.id).executeTakeFirst();
    const consents = await tx.selectFrom("consents").select(["kind", "version", "granted", "created_at"])
      .where("user_id", "=", viewer.id).orderBy("created_at", "desc").orderBy("id", "desc").execute();
    const verification = await tx.selectFrom("verifications").select(["decision", "method", "created_at"])
      .where("user_id", "=", viewer.id).orderBy("created_at", "desc").executeTakeFirst();
    return { profile, private: priv ?? null, consents, verification: verification ?? null };
  }, { readOnly: true });
}

export async function updateMyProfile(db: Database, viewer: Viewer, input: ProfileInput): Promise<void> {
  await db.withUser(viewer.claims, async (tx) => {
    await tx.updateTable("profiles").set({
      display_name: input.displayName, discipline: input.discipline, region_code: input.region,
      establishment: input.establishment ?? null, establishment_kind: input.establishmentKind ?? null,
      languages: input.languages, topics: input.topics, bio: input.bio ?? null,
      directory_opt_in: input.directoryOptIn, locale: input.locale,
    }).where("id", "=", viewer.id).execute();
    await tx.updateTable("profile_private").set({
      order_code: input.orderCode ?? null, permit_number: input.permitNumber ?? null,
    }).where("user_id", "=", viewer.id).execute();
  });
}

export const DIRECTORY_PAGE_SIZE = 50;

export async function listDirectory(db: Database, viewer: Viewer, filters: { q?: string; region?: string; discipline?: string }) {
  return db.withUser(viewer.claims, async (tx) => {
    let query = tx.selectFrom("profiles")
      .select(["id", "display_name", "discipline", "region_code", "establishment", "languages", "topics", "bio"])
      .where("directory_opt_in", "=", true)
      .where("verification_status", "=", "verified");
    if (filters.region) query = query.where("region_code", "=", filters.region);
    if (filters.discipline) query = query.where("discipline", "=", filters.discipline);
    if (filters.q) query = query.where(sql<boolean>`display_name ilike ${"%" + filters.q.replace(/[%_\\]/g, (c) => "\\" + c) + "%"}`);
    const people = await query.orderBy("display_name").limit(DIRECTORY_PAGE_SIZE).execute();
    const roles = people.length
      ? await tx.selectFrom("user_roles").select(["user_id", "role"]).where("user_id", "in", people.map((p) => p.id)).execute()
      : [];
    return people.map((p) => ({ ...p, roles: roles.filter((r) => r.user_id === p.id).map((r) => r.role) }));
  }, { readOnly: true });
}

export async function listMembersForAdmin(db: Database, viewer: Viewer, filter: { status?: "unverified" | "verified" }) {
  return db.withUser(viewer.claims, async (tx) => {
    let query = tx.selectFrom("profiles")
      .leftJoin("profile_private as pp", "pp.user_id", "profiles.id")
      .select(["profiles.id", "profiles.display_name", "profiles.discipline", "profiles.region_code",
        "profiles.verification_status", "profiles.created_at", "pp.contact_email", "pp.order_code", "pp.permit_number"]);
    if (filter.status) query = query.where("profiles.verification_status", "=", filter.status);
    const members = await query.orderBy("profiles.created_at", "desc").limit(200).execute();
    const roles = members.length
      ? await tx.selectFrom("user_roles").select(["user_id", "role"]).where("user_id", "in", members.map((m) => m.id)).execute()
      : [];
    return members.map((m) => ({ ...m, roles: roles.filter((r) => r.user_id === m.id).map((r) => r.role) }));
  }, { readOnly: true });
}

export async function getMemberForAdmin(db: Database, viewer: Viewer, id: string) {
  return db.withUser(viewer.claims, async (tx) => {
    const profile = await tx.selectFrom("profiles").selectAll().where("id", "=", id).executeTakeFirst();
    if (!profile) return null;
    const priv = await tx.selectFrom("profile_private").selectAll().where("user_id", "=", id).executeTakeFirst();
    const roles = await tx.selectFrom("user_roles").select("role").where("user_id", "=", id).execute();
    const history = await tx.selectFrom("verifications")
      .leftJoin("profiles as v", "v.id", "verifications.verified_by")
      .select(["verifications.decision", "verifications.method", "verifications.note", "verifications.created_at", "v.display_name as verifier"])
      .where("verifications.user_id", "=", id).orderBy("verifications.created_at", "desc").execute();
    return { profile, private: priv ?? null, roles: roles.map((r) => r.role), history };
  }, { readOnly: true });
}

export async function verifyMember(
  db: Database, viewer: Viewer,
  input: { userId: string; decision: "verified" | "revoked"; method: "order_register" | "admin_review"; note: string },
): Promise<Outcome> {
  if (input.userId === viewer.id) return { ok: false, formError: "errors.cannot_verify_self" };
  return db.withUser(viewer.claims, async (tx) => {
    const target = await tx.selectFrom("profiles").select("id").where("id", "=", input.userId).executeTakeFirst();
    if (!target) return { ok: false as const, formError: "errors.not_found" };
    await tx.insertInto("verifications").values({
      user_id: input.userId, decision: input.decision, method: input.method, verified_by: viewer.id, note: input.note,
    }).execute();
    return { ok: true as const };
  });
}

export async function setRoles(db: Database, viewer: Viewer, input: { userId: string; roles: Role[] }): Promise<Outcome> {
  if (input.userId === viewer.id && !input.roles.includes("admin")) {
    return { ok: false, fieldErrors: { roles: ["errors.cannot_drop_own_admin"] } };
  }
  return db.withUser(viewer.claims, async (tx) => {
    const target = await tx.selectFrom("profiles").select("id").where("id", "=", input.userId).executeTakeFirst();
    if (!target) return { ok: false as const, formError: "errors.not_found" };
    const current = (await tx.selectFrom("user_roles").select("role").where("user_id", "=", input.userId).execute()).map((r) => r.role);
    const toRemove = current.filter((r) => !input.roles.includes(r));
    const toAdd = input.roles.filter((r) => !current.includes(r));
    if (toRemove.length) await tx.deleteFrom("user_roles").where("user_id", "=", input.userId).where("role", "in", toRemove).execute();
    if (toAdd.length) {
      await tx.insertInto("user_roles").values(toAdd.map((role) => ({ user_id: input.userId, role, granted_by: viewer.id }))).execute();
    }
    return { ok: true as const };
  });
}

/** Peer helpers and community workers waiting for a sponsor (RLS shows them to sponsors only). */
export async function listVouchCandidates(db: Database, viewer: Viewer) {
  return db.withUser(viewer.claims, (tx) =>
    tx.selectFrom("profiles")
      .innerJoin("disciplines as d", "d.code", "profiles.discipline")
      .select(["profiles.id", "profiles.display_name", "profiles.discipline", "profiles.region_code", "profiles.establishment", "profiles.created_at"])
      .where("profiles.verification_status", "=", "unverified")
      .where("d.verified_by_sponsor", "=", true)
      .where("profiles.id", "<>", viewer.id)
      .orderBy("profiles.created_at").limit(100).execute(),
    { readOnly: true });
}

export async function vouchFor(db: Database, viewer: Viewer, input: { userId: string; note: string }): Promise<Outcome> {
  return db.withUser(viewer.claims, async (tx) => {
    const target = await tx.selectFrom("profiles").innerJoin("disciplines as d", "d.code", "profiles.discipline")
      .select(["profiles.id", "profiles.verification_status", "d.verified_by_sponsor"])
      .where("profiles.id", "=", input.userId).executeTakeFirst();
    if (!target || !target.verified_by_sponsor) return { ok: false as const, formError: "errors.not_vouchable" };
    if (target.verification_status === "verified") return { ok: false as const, formError: "errors.already_verified" };
    await tx.insertInto("verifications").values({
      user_id: input.userId, decision: "verified", method: "sponsor", verified_by: viewer.id, note: input.note,
    }).execute();
    return { ok: true as const };
  });
}

export async function listAudit(db: Database, viewer: Viewer, limit = 100) {
  return db.withUser(viewer.claims, (tx) =>
    tx.selectFrom("audit_log")
      .leftJoin("profiles as actor", "actor.id", "audit_log.actor_id")
      .leftJoin("profiles as target", (join) => join.on(sql`target.id::text`, "=", sql.ref("audit_log.target_id")))
      .select(["audit_log.id", "audit_log.action", "audit_log.details", "audit_log.created_at",
        "actor.display_name as actor_name", "target.display_name as target_name"])
      .orderBy("audit_log.id", "desc").limit(limit).execute(),
    { readOnly: true });
}

export async function listReference(db: Database, claims: Claims) {
  return db.withUser(claims, async (tx) => ({
    regions: await tx.selectFrom("regions").selectAll().orderBy("code").execute(),
    disciplines: await tx.selectFrom("disciplines").selectAll().orderBy("sort_order").execute(),
    topics: await tx.selectFrom("topics").selectAll().orderBy("sort_order").execute(),
  }), { readOnly: true });
}
