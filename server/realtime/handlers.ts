// The one way a domain module answers a client event: a name, the zod contract of
// its payload (from app/modules/<domain>/schemas.ts) and an async handler. The
// payload is validated before the handler sees it and the ack always has one of
// two shapes, so no domain hand-rolls validation or error replies:
//   { ok: true, ...result }  |  { ok: false, error, fields? }
// A handler that throws is logged and acked "server_error"; the socket and the
// server keep serving. Domain handlers still check membership themselves (rule 8).
import type { Logger } from "pino";
import type { z } from "zod";
import { ACK_ERRORS, type AckFailure } from "../../app/modules/realtime/schemas";
import { cleanTree } from "../../app/utils/input-text";
import type { RealtimeServer, RealtimeSocket } from "./types";

type Dispatch = (socket: RealtimeSocket, args: unknown[]) => void;

/**
 * Thrown by a handler to refuse an event with a domain code ("forbidden",
 * "not_found"…): acked `{ ok: false, error: code }` and not logged as a failure.
 */
export class AckError extends Error {
  constructor(
    readonly code: string,
    readonly fields?: Record<string, string[]>,
    readonly findings?: AckFailure["findings"],
  ) {
    super(code);
    this.name = "AckError";
  }
}

interface Registry {
  logger: Logger;
  dispatchers: Map<string, Dispatch>;
  schemas: Map<string, z.ZodTypeAny>;
}

// Keyed by server so tests (and several servers in one process) never share handlers.
const registries = new WeakMap<RealtimeServer, Registry>();

/** Socket.IO's own names, and "error", which a middleware refusal emits on the socket. */
const RESERVED_EVENTS = new Set(["connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener", "error"]);

export function isReservedEvent(name: unknown): boolean {
  return typeof name !== "string" || RESERVED_EVENTS.has(name);
}

export function createHandlerRegistry(io: RealtimeServer, logger: Logger): void {
  registries.set(io, { logger, dispatchers: new Map(), schemas: new Map() });
}

/** Called on every new connection: binds every registered event to the socket. */
export function bindHandlers(io: RealtimeServer, socket: RealtimeSocket): void {
  const registry = registries.get(io);
  if (!registry) return;
  for (const [event, dispatch] of registry.dispatchers) bind(socket, event, dispatch);
  // An event nobody handles still gets an answer when the client asked for one.
  socket.onAny((event: unknown, ...args: unknown[]) => {
    const ack = args.at(-1);
    if (typeof event === "string" && !registry.dispatchers.has(event) && isAckCallback(ack)) {
      const failure: AckFailure = { ok: false, error: ACK_ERRORS.unknownEvent };
      ack(failure);
    }
  });
}

function bind(socket: RealtimeSocket, event: string, dispatch: Dispatch) {
  socket.on(event, (...args: unknown[]) => dispatch(socket, args));
}

export type HandlerResult = Record<string, unknown> & { ok?: never };

export function registerHandler<Schema extends z.ZodTypeAny, Result extends HandlerResult>(
  io: RealtimeServer,
  event: string,
  schema: Schema,
  handler: (socket: RealtimeSocket, payload: z.output<Schema>) => Promise<Result> | Result,
): void {
  const registry = registries.get(io);
  if (!registry) throw new Error("registerHandler: this Socket.IO server was not created by attachRealtime");
  if (isReservedEvent(event)) throw new Error(`registerHandler: "${event}" is a reserved event name`);
  if (registry.dispatchers.has(event)) throw new Error(`registerHandler: "${event}" already has a handler`);
  const { logger } = registry;

  const dispatch: Dispatch = (socket, args) => {
    const last = args.at(-1);
    const ack = isAckCallback(last) ? last : null;
    const payload = ack && args.length === 1 ? undefined : args[0];
    // Clients always ask for an ack; one that does not still gets the event handled.
    const reply = (response: Record<string, unknown>) => ack?.(response);

    // The same text rules as HTTP input (app/utils/input-text.ts): NUL and unpaired
    // surrogates refused, every string NFC without bidirectional controls.
    const cleaned = cleanTree(payload);
    if (!cleaned.ok) {
      const failure: AckFailure = { ok: false, error: ACK_ERRORS.invalidPayload, fields: { [cleaned.path]: [`errors.${cleaned.reason}`] } };
      reply(failure);
      return;
    }
    const parsed = schema.safeParse(cleaned.value);
    if (!parsed.success) {
      const failure: AckFailure = { ok: false, error: ACK_ERRORS.invalidPayload, fields: fieldErrors(parsed.error) };
      reply(failure);
      return;
    }
    Promise.resolve()
      .then(() => handler(socket, parsed.data))
      .then(
        (result) => reply({ ...result, ok: true }),
        (err: unknown) => {
          if (err instanceof AckError) {
            const failure: AckFailure = {
              ok: false,
              error: err.code,
              ...(err.fields ? { fields: err.fields } : {}),
              ...(err.findings ? { findings: err.findings } : {}),
            };
            reply(failure);
            return;
          }
          logger.error({ err, event, userId: socket.data.claims?.sub, socketId: socket.id }, "realtime handler failed");
          const failure: AckFailure = { ok: false, error: ACK_ERRORS.serverError };
          reply(failure);
        },
      );
  };

  registry.dispatchers.set(event, dispatch);
  registry.schemas.set(event, schema);
  // Sockets already connected get the new event too.
  for (const socket of io.of("/").sockets.values()) bind(socket, event, dispatch);
}

/** Every event with a handler and its payload contract (the hostile-input test drives each one). */
export function registeredEvents(io: RealtimeServer): Array<{ event: string; schema: z.ZodTypeAny }> {
  return [...(registries.get(io)?.schemas ?? new Map<string, z.ZodTypeAny>())].map(([event, schema]) => ({ event, schema }));
}

function isAckCallback(value: unknown): value is (response: unknown) => void {
  return typeof value === "function";
}

/** zod issues as `{ "path.to.field": [messages] }`; "" holds errors about the payload as a whole. */
export function fieldErrors(error: z.ZodError): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const keys = issue.code === "unrecognized_keys" ? issue.keys.map((key) => [...issue.path, key].join(".")) : [issue.path.join(".")];
    for (const key of keys) (fields[key] ??= []).push(issue.message);
  }
  return fields;
}
