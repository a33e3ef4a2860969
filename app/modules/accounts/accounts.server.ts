// Accounts: sign-up with separate consents, profiles (public and private parts),
// the member directory, verification by admins and vouching by sponsors, roles.
// Every function acts with the claims of the person asking: RLS is the wall, the
// checks here give people clear answers.
import { sql } from "kysely";
import type { AppServices } from "~/utils/context";
import type { Claims, Database, UserClaims } from "~/utils/db.server";
import type { Role } from "~/utils/db-schema";
import { labelOf, type Locale } from "~/utils/i18n";
import { auditLookupIds, describeAudit } from "./audit-summary.server";
import { PRIVACY_VERSION, staleNotices, TERMS_VERSION, type NoticeKind } from "./consent";
import { localeOfEmail, signupAttemptEmail, welcomeEmail } from "./emails.server";
import { permitState, type PermitState } from "./permits.server";
import type { ProfileInput, SignupInput } from "./schemas";
import { refused, type FieldErrors, type Outcome } from "~/utils/outcome";

export interface Viewer {
  claims: UserClaims;
  id: string;
  displayName: string;
  verified: boolean;
  roles: Role[];
  locale: "fr-CA" | "en-CA";
  /** Notices whose current version the member has not accepted yet (asked at /consent). */
  staleNotices?: NoticeKind[];
  /** The professional permit the verification rests on, when the admin recorded its expiry. */
  permit?: PermitState | null;
}

export type { FieldErrors, Outcome, PermitState };
export {
  listReverification,
  PERMIT_DAILY_JOB,
  PERMIT_REMIND_JOB,
  PERMIT_REMINDER_DAYS,
  runPermitsDaily,
  sendPermitReminder,
  submitPermitRenewal,
  type ReverificationRow,
} from "./permits.server";

interface ViewerRow {
  id: string;
  display_name: string;
  verification_status: string;
  locale: "fr-CA" | "en-CA";
  roles: Role[];
  permit: { expires_on: string; lapsed_at: string | null; renewal_expires_on: string | null; provisional: boolean } | null;
  consents: { kind: string; version: string; granted: boolean }[];
}

/**
 * The signed-in person, read on every request: profile, roles, permit and the latest
 * decision per notice in ONE statement (subqueries aggregated to JSON), so a request
 * pays one round trip for it, not four. Read with her claims: RLS limits each
 * subquery to her own rows exactly as the separate reads did.
 */
export async function getViewer(db: Database, claims: Claims, now = new Date()): Promise<Viewer | null> {
  if (!claims) return null;
  return db.withUser(
    claims,
    async (tx) => {
      // The latest decision per notice: `distinct on` over consents_user_idx, as before.
      const { rows } = await sql<ViewerRow>`
      select p.id, p.display_name, p.verification_status, p.locale,
             coalesce((select json_agg(r.role order by r.role) from public.user_roles r where r.user_id = p.id), '[]'::json) as roles,
             (select json_build_object('expires_on', m.expires_on, 'lapsed_at', m.lapsed_at,
                                       'renewal_expires_on', m.renewal_expires_on, 'provisional', m.provisional)
                from public.member_permits m where m.user_id = p.id) as permit,
             coalesce((select json_agg(json_build_object('kind', c.kind, 'version', c.version, 'granted', c.granted))
                         from (select distinct on (kind) kind, version, granted from public.consents
                                where user_id = p.id and kind in ('terms', 'privacy')
                                order by kind, created_at desc, id desc) c), '[]'::json) as consents
        from public.profiles p
       where p.id = ${claims.sub}::uuid`.execute(tx);
      const row = rows[0];
      if (!row) return null;
      return {
        claims,
        id: row.id,
        displayName: row.display_name,
        verified: row.verification_status === "verified",
        roles: row.roles,
        locale: row.locale,
        staleNotices: staleNotices(row.consents),
        permit: row.permit ? permitState(row.permit, now) : null,
      };
    },
    // Read on every page: start, statement and commit in one round trip.
    { readOnly: true, oneStatement: true },
  );
}

