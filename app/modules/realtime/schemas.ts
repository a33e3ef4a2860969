// Realtime (Socket.IO) contracts shared by the browser and the server: the
// transport limits, the error codes a client can see, the shape of every ack, and
// one zod schema per client → server event. The server validates each payload
// with the schema named here (rule 8 in docs/architecture.md); the client uses the same schema
// before it emits and `parseAck` on what comes back.
import { z } from "zod";

/** Socket.IO endpoint, on the same origin and port as the HTTP app. */
export const REALTIME_PATH = "/socket.io";

/**
 * Largest message the server accepts (engine.io maxHttpBufferSize). A bigger one
 * closes the connection without being processed, so clients check before sending.
 */
export const REALTIME_MAX_PAYLOAD_BYTES = 64 * 1024;

/** Messages of the Error a client receives in `connect_error`. */
export const CONNECT_ERRORS = {
  unauthorized: "unauthorized",
  tooManyConnections: "too_many_connections",
  /** Too many connection attempts from one address; `data.retryAfterMs` says when to try again. */
  rateLimited: "rate_limited",
  serverError: "server_error",
} as const;
export type ConnectError = (typeof CONNECT_ERRORS)[keyof typeof CONNECT_ERRORS];

/** Codes of a failed ack. Domain handlers may add their own (e.g. "forbidden", "not_found"). */
export const ACK_ERRORS = {
  invalidPayload: "invalid_payload",
  serverError: "server_error",
  rateLimited: "rate_limited",
  /** An event name no handler is registered for (acked only when the client asked for an ack). */
  unknownEvent: "unknown_event",
} as const;

export const ackFailureSchema = z.object({
  ok: z.literal(false),
  error: z.string(),
  fields: z.record(z.array(z.string())).optional(),
  /** What the identifier guard found when it refused a text (chat "identifiers"). */
  findings: z
    .array(
      z.object({
        field: z.string(),
        kind: z.string(),
        start: z.number(),
        end: z.number(),
        before: z.string(),
        match: z.string(),
        after: z.string(),
      }),
    )
    .max(200)
    .optional(),
});
export type AckFailure = z.infer<typeof ackFailureSchema>;

/** The result of an event that answers nothing but ok (joining or leaving a reader room). */
export const emptyAckSchema = z.object({}).passthrough();

/** Every ack: `{ ok: true, ...result }` or `{ ok: false, error, fields? }`. */
export type Ack<Result extends Record<string, unknown>> = ({ ok: true } & Result) | AckFailure;

/**
 * Client side: checks what the server acked against the event's result schema.
 * Anything unexpected becomes a failure rather than a crash in a component.
 */
export function parseAck<Result extends Record<string, unknown>>(
  resultSchema: z.ZodType<Result, z.ZodTypeDef, unknown>,
  raw: unknown,
): Ack<Result> {
  const failure = ackFailureSchema.safeParse(raw);
  if (failure.success) return failure.data;
  const ok = z
    .object({ ok: z.literal(true) })
    .passthrough()
    .safeParse(raw);
  const result = resultSchema.safeParse(raw);
  if (!ok.success || !result.success) return { ok: false, error: "invalid_ack" };
  const success: { ok: true } = { ok: true };
  return Object.assign(success, result.data);
}

// ── Events (client → server). Names are "<domain>:<verb>". ─────────────────────

export const REALTIME_EVENTS = {
  sessionWhoami: "session:whoami",
} as const;

/** `session:whoami` — who the server thinks this socket is. Payload: `{}`. */
export const sessionWhoamiPayloadSchema = z.object({}).strict();
export const sessionWhoamiResultSchema = z.object({ userId: z.string() });
export type SessionWhoamiAck = Ack<z.infer<typeof sessionWhoamiResultSchema>>;
