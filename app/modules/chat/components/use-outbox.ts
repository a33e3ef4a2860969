// The outbox of a conversation page: messages written while live, each sent through
// the socket under its client id and retried until acknowledged (decision 005). The
// same client id on every attempt: the server stores the message once, whatever
// happened to the acks. A message refused by the server's identifier guard leaves the
// outbox and goes back to its composer (the caller decides how).
import { useCallback, useEffect, useRef, useState } from "react";
import { request } from "~/modules/realtime/live";
import type { OverrideInput } from "~/modules/identifier-guard/schemas";
import { CHAT_EVENTS, messageResultSchema, type ChatMessage } from "../schemas";
import type { Finding } from "./composer";

export interface Pending {
  clientId: string;
  body: string;
  parentId: number | null;
  state: "sending" | "waiting" | "failed";
  error?: string;
  overrides?: OverrideInput[];
}

/** Retry delays while a message has no ack (the connection usually comes back first). */
const RETRY_DELAYS_MS = [1000, 2000, 4000, 8000];
const RATE_LIMIT_PAUSE_MS = 1000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface OutboxEvents {
  /** Acknowledged: the stored message, to show in place of the pending one. */
  onSent(message: ChatMessage): void;
  /** Refused by the server's identifier guard (nothing stored). */
  onGuardRefusal(pending: Pending, findings: Finding[]): void;
}

export function useOutbox(conversationId: string, events: OutboxEvents) {
  const [pending, setPending] = useState<Pending[]>([]);
  // The list as last rendered, for resending outside a state updater: updaters must
  // stay pure (React may call them twice), so they never send anything themselves.
  const current = useRef(pending);
  useEffect(() => {
    current.current = pending;
  }, [pending]);
  const on = useRef(events);
  on.current = events;

  const update = useCallback(
    (clientId: string, patch: Partial<Pending> | null) =>
      setPending((list) =>
        patch === null ? list.filter((p) => p.clientId !== clientId) : list.map((p) => (p.clientId === clientId ? { ...p, ...patch } : p)),
      ),
    [],
  );

  const deliver = useCallback(
    async (p: Pending) => {
      update(p.clientId, { state: "sending", error: undefined });
      for (let attempt = 0; ; attempt++) {
        const ack = await request(
          CHAT_EVENTS.send,
          {
            conversationId,
            clientId: p.clientId,
            body: p.body,
            ...(p.parentId ? { parentId: p.parentId } : {}),
            ...(p.overrides?.length ? { overrides: p.overrides } : {}),
          },
          messageResultSchema,
        );
        if (ack.ok) {
          update(p.clientId, null);
          on.current.onSent(ack.message);
          return;
        }
        if (ack.error === "rate_limited") {
          await sleep(RATE_LIMIT_PAUSE_MS);
          continue;
        }
        if (ack.error === "offline" || ack.error === "timeout") {
          update(p.clientId, { state: "waiting" });
          if (attempt >= RETRY_DELAYS_MS.length) return; // the next connection resends it
          await sleep(RETRY_DELAYS_MS[attempt] ?? 8000);
          continue;
        }
        if (ack.error === "identifiers" && ack.findings?.length) {
          update(p.clientId, null);
          on.current.onGuardRefusal(p, ack.findings);
          return;
        }
        update(p.clientId, { state: "failed", error: ack.error });
        return;
      }
    },
    [conversationId, update],
  );

  /** Adds a message to the outbox and sends it. */
  const enqueue = useCallback(
    (p: Pending) => {
      setPending((list) => [...list, p]);
      void deliver(p);
    },
    [deliver],
  );

  /** After a (re)connection: sends again what waits for one. */
  const resendWaiting = useCallback(() => {
    for (const p of current.current) if (p.state === "waiting") void deliver(p);
  }, [deliver]);

  const discard = useCallback((clientId: string) => update(clientId, null), [update]);

  return { pending, deliver, enqueue, resendWaiting, discard };
}