/**
 * Records the member's acceptance of the current version of each notice given, with
 * the time (the consents row), through RLS: a member writes only her own consents.
 */
export async function acceptNotices(db: Database, viewer: Viewer, kinds: readonly NoticeKind[]): Promise<void> {
  if (kinds.length === 0) return;
  const versions = { terms: TERMS_VERSION, privacy: PRIVACY_VERSION };
  await db.withUser(viewer.claims, (tx) =>
    tx
      .insertInto("consents")
      .values(kinds.map((kind) => ({ user_id: viewer.id, kind, version: versions[kind], granted: true })))
      .execute(),
  );
}

export function hasRole(viewer: Viewer | null, role: Role): boolean {
  return Boolean(viewer && (viewer.roles.includes(role) || viewer.roles.includes("admin")));
}

/**
 * Sign-up answers the same whether the address was free or already has an account
 * ("check your email"), so the form cannot tell anyone who is registered. A new member
 * gets a welcome email and signs in; the owner of a taken address is told that someone
 * tried, with links to sign in or reset her password.
 */
export async function createAccount(
  services: Pick<AppServices, "db" | "auth" | "logger" | "mail" | "env">,
  input: SignupInput,
  locale: Locale,
): Promise<Outcome> {
  const signed = await services.auth.signUp({ email: input.email, password: input.password, displayName: input.displayName });
  const links = { login: `${services.env.publicUrl}/login`, reset: `${services.env.publicUrl}/password/forgot` };
  if (!signed.ok) {
    if (signed.error === "email_taken") {
      await services.db.asSystem("accounts: tell an address's owner someone tried to sign up with it", async (tx) => {
        const ownerLocale = await localeOfEmail(tx, input.email);
        await services.mail.enqueue({ to: input.email, kind: "signup_attempt", ...signupAttemptEmail(ownerLocale, links) }, tx);
      });
      return { ok: true };
    }
    if (signed.error === "weak_password") return refused(400, undefined, { fieldErrors: { password: ["errors.password_short"] } });
    return refused(503, "errors.auth_unavailable");
  }
  try {
    // The new person's own claims: their profile and consents go through RLS like any later edit.
    await services.db.withUser(signed.claims, async (tx) => {
      await tx
        .insertInto("profiles")
        .values({
          id: signed.userId,
          display_name: input.displayName,
          discipline: input.discipline,
          region_code: input.region,
          establishment: input.establishment ?? null,
          establishment_kind: input.establishmentKind ?? null,
          languages: input.languages,
          topics: input.topics,
          bio: null,
          directory_opt_in: input.directoryOptIn,
          locale,
        })
        .execute();
      await tx
        .insertInto("profile_private")
        .values({
          user_id: signed.userId,
          contact_email: input.email,
          order_code: input.orderCode ?? null,
          permit_number: input.permitNumber ?? null,
        })
        .execute();
      await tx
        .insertInto("consents")
        .values([
          { user_id: signed.userId, kind: "terms", version: TERMS_VERSION, granted: true },
          { user_id: signed.userId, kind: "privacy", version: PRIVACY_VERSION, granted: true },
        ])
        .execute();
    });
  } catch (error) {
    services.logger.error({ err: error }, "profile creation failed after sign-up");
    if (services.auth.kind === "local") {
      // Never leave an account without its profile and consents.
      await services.db.asSystem("accounts: undo half-created account", (tx) =>
        tx.deleteFrom("auth.users").where("id", "=", signed.userId).execute(),
      );
    }
    return refused(400, "errors.signup_failed");
  }
  // Supabase Auth with email confirmation sends its own confirmation email instead.
  if (!signed.needsEmailConfirmation) {
    await services.mail.enqueue({
      to: input.email,
      kind: "welcome",
      ...welcomeEmail(locale, { name: input.displayName, login: links.login }),
    });
  }
  return { ok: true };
}

