// The confidentiality incident register's form (admins only, /admin/incidents), apart from
// the members' privacy forms so the admin page carries only its own messages.
import { z } from "zod";
import { calendarDate } from "~/utils/input-schemas";

const incidentText = (max: number) =>
  z.string({ required_error: "errors.required" }).trim().min(3, "admin.incidents.errors.tooShort").max(max, "errors.too_long");
const optionalDate = calendarDate("admin.incidents.errors.date").optional();
// An empty field reaches zod as undefined: "required", not zod's own English word.
const requiredDate = z.string({ required_error: "errors.required" }).pipe(calendarDate("admin.incidents.errors.date"));

/** One entry of the confidentiality incident register: what the regulation asks for. */
export const incidentSchema = z
  .object({
    description: incidentText(4000),
    circumstances: incidentText(4000),
    occurredFrom: requiredDate,
    occurredTo: optionalDate,
    discoveredOn: requiredDate,
    // Typed as text (a plain input without JavaScript), a whole number within what the table accepts.
    peopleCount: z
      .string({ required_error: "errors.required" })
      .trim()
      .regex(/^\d{1,8}$/, "admin.incidents.errors.count")
      .transform(Number)
      .refine((n) => n <= 10_000_000, "admin.incidents.errors.count"),
    informationConcerned: incidentText(2000),
    seriousRisk: z.enum(["yes", "no"], { errorMap: () => ({ message: "admin.incidents.errors.risk" }) }),
    riskAssessment: incidentText(4000),
    commissionNotifiedOn: optionalDate,
    peopleNotifiedOn: optionalDate,
    measures: incidentText(4000),
  })
  .superRefine((v, ctx) => {
    // The same order the database checks: a period ends after it starts, it is known once it began, notices follow knowing.
    if (v.occurredTo && v.occurredTo < v.occurredFrom)
      ctx.addIssue({ code: "custom", path: ["occurredTo"], message: "admin.incidents.errors.periodOrder" });
    if (v.discoveredOn < v.occurredFrom)
      ctx.addIssue({ code: "custom", path: ["discoveredOn"], message: "admin.incidents.errors.discoveredOrder" });
    for (const key of ["commissionNotifiedOn", "peopleNotifiedOn"] as const) {
      const value = v[key];
      if (value && value < v.discoveredOn) ctx.addIssue({ code: "custom", path: [key], message: "admin.incidents.errors.noticeOrder" });
    }
  });
export type IncidentInput = z.infer<typeof incidentSchema>;

/** Today in Montréal (YYYY-MM-DD), in the browser and on the server alike. */
function montrealToday(): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "America/Toronto", year: "numeric", month: "2-digit", day: "2-digit" }).format(
    new Date(),
  );
}
// A notice is recorded once given: not a day that has not come yet.
const pastDate = calendarDate("admin.incidents.errors.date").refine((v) => v <= montrealToday(), "admin.incidents.errors.future");

/**
 * What an admin records after the entry: the notices to the Commission and to the people
 * concerned, and the measures taken. The order against the day the incident became known is
 * checked on the server (that date is in the database), and again by the table's CHECK.
 */
export const incidentUpdateSchema = z.object({
  commissionNotifiedOn: pastDate.optional(),
  peopleNotifiedOn: pastDate.optional(),
  measures: incidentText(4000),
});
export type IncidentUpdateInput = z.infer<typeof incidentUpdateSchema>;
