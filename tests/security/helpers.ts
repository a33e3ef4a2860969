// HTTP helpers for the security suites: a tiny client with its own cookie jar that
// talks to a real server started by startTestApp().
//
// It is built on node:http rather than fetch for one reason: the rate limits key on
// the client's IP (SIGN_IN_PER_MINUTE on /login, SENSITIVE_FORM_PER_MINUTE on
// /signup and the password forms), and node:http can pick the source address.
// The server listens on 127.0.0.1, and any 127.x.y.z address reaches it, so each
// test can act as a different client ("another IP") without waiting a minute.
import http from "node:http";
import { expect } from "vitest";

export const DEMO_PASSWORD = "passerelle-demo";
export const DEMO = {
  admin: "admin@passerelle.test",
  mentor: "mentor@passerelle.test",
  membre: "membre@passerelle.test",
  nouveau: "nouveau@passerelle.test",
} as const;

export type FormInput = Record<string, string | readonly string[] | undefined>;

export interface HttpResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** Location header (a plain redirect) or X-Remix-Redirect (a `?_data=` request). */
  location: string | null;
  setCookies: string[];
  json<T = unknown>(): T;
}

export interface RequestOptions {
  /** `undefined`: our own origin (what the browser sends); `null`: no Origin header at all. */
  origin?: string | null;
  headers?: Record<string, string>;
  /** Send the cookie jar (default true). */
  cookies?: boolean;
}

let ipCounter = 0;
/**
 * A loopback address not used before in this file. Each test file starts its own
 * server, so the rate limiter's memory is per file and the counter need not be shared.
 */
export function freshIp(): string {
  ipCounter += 1;
  if (ipCounter > 250 * 250) throw new Error("out of loopback addresses");
  return `127.0.${1 + Math.floor(ipCounter / 250)}.${2 + (ipCounter % 250)}`;
}

export function encodeForm(input: FormInput): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue;
    if (typeof value === "string") params.append(key, value);
    else for (const v of value) params.append(key, v);
  }
  return params.toString();
}

export class Client {
  readonly jar = new Map<string, string>();
  readonly ip: string;

  constructor(
    readonly baseUrl: string,
    options: { ip?: string } = {},
  ) {
    this.ip = options.ip ?? freshIp();
  }

  cookieHeader(): string {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  get(path: string, options: RequestOptions = {}): Promise<HttpResult> {
    return this.request("GET", path, undefined, options);
  }

  /** A form post, as an HTML form sends it (application/x-www-form-urlencoded). */
  post(path: string, form: FormInput | string, options: RequestOptions = {}): Promise<HttpResult> {
    const body = typeof form === "string" ? form : encodeForm(form);
    return this.request("POST", path, body, {
      ...options,
      headers: { "Content-Type": "application/x-www-form-urlencoded", ...options.headers },
    });
  }

  /** A form post to a Remix route asking for its action's JSON (`?_data=routes/<id>`). */
  action(path: string, routeId: string, form: FormInput, options: RequestOptions = {}): Promise<HttpResult> {
    const sep = path.includes("?") ? "&" : "?";
    return this.post(`${path}${sep}_data=${encodeURIComponent(`routes/${routeId}`)}`, form, options);
  }

  /** A loader's JSON (`?_data=routes/<id>`). */
  loader(path: string, routeId: string, options: RequestOptions = {}): Promise<HttpResult> {
    const sep = path.includes("?") ? "&" : "?";
    return this.get(`${path}${sep}_data=${encodeURIComponent(`routes/${routeId}`)}`, options);
  }

  request(method: string, path: string, body: string | Buffer | undefined, options: RequestOptions = {}): Promise<HttpResult> {
    const url = new URL(path, this.baseUrl);
    // Host as a browser sends it for this URL (Remix compares it with Origin on document posts).
    const headers: Record<string, string> = { Host: url.host, "Accept-Encoding": "identity", ...options.headers };
    if (options.origin !== null && method !== "GET" && method !== "HEAD") headers.Origin = options.origin ?? this.baseUrl;
    if (options.cookies !== false && this.jar.size > 0) headers.Cookie = this.cookieHeader();
    if (body !== undefined && !("Content-Length" in headers) && !("Transfer-Encoding" in headers)) {
      headers["Content-Length"] = String(Buffer.byteLength(body));
    }
    return new Promise<HttpResult>((resolve, reject) => {
      let answered = false;
      const req = http.request(
        { host: "127.0.0.1", port: url.port, path: url.pathname + url.search, method, headers, localAddress: this.ip, agent: false },
        (res) => {
          answered = true;
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("error", reject);
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            const setCookies = res.headers["set-cookie"] ?? [];
            for (const line of setCookies) this.storeCookie(line);
            const remixRedirect = res.headers["x-remix-redirect"];
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: text,
              location: res.headers.location ?? (typeof remixRedirect === "string" ? remixRedirect : null),
              setCookies,
              json<T>() {
                return JSON.parse(text) as T;
              },
            });
          });
        },
      );
      // The server may answer (413, 403) and close before the whole body is written.
      req.on("error", (error: NodeJS.ErrnoException) => {
        if (answered) return;
        if (error.code === "EADDRNOTAVAIL") {
          reject(
            new Error(
              `cannot send from ${this.ip}: these tests need the whole 127.0.0.0/8 loopback range (Linux has it; on macOS add aliases with ifconfig lo0 alias)`,
            ),
          );
        } else reject(error);
      });
      if (body !== undefined) req.end(body);
      else req.end();
    });
  }

  private storeCookie(line: string) {
    const [pair = "", ...attributes] = line.split(";");
    const eq = pair.indexOf("=");
    if (eq <= 0) return;
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    const expired = attributes.some((a) => {
      const [k = "", v = ""] = a.split("=").map((s) => s.trim());
      return (k.toLowerCase() === "max-age" && Number(v) <= 0) || (k.toLowerCase() === "expires" && new Date(v).getTime() < Date.now());
    });
    if (expired || value === "") this.jar.delete(name);
    else this.jar.set(name, value);
  }
}

