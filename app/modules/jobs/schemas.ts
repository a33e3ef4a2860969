// The one form of /admin/jobs: retry or cancel a job.
import { z } from "zod";

export const jobActionSchema = z.object({
  intent: z.enum(["retry", "cancel"], { message: "errors.invalid" }),
  jobId: z.coerce
    .number({ message: "errors.invalid" })
    .int("errors.invalid")
    .positive("errors.invalid")
    .max(Number.MAX_SAFE_INTEGER, "errors.invalid"),
});
export type JobAction = z.infer<typeof jobActionSchema>;
