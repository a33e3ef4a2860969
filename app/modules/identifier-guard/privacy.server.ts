// The identifier guard's part of the privacy contract (decision 016): the reasons a
// member gave to save text the guard flagged. Exported; erased with the account
// (their foreign key cascades).
import type { PrivacyContract } from "~/modules/privacy/contract";
import { exportRows } from "~/modules/privacy/rows.server";

export const identifierGuardPrivacy: PrivacyContract = {
  module: "identifier-guard",
  covers: { identifier_overrides: ["author_id"] },
  async exportFor(tx, memberId) {
    return { overrides: await exportRows(tx, "identifier_overrides", "author_id", memberId) };
  },
  async eraseFor() {
    // Nothing beyond the cascade: the rows are the member's own and go with the account.
  },
};
