// Accounts' part of the privacy contract (decision 016): the profile, private fields,
// consents, roles, verifications and the audit entries about the member. Erasure
// removes the sign-in limiter rows and unlinks the audit log; the account row itself
// (auth.users, which cascades to the profile) is deleted by the privacy module last.
import { sql } from "kysely";
import { scrubColumns, needlesOf, type PrivacyContract } from "~/modules/privacy/contract";
import { exportRows } from "~/modules/privacy/rows.server";

export const accountsPrivacy: PrivacyContract = {
  module: "accounts",
  covers: {
    "auth.users": ["id", "email", "raw_user_meta_data"],
    profiles: ["id"],
    profile_private: ["user_id", "contact_email"],
    consents: ["user_id"],
    user_roles: ["user_id", "granted_by"],
    verifications: ["user_id", "verified_by", "note"],
    member_permits: ["user_id"],
    audit_log: ["actor_id", "target_id", "details"],
    auth_sessions: ["user_id", "user_agent"],
    email_change_tokens: ["user_id", "new_email"],
    password_reset_tokens: ["user_id"],
    login_failures: ["email"],
    login_lock_notices: ["email"],
  },
  async exportFor(tx, memberId) {
    const { rows: account } = await sql<
      Record<string, unknown>
    >`select email, created_at, last_sign_in_at from auth.users where id = ${memberId}::uuid`.execute(tx);
    return {
      account: account[0] ?? null,
      profile: (await exportRows(tx, "profiles", "id", memberId))[0] ?? null,
      privateFields: (await exportRows(tx, "profile_private", "user_id", memberId))[0] ?? null,
      consents: await exportRows(tx, "consents", "user_id", memberId),
      roles: await exportRows(tx, "user_roles", "user_id", memberId),
      verifications: await exportRows(tx, "verifications", "user_id", memberId, ["verified_by"]),
      permit: (await exportRows(tx, "member_permits", "user_id", memberId))[0] ?? null,
      sessions: await exportRows(tx, "auth_sessions", "user_id", memberId, ["id"]),
      auditAboutMe: await exportRows(tx, "audit_log", "target_id", memberId),
      auditByMe: await exportRows(tx, "audit_log", "actor_id", memberId),
    };
  },
  async eraseFor(tx, subject, context) {
    const emails = [subject.email, subject.email.toLowerCase()];
    await tx.deleteFrom("login_failures").where("email", "in", emails).execute();
    await tx.deleteFrom("login_lock_notices").where("email", "in", emails).execute();
    // The audit log keeps what happened, not to whom: entries about the member lose the
    // target, and every detail naming them is scrubbed. actor_id goes by its foreign key.
    await tx
      .updateTable("audit_log")
      .set({ target_id: null })
      .where("target_type", "=", "profile")
      .where("target_id", "=", subject.memberId)
      .execute();
    await scrubColumns(tx, "audit_log", { text: ["target_id"], json: ["details"] }, needlesOf(subject), context.placeholder);
    await scrubColumns(tx, "verifications", { text: ["note"] }, needlesOf(subject), context.placeholder);
  },
};
