// The Express app: hardening (CSP with a per-request nonce, Origin check on
// mutations, rate limits, body size limits), /healthz, static assets and the
// Remix handler with the services as load context.
import { randomBytes } from "node:crypto";
import path from "node:path";
import { createReadableStreamFromReadable, createRequestHandler, writeReadableStreamToWritable, type ServerBuild } from "@remix-run/node";
import compression from "compression";
import express, { type NextFunction, type Request, type Response } from "express";
import { rateLimit } from "express-rate-limit";
import helmet from "helmet";
import type { AuthIssuer } from "~/utils/auth/types";
import type { AppServices } from "~/utils/context";
import { COMPRESSION } from "~/utils/page-encoding.server";
import type { UserClaims } from "~/utils/db.server";
import { isSlidesUploadPath } from "~/modules/events/schemas";
import { isUploadPath as isToolUploadPath, MAX_UPLOAD_BODY_BYTES } from "~/modules/tools/limits";
import { inputHygiene, type CleanBody } from "./input-hygiene";
import type { RateLimitStores } from "./rate-limit-store";

/** The routes that take a file: the tools forms and an event's follow-up page (its slides). */
const isUploadPath = (pathname: string) => isToolUploadPath(pathname) || isSlidesUploadPath(pathname);

/** Largest request body accepted (forms; the upload routes have MAX_UPLOAD_BODY_BYTES). */
export const MAX_BODY_BYTES = 256 * 1024;
/** Sign-in attempts per minute and per IP (the account lockout is separate). */
export const SIGN_IN_PER_MINUTE = 6;
export const SENSITIVE_FORM_PER_MINUTE = 10;
/** Seconds a client is told to wait while the database is unreachable. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

const MUTATING = new Set(["POST", "PUT", "PATCH", "DELETE"]);
/** Paths that take an RFC 8058 one-click unsubscribe POST from a mail provider. */
const ONE_CLICK_UNSUBSCRIBE_PATHS = new Set(["/forums/unsubscribe", "/notifications/unsubscribe"]);