export async function getMyProfile(db: Database, viewer: Viewer) {
  return db.withUser(
    viewer.claims,
    async (tx) => {
      const profile = await tx.selectFrom("profiles").selectAll().where("id", "=", viewer.id).executeTakeFirstOrThrow();
      const priv = await tx.selectFrom("profile_private").selectAll().where("user_id", "=", viewer.id).executeTakeFirst();
      const consents = await tx
        .selectFrom("consents")
        .select(["kind", "version", "granted", "created_at"])
        .where("user_id", "=", viewer.id)
        .orderBy("created_at", "desc")
        .orderBy("id", "desc")
        .execute();
      const verification = await tx
        .selectFrom("verifications")
        .select(["decision", "method", "created_at"])
        .where("user_id", "=", viewer.id)
        .orderBy("created_at", "desc")
        .executeTakeFirst();
      return { profile, private: priv ?? null, consents, verification: verification ?? null };
    },
    { readOnly: true },
  );
}

export async function updateMyProfile(db: Database, viewer: Viewer, input: ProfileInput): Promise<void> {
  await db.withUser(viewer.claims, async (tx) => {
    await tx
      .updateTable("profiles")
      .set({
        display_name: input.displayName,
        discipline: input.discipline,
        region_code: input.region,
        establishment: input.establishment ?? null,
        establishment_kind: input.establishmentKind ?? null,
        languages: input.languages,
        topics: input.topics,
        bio: input.bio ?? null,
        directory_opt_in: input.directoryOptIn,
        locale: input.locale,
      })
      .where("id", "=", viewer.id)
      .execute();
    await tx
      .updateTable("profile_private")
      .set({
        order_code: input.orderCode ?? null,
        permit_number: input.permitNumber ?? null,
      })
      .where("user_id", "=", viewer.id)
      .execute();
  });
}

export const DIRECTORY_PAGE_SIZE = 50;

export async function listDirectory(db: Database, viewer: Viewer, filters: { q?: string; region?: string; discipline?: string }) {
  return db.withUser(
    viewer.claims,
    async (tx) => {
      let query = tx
        .selectFrom("profiles")
        .select(["id", "display_name", "discipline", "region_code", "establishment", "languages", "topics", "bio"])
        .where("directory_opt_in", "=", true)
        .where("verification_status", "=", "verified");
      if (filters.region) query = query.where("region_code", "=", filters.region);
      if (filters.discipline) query = query.where("discipline", "=", filters.discipline);
      if (filters.q) query = query.where(sql<boolean>`display_name ilike ${"%" + filters.q.replace(/[%_\\]/g, (c) => "\\" + c) + "%"}`);
      const people = await query.orderBy("display_name").limit(DIRECTORY_PAGE_SIZE).execute();
      const roles = people.length
        ? await tx
            .selectFrom("user_roles")
            .select(["user_id", "role"])
            .where(
              "user_id",
              "in",
              people.map((p) => p.id),
            )
            .execute()
        : [];
      return people.map((p) => ({ ...p, roles: roles.filter((r) => r.user_id === p.id).map((r) => r.role) }));
    },
    { readOnly: true },
  );
}

export async function listMembersForAdmin(db: Database, viewer: Viewer, filter: { status?: "unverified" | "verified" }) {
  return db.withUser(
    viewer.claims,
    async (tx) => {
      let query = tx
        .selectFrom("profiles")
        .leftJoin("profile_private as pp", "pp.user_id", "profiles.id")
        .select([
          "profiles.id",
          "profiles.display_name",
          "profiles.discipline",
          "profiles.region_code",
          "profiles.verification_status",
          "profiles.created_at",
          "pp.contact_email",
          "pp.order_code",
          "pp.permit_number",
        ]);
      if (filter.status) query = query.where("profiles.verification_status", "=", filter.status);
      const members = await query.orderBy("profiles.created_at", "desc").limit(200).execute();
      const roles = members.length
        ? await tx
            .selectFrom("user_roles")
            .select(["user_id", "role"])
            .where(
              "user_id",
              "in",
              members.map((m) => m.id),
            )
            .execute()
        : [];
      return members.map((m) => ({ ...m, roles: roles.filter((r) => r.user_id === m.id).map((r) => r.role) }));
    },
    { readOnly: true },
  );
}

