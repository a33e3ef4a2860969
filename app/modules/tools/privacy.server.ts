// Tools' part of the privacy contract (decision 016). Library items are the library's,
// not a person's: tools the member created stay, unlinked, and so do the files those
// tools publish. Any other file they uploaded (an abandoned upload, a replaced version
// no tool points at) is deleted with its blob. Bookmarks go; suggestions stay unlinked.
import { sql } from "kysely";
import { needlesOf, scrubColumns, type PrivacyContract } from "~/modules/privacy/contract";
import { exportRows } from "~/modules/privacy/rows.server";

export const toolsPrivacy: PrivacyContract = {
  module: "tools",
  covers: {
    tools: ["created_by"],
    tool_suggestions: ["suggested_by", "resolved_by", "note"],
    tool_bookmarks: ["user_id"],
    files: ["uploaded_by", "original_name"],
  },
  async exportFor(tx, memberId) {
    return {
      toolsCreated: await exportRows(tx, "tools", "created_by", memberId, ["file_text", "title_search"]),
      suggestions: await exportRows(tx, "tool_suggestions", "suggested_by", memberId, ["resolved_by"]),
      bookmarks: await exportRows(tx, "tool_bookmarks", "user_id", memberId),
      filesUploaded: await exportRows(tx, "files", "uploaded_by", memberId, ["storage_key"]),
    };
  },
  async eraseFor(tx, subject, context) {
    const { rows } = await sql<{ storage_key: string }>`delete from public.files f where f.uploaded_by = ${subject.memberId}::uuid
      and not exists (select 1 from public.tools t where t.file_id = f.id) returning f.storage_key`.execute(tx);
    context.storageKeys.push(...rows.map((r) => r.storage_key));
    await scrubColumns(tx, "tool_suggestions", { text: ["note"] }, needlesOf(subject), context.placeholder);
    await scrubColumns(tx, "files", { text: ["original_name"] }, needlesOf(subject), context.placeholder);
  },
};