export function createHttpApp(options: {
  services: AppServices;
  getBuild: () => Promise<ServerBuild>;
  publicDir?: string;
  production: boolean;
  /** Where the limiters count (shared between processes); in memory when absent. */
  rateLimitStores?: RateLimitStores;
}) {
  const { services } = options;
  const { env, logger, db } = services;
  const app = express();
  app.disable("x-powered-by");
  // The rate limits and the sign-in lockout key on the client's address. Only a proxy
  // named by TRUST_PROXY may supply it (X-Forwarded-For); otherwise any client could
  // rotate that header and never be counted.
  if (env.TRUST_PROXY !== false) app.set("trust proxy", env.TRUST_PROXY);

  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logger.info({ method: req.method, url: req.originalUrl.split("?")[0], status: res.statusCode, ms: Math.round(ms) }, "request");
    });
    next();
  });

  app.use((_req, res, next) => {
    res.locals.cspNonce = randomBytes(16).toString("base64");
    next();
  });
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: true,
        directives: {
          "default-src": ["'self'"],
          "script-src": [
            "'self'",
            (_req, res) => `'nonce-${(res as Response).locals.cspNonce as string}'`,
            ...(env.JITSI_DOMAIN ? [`https://${env.JITSI_DOMAIN}`] : []),
          ],
          "connect-src": ["'self'", ...(options.production ? [] : ["ws:"]), ...(env.SUPABASE_URL ? [env.SUPABASE_URL] : [])],
          "frame-src": env.JITSI_DOMAIN ? [`https://${env.JITSI_DOMAIN}`] : ["'none'"],
          "img-src": ["'self'", "data:"],
          "style-src": ["'self'"],
          "form-action": ["'self'"],
          "frame-ancestors": ["'none'"],
          "upgrade-insecure-requests": env.PUBLIC_URL?.startsWith("https://") ? [] : null,
        },
      },
      crossOriginEmbedderPolicy: false,
      // no-referrer would make browsers send "Origin: null" on plain form posts,
      // which the Origin check below must then refuse.
      referrerPolicy: { policy: "strict-origin-when-cross-origin" },
      hsts: env.PUBLIC_URL?.startsWith("https://") ? undefined : false,
    }),
  );
  // gzip level 1: a CPU profile of the topic page under load had zlib (with the writes it
  // drives) as the largest single cost; level 1 costs a fraction of the default 6 for
  // slightly larger pages (decision 018). Whole pages arrive already compressed with the same
  // settings (utils/page-encoding.server.ts), and the middleware leaves them as they are.
  app.use(compression({ level: COMPRESSION.gzipLevel, brotli: { params: COMPRESSION.brotliParams } }));

  app.get("/healthz", async (_req, res) => {
    const health = await db.health();
    res.setHeader("Cache-Control", "no-store");
    if (health.ok) res.json({ status: "ok", db: db.kind, migrations: health.migrations });
    else
      res
        .status(503)
        .set("Retry-After", String(DATABASE_RETRY_AFTER_SECONDS))
        .json({ status: "unavailable", db: db.kind, reason: "database unreachable" });
  });

  // Mutations must come from our own pages (CSRF defence next to SameSite=Lax).
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (!MUTATING.has(req.method)) return next();
    // RFC 8058 one-click unsubscribe: mail providers POST from their servers, without
    // Origin or Referer. The signed token in the URL is the whole authority there (it
    // only turns one person's forum emails off), so such a post may pass; a browser's
    // cross-site post carries an Origin and is refused below like any other.
    if (ONE_CLICK_UNSUBSCRIBE_PATHS.has(req.path) && req.method === "POST" && !req.get("origin") && !req.get("referer")) return next();
    const origin = req.get("origin") ?? refererOrigin(req.get("referer"));
    if (!origin || !env.allowedOrigins.includes(origin)) {
      res.status(403).type("text/plain; charset=utf-8").send("Origine refusée / Origin not allowed");
      return;
    }
    // Remix refuses (with a 500) an action whose Origin differs from the Host it was
    // sent to; browsers never do that, so answer it here as the refusal it is.
    const forwardedHost = req.get("x-forwarded-host")?.split(",")[0]?.trim();
    const host = forwardedHost || req.get("host");
    if (req.get("origin") && host !== new URL(origin).host) {
      res.status(403).type("text/plain; charset=utf-8").send("Origine refusée / Origin not allowed");
      return;
    }
    // Remix reads the body itself: refuse what we cannot size before it does.
    if (req.get("transfer-encoding") && !req.get("content-length")) {
      res.status(411).type("text/plain; charset=utf-8").send("Longueur requise / Length required");
      return;
    }
    const length = Number(req.get("content-length") ?? "0");
    // The tools upload forms take a file (their own, larger limit; the form reports a file over MAX_FILE_BYTES).
    const upload = isUploadPath(req.path);
    if (!Number.isFinite(length) || length > (upload ? MAX_UPLOAD_BODY_BYTES : MAX_BODY_BYTES)) {
      res
        .status(413)
        .type("text/plain; charset=utf-8")
        .send(
          upload
            ? `Fichier trop volumineux (${MAX_UPLOAD_BODY_BYTES >> 20} Mo au plus) / File too large (${MAX_UPLOAD_BODY_BYTES >> 20} MB at most)`
            : "Requête trop volumineuse / Request too large",
        );
      return;
    }
    next();
  });
  // X-Forwarded-For without TRUST_PROXY: a proxy nobody declared. Its header is ignored
  // (anyone could forge it), so every client behind it shares one limit: say so once,
  // in our log, instead of express-rate-limit's console error on every boot.
  let forwardedWarned = false;
  const warnUndeclaredProxy = (req: Request, _res: Response, next: NextFunction) => {
    if (!forwardedWarned && env.TRUST_PROXY === false && req.get("x-forwarded-for")) {
      forwardedWarned = true;
      logger.warn(
        "X-Forwarded-For received but TRUST_PROXY is not set: the header is ignored and clients behind that proxy share one rate limit",
      );
    }
    next();
  };
  const limiter = (name: string, limit: number) => [
    warnUndeclaredProxy,
    rateLimit({
      windowMs: 60_000,
      limit,
      standardHeaders: "draft-7",
      legacyHeaders: false,
      validate: { xForwardedForHeader: false },
      store: options.rateLimitStores?.create(name),
      // A shared store that cannot answer lets the request through (see rate-limit-store.ts).
      passOnStoreError: true,
      skip: (req) => req.method !== "POST",
      handler: (_req, res) => {
        res
          .status(429)
          .type("text/html; charset=utf-8")
          .send(
            `<!doctype html><html lang="fr-CA"><meta charset="utf-8"><title>Trop de tentatives</title><main><h1>Trop de tentatives</h1><p>Veuillez patienter une minute avant de réessayer.</p><p lang="en-CA">Too many attempts. Please wait a minute and try again.</p><p><a href="/">Passerelle</a></p></main></html>`,
          );
      },
    }),
  ];
  app.use("/login", limiter("login", SIGN_IN_PER_MINUTE));
  app.use(["/signup", "/password/forgot", "/password/reset", "/profile/security"], limiter("sensitive", SENSITIVE_FORM_PER_MINUTE));

  const publicDir = options.publicDir ?? path.resolve("public");
  app.use("/build", express.static(path.join(publicDir, "build"), { immutable: true, maxAge: "1y" }));
  app.use("/styles", express.static(path.resolve("styles"), { maxAge: options.production ? "1h" : 0 }));
  // The top of public/ holds files only (favicon.svg): a page's address has no extension and is not
  // looked for there (a stat per page request, 1 % of a topic page's CPU, decision 033).
  const publicFiles = express.static(publicDir, { maxAge: "1h" });
  app.use((req, res, next) => (/\.[A-Za-z0-9]+$/.test(req.path) ? publicFiles(req, res, next) : next()));

  // Path, query string and form body: refused (400/415) or normalised before Remix.
  app.use(
    inputHygiene({
      isUploadPath,
      bodyLimit: (pathname) => (isUploadPath(pathname) ? MAX_UPLOAD_BODY_BYTES : MAX_BODY_BYTES),
    }),
  );

  // One handler per build: in development the build changes on every rebuild.
  let current: { build: ServerBuild; handler: ReturnType<typeof createRequestHandler> } | null = null;
  app.all("*", async (req, res, next) => {
    const watch = db.watchRequest();
    res.locals.databaseWatch = watch;
    try {
      const build = await options.getBuild();
      if (current?.build !== build) {
        current = { build, handler: createRequestHandler(build, options.production ? "production" : "development") };
      }
      const { handler } = current;
      const response = await watch.run(() =>
        handler(remixRequest(req, res), {
          ...services,
          clientAddress: req.ip ?? "",
          auth: perRequestAuth(services.auth, res),
          cspNonce: String(res.locals.cspNonce),
          // A client-side navigation asks for data with "_data"; anything else renders a whole page.
          inlineMessages: req.query._data === undefined ? { value: null } : null,
          pageHtml: req.query._data === undefined ? new Map() : null,
        }),
      );
      // A page that failed because the database is unreachable or too busy is a 503 the
      // client may retry, not a fault of ours (no transaction committed: each is one unit).
      // This request's own transactions say so; the process-wide state also covers work
      // shared between requests. Either alone is not enough: under load, another request's
      // success clears the process-wide state between this request's failure and its answer.
      if (response.status >= 500 && databaseUnavailable(res)) {
        await response.body?.cancel().catch(() => {});
        sendUnavailable(res);
        return;
      }
      await sendRemixResponse(res, response);
    } catch (error) {
      next(error);
    }
  });

  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    // Express's own refusals (a malformed parameter, a body it could not read) carry their 4xx.
    const status = clientErrorStatus(error);
    if (status) {
      if (!res.headersSent) res.status(status).type("text/plain; charset=utf-8").send("Requête invalide / Bad request");
      return;
    }
    if (databaseUnavailable(res)) {
      logger.warn({ err: error }, "request failed: database unavailable");
      if (!res.headersSent) sendUnavailable(res);
      return;
    }
    logger.error({ err: error }, "unhandled request error");
    if (!res.headersSent) res.status(500).type("text/plain; charset=utf-8").send("Erreur interne / Internal error");
  });
  function databaseUnavailable(res: Response): boolean {
    const watch = res.locals.databaseWatch as ReturnType<typeof db.watchRequest> | undefined;
    return Boolean(watch?.unavailable()) || db.connectionLostAt() !== null;
  }
  return app;
}

