// Contracts of the live room (browser and server): the Q&A forms, the presence report,
// the organiser's attendance adjustment, and the Socket.IO room of an event's Q&A.
import { z } from "zod";

/** The room opens this long before the start (people test their sound), and closes at the end. */
export const LIVE_OPENS_BEFORE_MS = 15 * 60_000;
/** Share of the event's duration attended that earns the CPD attestation. */
export const ATTESTATION_THRESHOLD = 0.75;

export const questionBodySchema = z
  .string({ required_error: "errors.required" })
  .trim()
  .min(3, "errors.too_short")
  .max(500, "errors.too_long");

const questionId = z.coerce
  .number({ invalid_type_error: "errors.invalid" })
  .int("errors.invalid")
  .positive("errors.invalid")
  .max(Number.MAX_SAFE_INTEGER, "errors.invalid");

/** One form per Q&A action, told apart by `intent` (the chat's "send" is the chat module's contract). */
export const qaFormSchema = z.discriminatedUnion(
  "intent",
  [
    z.object({ intent: z.literal("ask"), body: questionBodySchema }),
    z.object({ intent: z.literal("vote"), questionId }),
    z.object({ intent: z.literal("answer"), questionId, answered: z.enum(["true", "false"]).transform((v) => v === "true") }),
  ],
  { errorMap: () => ({ message: "errors.invalid" }) },
);
export type QaForm = z.infer<typeof qaFormSchema>;

export const presenceSchema = z.object({ type: z.enum(["joined", "left"], { errorMap: () => ({ message: "errors.invalid" }) }) });

export const adjustAttendanceSchema = z.object({
  userId: z.string().uuid("errors.invalid"),
  minutes: z.coerce
    .number({ invalid_type_error: "errors.invalid" })
    .int("errors.invalid")
    .min(0, "eventsLive.errors.minutes")
    .max(1440, "eventsLive.errors.minutes"),
  reason: z
    .string({ required_error: "eventsLive.errors.reasonRequired" })
    .trim()
    .min(1, "eventsLive.errors.reasonRequired")
    .min(3, "errors.too_short")
    .max(500, "errors.too_long"),
});

// ── Socket.IO ───────────────────────────────────────────────────────────────────

export const EVENT_LIVE_EVENTS = {
  /** Client → server: join the Q&A room of an event (the server checks the person may be in the room). */
  join: "events:live:join",
  leave: "events:live:leave",
  /** Server → client, to `event-live:<id>`: the Q&A changed (a question, a vote, an answer); reload it. */
  changed: "events:live:changed",
} as const;

export const eventLiveRoom = (eventId: string) => `event-live:${eventId}`;
export const eventLiveJoinSchema = z.object({ eventId: z.string().uuid() }).strict();
export const eventLiveChangedSchema = z.object({ eventId: z.string().uuid() });
