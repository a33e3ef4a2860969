// The signed-in person's own password and sign-in address. Both issuers do the work
// (local: argon2id and the email_change_tokens table; Supabase: updateUser); this
// module words the answers and tells the person by email through the outbox.
import type { AppServices } from "~/utils/context";
import type { Viewer } from "./accounts.server";
import { refused, type Outcome } from "~/utils/outcome";
import { emailChangeNoticeEmail, localeOfUser, passwordChangedEmail } from "./emails.server";
import type { ChangeEmailInput, ChangePasswordInput } from "./schemas";

type Services = Pick<AppServices, "auth" | "db" | "mail" | "env" | "realtime">;

export const EMAIL_CHANGE_CONFIRM_PATH = "/profile/email/confirm";

export async function changeMyPassword(
  services: Services,
  viewer: Viewer,
  input: ChangePasswordInput,
  cookieHeader: string | null,
): Promise<Outcome<{ headers: Headers }>> {
  const result = await services.auth.changePassword({
    claims: viewer.claims,
    cookieHeader,
    currentPassword: input.currentPassword,
    newPassword: input.password,
  });
  if (!result.ok) {
    if (result.error === "invalid_credentials")
      return refused(400, undefined, { fieldErrors: { currentPassword: ["errors.current_password_wrong"] } });
    if (result.error === "weak_password") return refused(400, undefined, { fieldErrors: { password: ["errors.password_short"] } });
    return refused(503, "errors.auth_unavailable");
  }
  await services.db.asSystem("accounts: tell a member her password changed", async (tx) => {
    const locale = await localeOfUser(tx, viewer.id);
    await services.mail.enqueue(
      {
        to: viewer.claims.email,
        kind: "password_changed",
        ...passwordChangedEmail(locale, { link: `${services.env.publicUrl}/password/forgot` }),
      },
      tx,
    );
  });
  // The other sessions are gone: their live connections go too (this tab reconnects).
  await services.realtime.disconnectUser(viewer.id);
  return { ok: true, headers: result.headers };
}

export async function requestMyEmailChange(
  services: Services,
  viewer: Viewer,
  input: ChangeEmailInput,
  cookieHeader: string | null,
): Promise<Outcome> {
  if (input.newEmail === viewer.claims.email.trim().toLowerCase())
    return refused(400, undefined, { fieldErrors: { newEmail: ["errors.email_same"] } });
  const result = await services.auth.requestEmailChange({
    claims: viewer.claims,
    cookieHeader,
    currentPassword: input.currentPassword,
    newEmail: input.newEmail,
    redirectTo: `${services.env.publicUrl}${EMAIL_CHANGE_CONFIRM_PATH}`,
  });
  if (!result.ok) {
    if (result.error === "invalid_credentials")
      return refused(400, undefined, { fieldErrors: { currentPassword: ["errors.current_password_wrong"] } });
    return refused(503, "errors.auth_unavailable");
  }
  // The current address hears of it before anything changes, so its owner can react.
  await services.db.asSystem("accounts: tell a member's current address of an email change request", async (tx) => {
    const locale = await localeOfUser(tx, viewer.id);
    await services.mail.enqueue(
      {
        to: viewer.claims.email,
        kind: "email_change_notice",
        ...emailChangeNoticeEmail(locale, { newEmail: input.newEmail, link: `${services.env.publicUrl}/profile/security` }),
      },
      tx,
    );
  });
  return { ok: true };
}

/** Opens nothing by itself: the confirm page POSTs the token (no GET changes state). */
export async function confirmEmailChange(services: Pick<AppServices, "auth" | "db">, token: string): Promise<Outcome> {
  const result = await services.auth.confirmEmailChange({ token });
  if (!result.ok) {
    if (result.error === "email_taken") return refused(400, "errors.email_change_taken");
    if (result.error === "unavailable") return refused(503, "errors.auth_unavailable");
    return refused(400, "errors.email_change_link_invalid");
  }
  // Emails (notifications, digests) go to the contact address: it follows the sign-in address.
  await services.db.asSystem("accounts: contact address follows a confirmed email change", (tx) =>
    tx.updateTable("profile_private").set({ contact_email: result.email }).where("user_id", "=", result.userId).execute(),
  );
  return { ok: true };
}