/** conform's SubmissionResult as the actions return it. */
export interface Submission {
  status?: "error" | "success";
  error?: Record<string, string[] | null> | null;
  initialValue?: Record<string, unknown> | null;
}

/** The field errors of a submission, without empty entries. */
export function errorsOf(result: Submission | null | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [field, messages] of Object.entries(result?.error ?? {})) if (messages?.length) out[field] = messages;
  return out;
}

/** Signs in through the real form; returns the response (302 on success). */
export async function signIn(client: Client, email: string, password = DEMO_PASSWORD): Promise<HttpResult> {
  return client.post("/login", { email, password, redirectTo: "" });
}

export async function signedIn(baseUrl: string, email: string, password = DEMO_PASSWORD): Promise<Client> {
  const client = new Client(baseUrl);
  const res = await signIn(client, email, password);
  expect(res.status, `sign in as ${email}`).toBe(302);
  expect(client.jar.has("passerelle_session")).toBe(true);
  return client;
}

/** The four demo accounts signed in (member, mentor, new unverified member, admin) and an anonymous visitor. */
export async function signedInDemo(baseUrl: string) {
  return {
    membre: await signedIn(baseUrl, DEMO.membre),
    mentor: await signedIn(baseUrl, DEMO.mentor),
    nouveau: await signedIn(baseUrl, DEMO.nouveau),
    admin: await signedIn(baseUrl, DEMO.admin),
    anon: new Client(baseUrl),
  };
}

/** True when email + password open a session (from a fresh IP, so the rate limit never decides). */
export async function canSignIn(baseUrl: string, email: string, password: string): Promise<boolean> {
  const client = new Client(baseUrl);
  const res = await signIn(client, email, password);
  if (res.status === 302 && client.jar.has("passerelle_session")) return true;
  // Anything but a refusal with the usual words would hide a bug.
  expect([400, 429], `sign-in answer for ${email}: ${res.body.slice(0, 200)}`).toContain(res.status);
  return false;
}

/** The CSP header as a map of directive → sources. */
export function parseCsp(header: string | string[] | undefined): Map<string, string[]> {
  const text = Array.isArray(header) ? header.join(";") : (header ?? "");
  const map = new Map<string, string[]>();
  for (const part of text.split(";")) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) map.set(name.toLowerCase(), sources);
  }
  return map;
}

/** Visible text of an HTML page: scripts and tags removed, whitespace collapsed. */
export function visibleText(html: string): string {
  return html
    .replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, " ")
    .replace(/<style\b[^>]*>[\s\S]*?<\/style>/gi, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}
