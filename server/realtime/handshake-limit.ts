// A limit on Socket.IO connection attempts per client address, counted in the same
// store as the HTTP rate limits (Redis, else the shared PostgreSQL table, else memory):
// behind a proxy, N processes then allow the limit once, not N times. It runs first
// among the handshake's middlewares, so a flood of handshakes costs one counter hit
// each and never reaches the session lookup. The refusal is a connect_error whose
// message is `rate_limited` and whose data says when to try again.
import type http from "node:http";
import express from "express";
import type { Options, Store } from "express-rate-limit";
import type { Logger } from "pino";
import { CONNECT_ERRORS } from "../../app/modules/realtime/schemas";
import type { RealtimeSocket } from "./types";

export interface HandshakeLimitOptions {
  /** Attempts per address per window. */
  max: number;
  windowMs: number;
  store: Store;
  /** The HTTP app's TRUST_PROXY value: who may name the client's address (X-Forwarded-For). */
  trustProxy: false | number | string[];
}

/**
 * The client's address as Express computes req.ip for the same TRUST_PROXY: walk from
 * the connecting peer back through X-Forwarded-For while each hop is trusted.
 */
export function clientAddressResolver(trustProxy: false | number | string[]): (req: http.IncomingMessage) => string {
  // Express compiles the setting (hop count, addresses, subnets) into one function.
  const trust = express().set("trust proxy", trustProxy).get("trust proxy fn") as (address: string, hop: number) => boolean;
  return (req) => {
    const peer = req.socket.remoteAddress ?? "";
    const header = req.headers["x-forwarded-for"];
    const forwarded = (Array.isArray(header) ? header.join(",") : (header ?? ""))
      .split(",")
      .map((a) => a.trim())
      .filter(Boolean)
      .reverse();
    const hops = [peer, ...forwarded];
    let i = 0;
    while (i < hops.length - 1 && trust(hops[i] ?? "", i)) i++;
    return hops[i] ?? peer;
  };
}

export function handshakeLimiter(options: HandshakeLimitOptions, logger: Logger) {
  options.store.init?.({ windowMs: options.windowMs } as Options);
  const addressOf = clientAddressResolver(options.trustProxy);
  let warned = false;
  return async (socket: RealtimeSocket, next: (err?: Error) => void) => {
    const address = addressOf(socket.request);
    let hit: { totalHits: number; resetTime?: Date };
    try {
      hit = await options.store.increment(address);
    } catch (err) {
      // As for HTTP: a store that cannot answer lets the attempt through; the session check still follows.
      if (!warned) logger.warn({ err }, "realtime: handshake limit store unreachable, attempts pass unlimited");
      warned = true;
      return next();
    }
    warned = false;
    if (hit.totalHits <= options.max) return next();
    if (hit.totalHits === options.max + 1) logger.info({ address }, "realtime: too many connection attempts from one address");
    const error = new Error(CONNECT_ERRORS.rateLimited) as Error & { data?: unknown };
    error.data = { retryAfterMs: Math.max(0, (hit.resetTime?.getTime() ?? Date.now() + options.windowMs) - Date.now()) };
    next(error);
  };
}