function sendUnavailable(res: Response) {
  res
    .status(503)
    .set({ "Retry-After": String(DATABASE_RETRY_AFTER_SECONDS), "Cache-Control": "no-store" })
    .type("text/html; charset=utf-8")
    .send(
      `<!doctype html><html lang="fr-CA"><meta charset="utf-8"><title>Service momentanément indisponible</title><main><h1>Service momentanément indisponible</h1><p>Passerelle ne peut pas utiliser sa base de données pour l’instant (injoignable ou surchargée). Réessayez dans quelques secondes. Rien n’a été enregistré.</p><p lang="en-CA">Passerelle cannot use its database right now (unreachable or overloaded). Please try again in a few seconds; nothing was saved.</p></main></html>`,
    );
}

function clientErrorStatus(error: unknown): number | null {
  if (typeof error !== "object" || error === null) return null;
  const status = "status" in error ? error.status : "statusCode" in error ? error.statusCode : undefined;
  return typeof status === "number" && status >= 400 && status < 500 ? status : null;
}

/**
 * The Fetch request Remix reads, as @remix-run/express builds it, except that a form
 * body the input layer rewrote (res.locals.cleanBody) replaces the one on the wire.
 */
function remixRequest(req: Request, res: Response): globalThis.Request {
  // req.hostname follows "trust proxy"; the port comes from X-Forwarded-Host or Host.
  const portOf = (host: string | undefined) => Number.parseInt(host?.split(":")[1] ?? "", 10);
  const port = [portOf(req.get("x-forwarded-host")), portOf(req.get("host"))].find((p) => Number.isSafeInteger(p));
  const url = new URL(`${req.protocol}://${req.hostname}${port ? `:${port}` : ""}${req.originalUrl}`);
  const controller = new AbortController();
  let finished = false;
  res.on("finish", () => {
    finished = true;
  });
  // Loaders and actions are aborted when the answer can no longer be written.
  res.on("close", () => {
    if (!finished) controller.abort();
  });
  const headers = new Headers();
  for (const [key, values] of Object.entries(req.headers)) {
    if (Array.isArray(values)) for (const value of values) headers.append(key, value);
    else if (values) headers.set(key, values);
  }
  const init: RequestInit & { duplex?: "half" } = { method: req.method, headers, signal: controller.signal };
  if (req.method !== "GET" && req.method !== "HEAD") {
    const clean = cleanBodyOf(res);
    if (clean) {
      headers.set("Content-Type", clean.contentType);
      headers.set("Content-Length", String(clean.body.length));
      init.body = new Uint8Array(clean.body);
    } else {
      init.body = createReadableStreamFromReadable(req);
      init.duplex = "half";
    }
  }
  return new globalThis.Request(url.href, init);
}

