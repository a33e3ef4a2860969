// The curators' form on the server: multipart parse (size-limited), then the one zod
// schema. Refusals come back as conform replies with the file's error on "file".
import type { SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { toolSchema, type ToolInput } from "./schemas";
import type { Refused } from "./tools.server";
import { parseToolForm, type UploadedFile } from "./upload.server";

type Reply = SubmissionResult<string[]>;

export type ToolSubmission =
  { ok: true; value: ToolInput; file: UploadedFile | null; reply: (refusal: Refused) => Reply } | { ok: false; reply: Reply };

export async function readToolSubmission(request: Request): Promise<ToolSubmission> {
  const parsed = await parseToolForm(request);
  const submission = parseWithZod(parsed.formData, { schema: toolSchema });
  if (!parsed.ok) {
    // Nothing is stored: report the file (or the unreadable form) along with any field errors.
    return parsed.reason === "bad_request"
      ? { ok: false, reply: submission.reply({ formErrors: ["tools.errors.bad_request"] }) }
      : { ok: false, reply: submission.reply({ fieldErrors: { file: [`tools.errors.${parsed.reason}`] } }) };
  }
  if (submission.status !== "success") return { ok: false, reply: submission.reply() };
  return {
    ok: true,
    value: submission.value,
    file: parsed.file,
    reply: (refusal) =>
      submission.reply({
        ...(refusal.fieldErrors ? { fieldErrors: refusal.fieldErrors } : {}),
        ...(refusal.formError ? { formErrors: [refusal.formError] } : {}),
      }),
  };
}
