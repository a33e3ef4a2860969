// Notifications' part of the privacy contract (decision 016). The member's own
// notifications, settings and every email addressed to them go; other people's
// notifications and emails that name them keep their sense with the name replaced.
import { needlesOf, scrubColumns, type PrivacyContract } from "~/modules/privacy/contract";
import { exportRows } from "~/modules/privacy/rows.server";

export const notificationsPrivacy: PrivacyContract = {
  module: "notifications",
  covers: {
    notifications: ["user_id", "payload"],
    notification_settings: ["user_id"],
    outbox: ["to_email", "subject", "body_text", "headers"],
  },
  async exportFor(tx, memberId) {
    return {
      notifications: await exportRows(tx, "notifications", "user_id", memberId, ["dedupe_key"]),
      settings: await exportRows(tx, "notification_settings", "user_id", memberId),
    };
  },
  async eraseFor(tx, subject, context) {
    await tx
      .deleteFrom("outbox")
      .where((eb) => eb.or([eb("to_email", "=", subject.email), eb("to_email", "=", subject.email.toLowerCase())]))
      .execute();
    const needles = needlesOf(subject);
    await scrubColumns(tx, "notifications", { json: ["payload"] }, needles, context.placeholder);
    await scrubColumns(tx, "outbox", { text: ["subject", "body_text"], json: ["headers"] }, needles, context.placeholder);
  },
};
