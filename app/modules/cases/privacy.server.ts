// Cases' part of the privacy contract (decision 016). A case the member presented is
// deleted with its discussion unless someone else posted in it; then it stays for
// them, without any link to the presenter (author set null; it already shows a
// pseudonym or "ancien membre"). The member's posts in other people's cases stay,
// unlinked. Expert designations and identifier-guard override reasons go.
import { sql } from "kysely";
import { needlesOf, scrubColumns, type PrivacyContract } from "~/modules/privacy/contract";
import { exportRows } from "~/modules/privacy/rows.server";

export const casesPrivacy: PrivacyContract = {
  module: "cases",
  covers: {
    cases: ["author_id", "title", "question", "what_tried", "details", "details_text", "review_note"],
    case_posts: ["author_id", "body", "body_text"],
    case_experts: ["user_id", "designated_by"],
    case_identifier_overrides: ["author_id"],
  },
  async exportFor(tx, memberId) {
    return {
      casesPresented: await exportRows(tx, "cases", "author_id", memberId),
      posts: await exportRows(tx, "case_posts", "author_id", memberId),
      expertDesignations: await exportRows(tx, "case_experts", "user_id", memberId, ["designated_by"]),
      identifierOverrides: await exportRows(tx, "case_identifier_overrides", "author_id", memberId),
    };
  },
  async eraseFor(tx, subject, context) {
    await sql`delete from public.cases c where c.author_id = ${subject.memberId}::uuid
      and not exists (select 1 from public.case_posts p where p.case_id = c.id and p.author_id is distinct from c.author_id)`.execute(tx);
    const needles = needlesOf(subject);
    await scrubColumns(
      tx,
      "cases",
      { text: ["title", "question", "what_tried", "details_text", "review_note"], json: ["details"] },
      needles,
      context.placeholder,
    );
    await scrubColumns(tx, "case_posts", { text: ["body_text"], json: ["body"] }, needles, context.placeholder);
  },
};
