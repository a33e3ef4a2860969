// A refused form as conform's reply, for actions that validate with more than one zod
// parse (rich text, rows posted by position) or refuse after validating (the database):
// what was typed comes back to the form with each field's messages and the form's own.
import { parse, type SubmissionResult } from "@conform-to/react";

export function refusalReply(
  form: FormData,
  fieldErrors: Record<string, string[] | undefined>,
  formError?: string | null,
): SubmissionResult<string[]> {
  const error: Record<string, string[]> = {};
  for (const [name, messages] of Object.entries(fieldErrors)) if (messages?.length) error[name] = messages;
  // conform keeps the form's own messages under the empty name.
  if (formError) error[""] = [formError];
  return parse(form, { resolve: () => ({ error }) }).reply();
}
