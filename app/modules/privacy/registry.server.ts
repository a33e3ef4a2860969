// Every module's privacy contract, in erasure order: modules that unlink or scrub
// first, accounts last (its rows are what the others look the member up by). A new
// module with a member's id in a table adds its contract here; the coverage test
// (tests/integration/privacy-coverage.test.ts) fails until it does.
import { accountsPrivacy } from "~/modules/accounts/privacy.server";
import { attestationsPrivacy } from "~/modules/attestations/privacy.server";
import { casesPrivacy } from "~/modules/cases/privacy.server";
import { chatPrivacy } from "~/modules/chat/privacy.server";
import { eventsPrivacy } from "~/modules/events/privacy.server";
import { forumsPrivacy } from "~/modules/forums/privacy.server";
import { identifierGuardPrivacy } from "~/modules/identifier-guard/privacy.server";
import { jobsPrivacy } from "~/modules/jobs/privacy.server";
import { mentoringPrivacy } from "~/modules/mentoring/privacy.server";
import { notificationsPrivacy } from "~/modules/notifications/privacy.server";
import { toolsPrivacy } from "~/modules/tools/privacy.server";
import { needlesOf, scrubColumns, type PrivacyContract } from "./contract";
import { exportRows } from "./rows.server";

/**
 * The privacy module's own tables: the member's export and deletion requests, and the
 * incident register (an admin's id as its recorder, unlinked on erasure; the text of the
 * register is scrubbed of the member's names like any other text that mentions them).
 */
export const privacyRequestsPrivacy: PrivacyContract = {
  module: "privacy",
  covers: { privacy_requests: ["user_id", "storage_key"], privacy_incidents: ["recorded_by"] },
  async exportFor(tx, memberId) {
    return {
      requests: await exportRows(tx, "privacy_requests", "user_id", memberId, ["storage_key"]),
      incidentsRecorded: await tx
        .selectFrom("privacy_incidents")
        .select(["id", "created_at"])
        .where("recorded_by", "=", memberId)
        .execute(),
    };
  },
  async eraseFor(tx, subject, context) {
    await scrubColumns(
      tx,
      "privacy_incidents",
      { text: ["description", "circumstances", "information_concerned", "risk_assessment", "measures"] },
      needlesOf(subject),
      context.placeholder,
    );
    // Earlier export zips are deleted with their blobs; the rows cascade with the account.
    const rows = await tx
      .selectFrom("privacy_requests")
      .select("storage_key")
      .where("user_id", "=", subject.memberId)
      .where("storage_key", "is not", null)
      .execute();
    context.storageKeys.push(...rows.flatMap((r) => (r.storage_key ? [r.storage_key] : [])));
  },
};

export const PRIVACY_CONTRACTS: readonly PrivacyContract[] = [
  forumsPrivacy,
  casesPrivacy,
  chatPrivacy,
  toolsPrivacy,
  mentoringPrivacy,
  eventsPrivacy,
  attestationsPrivacy,
  identifierGuardPrivacy,
  notificationsPrivacy,
  privacyRequestsPrivacy,
  jobsPrivacy,
  accountsPrivacy,
];
