// Attestations' part of the privacy contract (decision 016). An attestation is the
// member's own record (it carries their name for the public check): exported, and
// erased with them, so its code no longer confirms anything once they are gone.
import type { PrivacyContract } from "~/modules/privacy/contract";
import { exportRows } from "~/modules/privacy/rows.server";

export const attestationsPrivacy: PrivacyContract = {
  module: "attestations",
  covers: { attestations: ["member_id", "member_name"] },
  async exportFor(tx, memberId) {
    return { attestations: await exportRows(tx, "attestations", "member_id", memberId) };
  },
  async eraseFor(tx, subject) {
    await tx.deleteFrom("attestations").where("member_id", "=", subject.memberId).execute();
  },
};
