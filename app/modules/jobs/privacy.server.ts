// The job queue's part of the privacy contract (decision 016): jobs carry ids in their
// payloads and errors in their runs; after an erasure no job may still name the member.
// Nothing is exported (jobs are the platform's bookkeeping, not the member's data).
import { needlesOf, scrubColumns, type PrivacyContract } from "~/modules/privacy/contract";

export const jobsPrivacy: PrivacyContract = {
  module: "jobs",
  covers: { jobs: ["payload", "key", "last_error"], job_runs: ["error"] },
  async exportFor() {
    return {};
  },
  async eraseFor(tx, subject, context) {
    const needles = needlesOf(subject);
    await scrubColumns(tx, "jobs", { text: ["key", "last_error"], json: ["payload"] }, needles, context.placeholder);
    await scrubColumns(tx, "job_runs", { text: ["error"] }, needles, context.placeholder);
  },
};