export async function getMemberForAdmin(db: Database, viewer: Viewer, id: string) {
  return db.withUser(
    viewer.claims,
    async (tx) => {
      const profile = await tx.selectFrom("profiles").selectAll().where("id", "=", id).executeTakeFirst();
      if (!profile) return null;
      const priv = await tx.selectFrom("profile_private").selectAll().where("user_id", "=", id).executeTakeFirst();
      const roles = await tx.selectFrom("user_roles").select("role").where("user_id", "=", id).execute();
      const history = await tx
        .selectFrom("verifications")
        .leftJoin("profiles as v", "v.id", "verifications.verified_by")
        .select([
          "verifications.decision",
          "verifications.method",
          "verifications.note",
          "verifications.permit_expires_on",
          "verifications.created_at",
          "v.display_name as verifier",
        ])
        .where("verifications.user_id", "=", id)
        .orderBy("verifications.created_at", "desc")
        .execute();
      const permit = await tx
        .selectFrom("member_permits")
        .select(["expires_on", "lapsed_at", "renewal_expires_on", "provisional"])
        .where("user_id", "=", id)
        .executeTakeFirst();
      return { profile, private: priv ?? null, roles: roles.map((r) => r.role), history, permit: permit ? permitState(permit) : null };
    },
    { readOnly: true },
  );
}

export async function verifyMember(
  db: Database,
  viewer: Viewer,
  input: {
    userId: string;
    decision: "verified" | "revoked";
    method: "order_register" | "admin_review";
    note: string;
    permitExpiresOn?: string;
  },
): Promise<Outcome> {
  if (input.userId === viewer.id) return refused(400, "errors.cannot_verify_self");
  return db.withUser(viewer.claims, async (tx) => {
    const target = await tx.selectFrom("profiles").select("id").where("id", "=", input.userId).executeTakeFirst();
    if (!target) return refused(400, "errors.not_found");
    await tx
      .insertInto("verifications")
      .values({
        user_id: input.userId,
        decision: input.decision,
        method: input.method,
        verified_by: viewer.id,
        note: input.note,
        permit_expires_on: input.decision === "verified" ? (input.permitExpiresOn ?? null) : null,
      })
      .execute();
    return { ok: true as const };
  });
}

export async function setRoles(db: Database, viewer: Viewer, input: { userId: string; roles: Role[] }): Promise<Outcome> {
  if (input.userId === viewer.id && !input.roles.includes("admin")) {
    return refused(400, undefined, { fieldErrors: { roles: ["errors.cannot_drop_own_admin"] } });
  }
  return db.withUser(viewer.claims, async (tx) => {
    const target = await tx.selectFrom("profiles").select("id").where("id", "=", input.userId).executeTakeFirst();
    if (!target) return refused(400, "errors.not_found");
    const current = (await tx.selectFrom("user_roles").select("role").where("user_id", "=", input.userId).execute()).map((r) => r.role);
    const toRemove = current.filter((r) => !input.roles.includes(r));
    const toAdd = input.roles.filter((r) => !current.includes(r));
    if (toRemove.length) await tx.deleteFrom("user_roles").where("user_id", "=", input.userId).where("role", "in", toRemove).execute();
    if (toAdd.length) {
      await tx
        .insertInto("user_roles")
        .values(toAdd.map((role) => ({ user_id: input.userId, role, granted_by: viewer.id })))
        .execute();
    }
    return { ok: true as const };
  });
}

