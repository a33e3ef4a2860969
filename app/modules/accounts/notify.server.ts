// A member hears that her account was verified (by an admin or a sponsor): a bell
// notification through the notifications module and an email through the outbox.
import type { AppServices } from "~/utils/context";
import { createNotifications, publishNotifications } from "~/modules/notifications/notifications.server";
import { isLocale, type Locale } from "~/utils/i18n";
import { verifiedEmail } from "./emails.server";

export const VERIFIED_KIND = "accounts.verified";

/**
 * Call only after the verification was recorded on the actor's own claims (RLS allowed
 * the insert): that is the authorisation for this system-path notification.
 */
export async function tellMemberVerified(
  services: Pick<AppServices, "db" | "mail" | "env" | "realtime" | "logger">,
  userId: string,
): Promise<void> {
  try {
    const created = await services.db.asSystem("accounts: tell a member she is verified", async (tx) => {
      const person = await tx
        .selectFrom("profiles as p")
        .leftJoin("profile_private as pp", "pp.user_id", "p.id")
        .select(["p.display_name", "p.locale", "pp.contact_email"])
        .where("p.id", "=", userId)
        .executeTakeFirst();
      if (!person) return [];
      const notifications = await createNotifications(tx, [
        { userId, kind: VERIFIED_KIND, payload: { url: "/profile" }, dedupeKey: VERIFIED_KIND },
      ]);
      // Emailed now, in her language: the offline-delay digest need not repeat it.
      await tx
        .updateTable("notifications")
        .set({ emailed_at: new Date() })
        .where(
          "id",
          "in",
          notifications.map((n) => n.id),
        )
        .execute();
      if (person.contact_email) {
        const locale: Locale = isLocale(person.locale) ? person.locale : "fr-CA";
        await services.mail.enqueue(
          {
            to: person.contact_email,
            kind: "account_verified",
            ...verifiedEmail(locale, { name: person.display_name, link: services.env.publicUrl }),
          },
          tx,
        );
      }
      return notifications;
    });
    await publishNotifications(services.db, services.realtime, created);
  } catch (error) {
    // The verification stands; a failed notice must not turn it into an error page.
    services.logger.error({ err: error, userId }, "accounts: telling a member she is verified failed");
  }
}
