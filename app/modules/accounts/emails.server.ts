// The accounts module's emails, in the recipient's language. They go through the one
// outbox (mail.enqueue) like every other email.
import type { Tx } from "~/utils/db.server";
import { isLocale, type Locale } from "~/utils/i18n";
import { translate } from "~/utils/i18n.server";

export function resetPasswordEmail(locale: Locale, link: string) {
  return {
    subject: translate(locale, "email.reset.subject"),
    text: translate(locale, "email.reset.body", { link }),
  };
}

export function lockoutEmail(locale: Locale, vars: { minutes: number; link: string }) {
  return { subject: translate(locale, "email.lockout.subject"), text: translate(locale, "email.lockout.body", vars) };
}

export function signupAttemptEmail(locale: Locale, vars: { login: string; reset: string }) {
  return { subject: translate(locale, "email.signupAttempt.subject"), text: translate(locale, "email.signupAttempt.body", vars) };
}

export function welcomeEmail(locale: Locale, vars: { name: string; login: string }) {
  return { subject: translate(locale, "email.welcome.subject"), text: translate(locale, "email.welcome.body", vars) };
}

export function passwordChangedEmail(locale: Locale, vars: { link: string }) {
  return { subject: translate(locale, "email.passwordChanged.subject"), text: translate(locale, "email.passwordChanged.body", vars) };
}

export function emailChangeConfirmEmail(locale: Locale, vars: { link: string }) {
  return { subject: translate(locale, "email.emailChange.confirmSubject"), text: translate(locale, "email.emailChange.confirmBody", vars) };
}

export function emailChangeNoticeEmail(locale: Locale, vars: { newEmail: string; link: string }) {
  return { subject: translate(locale, "email.emailChange.noticeSubject"), text: translate(locale, "email.emailChange.noticeBody", vars) };
}

export function verifiedEmail(locale: Locale, vars: { name: string; link: string }) {
  return { subject: translate(locale, "email.verified.subject"), text: translate(locale, "email.verified.body", vars) };
}

/** The language of the account behind a sign-in address (French when unknown). System path only. */
export async function localeOfEmail(tx: Tx, email: string): Promise<Locale> {
  const row = await tx
    .selectFrom("profiles")
    .innerJoin("auth.users as u", "u.id", "profiles.id")
    .select("profiles.locale")
    .where("u.email", "=", email.trim().toLowerCase())
    .executeTakeFirst();
  return isLocale(row?.locale) ? row.locale : "fr-CA";
}

/** The language of a person by id (French when unknown). System path only. */
export async function localeOfUser(tx: Tx, userId: string): Promise<Locale> {
  const row = await tx.selectFrom("profiles").select("locale").where("id", "=", userId).executeTakeFirst();
  return isLocale(row?.locale) ? row.locale : "fr-CA";
}