/** Peer helpers and community workers waiting for a sponsor (RLS shows them to sponsors only). */
export async function listVouchCandidates(db: Database, viewer: Viewer) {
  return db.withUser(
    viewer.claims,
    (tx) =>
      tx
        .selectFrom("profiles")
        .innerJoin("disciplines as d", "d.code", "profiles.discipline")
        .select([
          "profiles.id",
          "profiles.display_name",
          "profiles.discipline",
          "profiles.region_code",
          "profiles.establishment",
          "profiles.created_at",
        ])
        .where("profiles.verification_status", "=", "unverified")
        .where("d.verified_by_sponsor", "=", true)
        .where("profiles.id", "<>", viewer.id)
        .orderBy("profiles.created_at")
        .limit(100)
        .execute(),
    { readOnly: true },
  );
}

export async function vouchFor(db: Database, viewer: Viewer, input: { userId: string; note: string }): Promise<Outcome> {
  return db.withUser(viewer.claims, async (tx) => {
    const target = await tx
      .selectFrom("profiles")
      .innerJoin("disciplines as d", "d.code", "profiles.discipline")
      .select(["profiles.id", "profiles.verification_status", "d.verified_by_sponsor"])
      .where("profiles.id", "=", input.userId)
      .executeTakeFirst();
    if (!target || !target.verified_by_sponsor) return refused(400, "errors.not_vouchable");
    if (target.verification_status === "verified") return refused(400, "errors.already_verified");
    await tx
      .insertInto("verifications")
      .values({
        user_id: input.userId,
        decision: "verified",
        method: "sponsor",
        verified_by: viewer.id,
        note: input.note,
      })
      .execute();
    return { ok: true as const };
  });
}

/** The latest audit entries, each with its details summarised for a reader in `locale` (names looked up, not ids). */
export async function listAudit(db: Database, viewer: Viewer, locale: Locale, limit = 100) {
  return db.withUser(
    viewer.claims,
    async (tx) => {
      const entries = await tx
        .selectFrom("audit_log")
        .leftJoin("profiles as actor", "actor.id", "audit_log.actor_id")
        .leftJoin("profiles as target", (join) => join.on(sql`target.id::text`, "=", sql.ref("audit_log.target_id")))
        .select([
          "audit_log.id",
          "audit_log.action",
          "audit_log.details",
          "audit_log.created_at",
          "actor.display_name as actor_name",
          "target.display_name as target_name",
        ])
        .orderBy("audit_log.id", "desc")
        .limit(limit)
        .execute();
      const wanted = entries.map((e) => auditLookupIds(e.details));
      const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
      const personIds = [...new Set(wanted.flatMap((w) => w.people))].filter((id) => uuid.test(id));
      const categoryIds = [...new Set(wanted.flatMap((w) => w.categories))].filter((id) => uuid.test(id));
      const people = personIds.length
        ? await tx.selectFrom("profiles").select(["id", "display_name"]).where("id", "in", personIds).execute()
        : [];
      const categories = categoryIds.length
        ? await tx.selectFrom("forum_categories").select(["id", "name_fr", "name_en"]).where("id", "in", categoryIds).execute()
        : [];
      const lookups = {
        people: new Map(people.map((p) => [p.id, p.display_name])),
        categories: new Map(categories.map((c) => [c.id, labelOf(locale, c)])),
      };
      return entries.map(({ details, ...entry }) => ({ ...entry, summary: describeAudit(entry.action, details, locale, lookups) }));
    },
    { readOnly: true },
  );
}

export async function listReference(db: Database, claims: Claims) {
  return db.withUser(
    claims,
    async (tx) => ({
      regions: await tx.selectFrom("regions").selectAll().orderBy("code").execute(),
      disciplines: await tx.selectFrom("disciplines").selectAll().orderBy("sort_order").execute(),
      topics: await tx.selectFrom("topics").selectAll().orderBy("sort_order").execute(),
    }),
    { readOnly: true },
  );
}