/** The Remix answer written to Express's response (what @remix-run/express does). */
async function sendRemixResponse(res: Response, response: globalThis.Response): Promise<void> {
  res.statusMessage = response.statusText;
  res.status(response.status);
  for (const [key, value] of response.headers.entries()) res.append(key, value);
  if (/text\/event-stream/i.test(response.headers.get("Content-Type") ?? "")) res.flushHeaders();
  if (response.body) await writeReadableStreamToWritable(response.body, res);
  else res.end();
}

function cleanBodyOf(res: Response): CleanBody | null {
  const value: unknown = res.locals.cleanBody;
  if (typeof value !== "object" || value === null || !("body" in value) || !("contentType" in value)) return null;
  const { body, contentType } = value;
  return Buffer.isBuffer(body) && typeof contentType === "string" ? { body, contentType } : null;
}

function refererOrigin(referer: string | undefined): string | undefined {
  if (!referer) return undefined;
  try {
    return new URL(referer).origin;
  } catch {
    return undefined;
  }
}

/**
 * The issuer as one request sees it: claims are read once per request (every loader
 * of a page asks), and a refreshed session's cookies are added to the response.
 */
export function perRequestAuth(auth: AuthIssuer, response: Response): AuthIssuer {
  const memo = new Map<string, Promise<UserClaims | null>>();
  const read = async (cookieHeader: string | null) => {
    if (!auth.getSession) return auth.getClaims(cookieHeader);
    const { claims, headers } = await auth.getSession(cookieHeader);
    for (const cookie of headers.getSetCookie()) if (!response.headersSent) response.append("Set-Cookie", cookie);
    return claims;
  };
  return {
    ...auth,
    getClaims(cookieHeader) {
      const key = cookieHeader ?? "";
      let pending = memo.get(key);
      if (!pending) {
        pending = read(cookieHeader);
        memo.set(key, pending);
      }
      return pending;
    },
  };
}
