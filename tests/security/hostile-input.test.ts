// Hostile input, property-based, on the real server (rule 7 in docs/architecture.md: bad input → 4xx,
// never 5xx, and nothing changed). Every route of app/routes is found from the files
// (tests/security/routes.ts), so a new route is driven without being listed here:
// its form action gets random and boundary bodies (NUL, unpaired surrogates, numbers
// past bigint, impossible dates, bidi controls, very long strings, malformed
// percent-encoding, JSON / text/plain / no Content-Type / multipart), its loader
// random query strings and path parameters; every socket event the server registers
// gets random payloads. The demo accounts and a visitor take turns. Each refused
// write (a 4xx answer, a refused ack) is checked to have changed no row.
//
// HOSTILE_RUNS=<n> raises the random runs per route and event (default keeps the file
// to a few minutes on a shared machine); the boundary examples always run.
import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { sql } from "kysely";
import { io as connect, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REACTIONS } from "../../app/modules/chat/limits";
import { REALTIME_PATH } from "../../app/modules/realtime/schemas";
import { startTestApp, type TestApp } from "../e2e/helpers";
import { Client, DEMO, signedIn, type HttpResult } from "./helpers";
import { appRoutes, namesIn, namesUnder, type AppRoute } from "./routes";

const RUNS = Number(process.env.HOSTILE_RUNS ?? 4);

let app: TestApp;
type ActorName = "admin" | "mentor" | "membre" | "nouveau" | "anon";
const actors = new Map<ActorName, Client>();

/** Real ids for path parameters and payloads, read once from the seeded database. */
interface Ids {
  conversationId: string;
  messageId: number;
  topicId: number;
  postId: number;
  caseId: string;
  toolId: string;
  memberId: string;
  slug: string;
  fileId: string;
}
let ids: Ids;

beforeAll(async () => {
  app = await startTestApp();
  for (const [name, email] of [
    ["admin", DEMO.admin],
    ["mentor", DEMO.mentor],
    ["membre", DEMO.membre],
    ["nouveau", DEMO.nouveau],
  ] as const) {
    actors.set(name, await signedIn(app.url, email));
  }
  actors.set("anon", new Client(app.url));
  ids = await app.server.services.db.asSystem("test: ids for hostile input", async (tx) => {
    const one = async <T>(query: string): Promise<T | undefined> => (await sql.raw<{ v: T }>(query).execute(tx)).rows[0]?.v;
    return {
      conversationId: "",
      topicId: Number((await one<string>("select id::text as v from forum_topics order by id limit 1")) ?? 1),
      postId: Number((await one<string>("select id::text as v from forum_posts order by id limit 1")) ?? 1),
      caseId: (await one<string>("select id::text as v from cases order by created_at limit 1")) ?? randomUUID(),
      toolId: (await one<string>("select id::text as v from tools where status = 'published' order by created_at limit 1")) ?? randomUUID(),
      messageId: 0,
      memberId:
        (await one<string>(`select user_id::text as v from profile_private where contact_email = '${DEMO.membre}'`)) ?? randomUUID(),
      slug: (await one<string>("select slug as v from forum_categories order by position limit 1")) ?? "general",
      fileId: (await one<string>("select id::text as v from files limit 1")) ?? randomUUID(),
    };
  });
  // A conversation of membre's (the seed has none), with one message: the chat forms and
  // the socket examples run as membre, past the membership check, down to the queries.
  const membre = actors.get("membre");
  const mentorId = await app.server.services.db.asSystem(
    "test: mentor id",
    async (tx) =>
      (await sql<{ v: string }>`select user_id::text as v from profile_private where contact_email = ${DEMO.mentor}`.execute(tx)).rows[0]
        ?.v ?? "",
  );
  const opened = await membre?.post("/chat/new", { kind: "direct", userId: mentorId });
  ids.conversationId = /^\/chat\/([0-9a-f-]{36})/.exec(opened?.location ?? "")?.[1] ?? "";
  expect(ids.conversationId, `direct conversation: ${opened?.status} ${opened?.location}`).not.toBe("");
  const sent = await membre?.post(`/chat/${ids.conversationId}`, {
    intent: "send",
    clientId: randomUUID(),
    body: "Bonjour, une question sur la naloxone.",
  });
  expect(sent?.status).toBe(302);
  ids.messageId = await app.server.services.db.asSystem("test: a message id", async (tx) =>
    Number(
      (await sql<{ v: string }>`select min(id)::text as v from messages where conversation_id = ${ids.conversationId}`.execute(tx)).rows[0]
        ?.v ?? 1,
    ),
  );
}, 300_000);

afterAll(async () => {
  await app?.close();
});

// ── The database, before and after ─────────────────────────────────────────────

/**
 * Tables that legitimately move on a refused request: a wrong password is counted
 * (login_failures, and its audit row), a socket's presence, reading a topic, the job scheduler.
 */
const MOVING_TABLES = new Set([
  "login_failures",
  "presence",
  "forum_topic_reads",
  "audit_log",
  "auth_sessions",
  // The job scheduler ticks on its own clock (every minute) and can land inside any request's window.
  "jobs",
  "job_runs",
  "job_schedules",
]);
let fingerprintSql: string | null = null;

/** One hash per table (row count + hash of the rows), public and auth schemas. */
async function fingerprint(): Promise<Map<string, string>> {
  return app.server.services.db.asSystem("test: fingerprint", async (tx) => {
    if (!fingerprintSql) {
      const tables = (
        await sql<{ s: string; t: string }>`select table_schema as s, table_name as t from information_schema.tables
        where table_schema in ('public', 'auth') and table_type = 'BASE TABLE' order by 1, 2`.execute(tx)
      ).rows.filter((r) => !MOVING_TABLES.has(r.t));
      fingerprintSql = tables
        .map(
          (r) =>
            `select '${r.s}.${r.t}' as t, count(*)::text || ':' || coalesce(md5(string_agg(md5(x::text), ',' order by md5(x::text))), '') as h from "${r.s}"."${r.t}" x`,
        )
        .join(" union all ");
    }
    const rows = (await sql.raw<{ t: string; h: string }>(fingerprintSql).execute(tx)).rows;
    return new Map(rows.map((r) => [r.t, r.h]));
  });
}

function changedTables(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...after].filter(([t, h]) => before.get(t) !== h).map(([t]) => t);
}

// ── Hostile values ──────────────────────────────────────────────────────────────

const BOUNDARY_TEXT = [
  "a\u0000b",
  "\u0000",
  "\uD800",
  "x\uDC00y",
  "\uDBFF\uDBFF",
  "\uDFFF\uD800",
  "1e308",
  "9".repeat(20),
  "-" + "9".repeat(20),
  "-1",
  "0",
  "1.5",
  "NaN",
  "Infinity",
  "0x10",
  String(2 ** 63),
  "2026-02-31",
  "0000-01-01",
  "2026-13-01",
  "99999-01-01",
  "2026-02-31T25:61:00Z",
  "\u202Eexe.txt\u202C",
  "\u2066x\u2069\u200E\u200F",
  "me\u0301thadone",
  "é".repeat(3000),
  "x".repeat(20_000),
  "",
  " ",
  "on",
  "[]",
  "{bad",
  "<script>alert(1)</script>",
  "'; drop table profiles; --",
  "../../etc/passwd",
  "%",
  "%ZZ",
  "%00",
  "💊",
  randomUUID(),
];
/** Raw query/body fragments that are malformed in themselves (invalid UTF-8 or percent-escapes). */
const MALFORMED_FRAGMENTS = ["x=%", "x=%ZZ", "x=%C0%AF", "x=%ED%A0%80", "%FF=1", "x=%E9", "x=a%00b", "=", "&&", "x"];

/** Rarely: a request refused at the door never reaches the action, which is what the other values probe. */
const malformedArb = fc.oneof(
  { weight: 5, arbitrary: fc.constant<string[]>([]) },
  { weight: 1, arbitrary: fc.subarray(MALFORMED_FRAGMENTS, { minLength: 1, maxLength: 2 }) },
);
// eslint-disable-next-line no-control-regex -- NUL is what the server refuses
const REFUSED_AT_THE_DOOR = /\u0000|[\uD800-\uDFFF]/;
const hostileText: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...BOUNDARY_TEXT.filter((v) => !REFUSED_AT_THE_DOOR.test(v))) },
  { weight: 1, arbitrary: fc.constantFrom(...BOUNDARY_TEXT.filter((v) => REFUSED_AT_THE_DOOR.test(v))) },
  { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  { weight: 1, arbitrary: fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }).map(String) },
  { weight: 1, arbitrary: fc.double().map(String) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: -1, max: 99999 }), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }))
      .map(([y, m, d]) => `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`),
  },
);

/** Percent-encodes every UTF-16 code unit as WTF-8, so unpaired surrogates reach the server as bytes. */
function wtf8(value: string): Uint8Array {
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i += 1) {
    let cp = value.charCodeAt(i);
    const next = value.charCodeAt(i + 1);
    if (cp >= 0xd800 && cp <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      cp = 0x10000 + ((cp - 0xd800) << 10) + (next - 0xdc00);
      i += 1;
    }
    if (cp < 0x80) bytes.push(cp);
    else if (cp < 0x800) bytes.push(0xc0 | (cp >> 6), 0x80 | (cp & 63));
    else if (cp < 0x10000) bytes.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
    else bytes.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
  }
  return Uint8Array.from(bytes);
}
const percent = (value: string) =>
  [...wtf8(value)]
    .map((b) =>
      /[A-Za-z0-9_.~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, "0")}`,
    )
    .join("");
const urlencoded = (pairs: Array<[string, string]>, extra: string[]) =>
  [...pairs.map(([k, v]) => `${percent(k)}=${percent(v)}`), ...extra].join("&");

type BodyKind = "form" | "multipart" | "json" | "text" | "none";
interface HostileRequest {
  actor: ActorName;
  pairs: Array<[string, string]>;
  extra: string[];
  kind: BodyKind;
  data: boolean;
  pathValues: Record<string, string>;
}

function bodyOf(request: HostileRequest): { body: Buffer; headers: Record<string, string> } {
  const { pairs, extra, kind } = request;
  switch (kind) {
    case "form":
      return { body: Buffer.from(urlencoded(pairs, extra)), headers: { "Content-Type": "application/x-www-form-urlencoded" } };
    case "multipart": {
      const boundary = "----hostile" + Math.random().toString(16).slice(2);
      const parts = pairs.map(([k, v]) =>
        Buffer.concat([
          Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k.replace(/["\r\n]/g, "")}"\r\n\r\n`),
          wtf8(v),
          Buffer.from("\r\n"),
        ]),
      );
      return {
        body: Buffer.concat([...parts, Buffer.from(`--${boundary}--\r\n`)]),
        headers: { "Content-Type": `multipart/form-data; boundary=${boundary}` },
      };
    }
    case "json":
      return {
        body: Buffer.from(pairs.length ? JSON.stringify(Object.fromEntries(pairs)) : "{bad"),
        headers: { "Content-Type": "application/json" },
      };
    case "text":
      return { body: Buffer.from(pairs.map(([k, v]) => `${k}=${v}`).join("\n")), headers: { "Content-Type": "text/plain" } };
    case "none":
      return { body: Buffer.from(urlencoded(pairs, extra)), headers: {} };
  }
}

function pathOf(route: AppRoute, values: Record<string, string>): string {
  return route.pattern.replace(/:(\w+)|\*/g, (_m, name: string | undefined) => values[name ?? "*"] ?? "x");
}

function realParam(route: AppRoute, name: string): string {
  const area = route.id.split(".")[0]?.replace("routes/", "") ?? "";
  if (name === "conversationId") return ids.conversationId;
  if (name === "slug") return ids.slug;
  if (name === "id") {
    if (area === "cases") return ids.caseId;
    if (area === "tools") return ids.toolId;
    if (area === "files") return ids.fileId;
    if (area === "admin") return ids.memberId;
    if (route.id.includes(".t.")) return String(ids.topicId);
    return String(ids.postId);
  }
  return "x";
}

const HOSTILE_SEGMENTS = ["%00", "a%00b", "1e308", "9".repeat(20), "-1", "%ED%A0%80", "%E2%80%AE", "%C0%AF", randomUUID(), "0"];

function pathValuesArb(route: AppRoute): fc.Arbitrary<Record<string, string>> {
  if (route.params.length === 0) return fc.constant({});
  return fc.record(
    Object.fromEntries(
      route.params.map((p) => [
        p,
        fc.oneof(
          { weight: 3, arbitrary: fc.constant(realParam(route, p)) },
          { weight: 1, arbitrary: fc.constantFrom(...HOSTILE_SEGMENTS) },
        ),
      ]),
    ),
  );
}

// Names every form and query string of the app may carry: the route's own source, the
// page it renders (for the signed-in admin) and, at random, those of the modules.
const MODULE_NAMES = namesUnder("app");
const COMMON_FIELDS = [
  "intent",
  "id",
  "messageId",
  "reportId",
  "title",
  "body",
  "reason",
  "note",
  "q",
  "redirectTo",
  "locale",
  "decision",
  "days",
  "upTo",
];

async function pageNames(route: AppRoute): Promise<{ fields: string[]; intents: string[] }> {
  if (!route.hasLoader) return { fields: [], intents: [] };
  const values = Object.fromEntries(route.params.map((p) => [p, realParam(route, p)]));
  const res = await actors.get("admin")!.get(pathOf(route, values));
  const fields = [...res.body.matchAll(/\bname="([^"]{1,80})"/g)].map((m) => m[1] ?? "").filter(Boolean);
  const intents = [...res.body.matchAll(/name="intent"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="intent"/g)].map(
    (m) => m[1] ?? m[2] ?? "",
  );
  return { fields, intents: intents.filter(Boolean) };
}

function formArb(fields: string[], intents: string[]): fc.Arbitrary<Array<[string, string]>> {
  const name = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...fields) },
    { weight: 1, arbitrary: fc.constantFrom(...MODULE_NAMES.schemaKeys, ...COMMON_FIELDS) },
    { weight: 1, arbitrary: hostileText },
  );
  const intent = intents.length ? fc.option(fc.constantFrom(...intents), { nil: undefined }) : fc.constant(undefined);
  return fc
    .tuple(intent, fc.array(fc.tuple(name, hostileText), { minLength: 0, maxLength: 8 }))
    .map(([i, pairs]) => (i ? [["intent", i] as [string, string], ...pairs] : pairs));
}

const actorArb = fc.constantFrom<ActorName>("admin", "mentor", "membre", "nouveau", "anon");

/** A request answered; a 5xx fails with what was sent. 503 + Retry-After is the search's intended overload answer. */
function expectNo5xx(res: HttpResult, label: string) {
  const intended = res.status === 503 && Boolean(res.headers["retry-after"]);
  expect(res.status < 500 || intended, `${label} → ${res.status}: ${res.body.slice(0, 300)}`).toBe(true);
}

/** A client whose session survived (a random /logout or a password change ends it): sign in again. */
async function actor(name: ActorName): Promise<Client> {
  const client = actors.get(name)!;
  if (name === "anon" || client.jar.has("passerelle_session")) return client;
  const email = DEMO[name];
  const fresh = await signedIn(app.url, email);
  actors.set(name, fresh);
  return fresh;
}

const ROUTES = appRoutes();

describe("the route list is read from app/routes", () => {
  it("finds every route file, with its URL and whether it has an action", () => {
    expect(ROUTES.length).toBeGreaterThan(40);
    const byId = new Map(ROUTES.map((r) => [r.id, r]));
    expect(byId.get("routes/chat.$conversationId_.members")?.pattern).toBe("/chat/:conversationId/members");
    expect(byId.get("routes/forums.c.$slug._index")).toMatchObject({ pattern: "/forums/c/:slug", index: true, hasAction: true });
    expect(byId.get("routes/_index")?.pattern).toBe("/");
    expect(byId.get("routes/profile")?.hasAction).toBe(true);
  });
});

describe("every form action: hostile bodies answer 4xx, never 5xx, and a refusal changes nothing", () => {
  const withAction = ROUTES.filter((r) => r.hasAction);
  it.each(withAction.map((r) => [r.id, r] as const))(
    "%s",
    async (_id, route) => {
      const page = await pageNames(route);
      const own = namesIn(route.source);
      const fields = [...new Set([...own.fields, ...page.fields, ...COMMON_FIELDS])];
      const intents = [...new Set([...page.intents, ...own.literals])];
      const requestArb: fc.Arbitrary<HostileRequest> = fc.record({
        actor: actorArb,
        pairs: formArb(fields, intents),
        extra: malformedArb,
        kind: fc.constantFrom<BodyKind>("form", "form", "form", "multipart", "json", "text", "none"),
        data: fc.boolean(),
        pathValues: pathValuesArb(route),
      });
      const real = Object.fromEntries(route.params.map((p) => [p, realParam(route, p)]));
      const field = fields[0] ?? "x";
      const boundary: HostileRequest[] = [
        ...(["json", "text", "none"] as const).map((kind) => ({
          actor: "admin" as const,
          pairs: [[field, "{bad"]] as Array<[string, string]>,
          extra: [],
          kind,
          data: false,
          pathValues: real,
        })),
        ...["a\u0000b", "\uD800", "1e308", "9".repeat(20), "2026-02-31", "0000-01-01", "x".repeat(20_000)].map((v) => ({
          actor: "admin" as const,
          pairs: [
            ...(intents[0] ? [["intent", intents[0]] as [string, string]] : []),
            ...fields.slice(0, 12).map((f) => [f, v] as [string, string]),
          ],
          extra: [],
          kind: "form" as const,
          data: true,
          pathValues: real,
        })),
        { actor: "membre", pairs: [[field, "ok"]], extra: ["x=%C0%AF"], kind: "form", data: false, pathValues: real },
      ];

      await fc.assert(
        fc.asyncProperty(requestArb, async (request) => {
          if (route.id === "routes/logout" && request.actor !== "anon") request = { ...request, actor: "anon" };
          const client = await actor(request.actor);
          const { body, headers } = bodyOf(request);
          const search = [route.index ? "index" : "", request.data ? `_data=${encodeURIComponent(route.id)}` : ""]
            .filter(Boolean)
            .join("&");
          const url = `${pathOf(route, request.pathValues)}${search ? `?${search}` : ""}`;
          const before = await fingerprint();
          const res = await client.request("POST", url, body, { headers });
          const label = `${request.actor} POST ${url} (${request.kind}) ${JSON.stringify(request.pairs).slice(0, 300)} ${request.extra.join("&")}`;
          expectNo5xx(res, label);
          if (res.status >= 400) {
            expect(changedTables(before, await fingerprint()), `refused, yet rows changed: ${label}`).toEqual([]);
          }
        }),
        { numRuns: RUNS, examples: boundary.map((b): [HostileRequest] => [b]), endOnFailure: true },
      );
    },
    600_000,
  );
});

describe("every loader: hostile query strings and path parameters answer 4xx, never 5xx", () => {
  const queryNames = [
    ...new Set([
      ...MODULE_NAMES.queries,
      "q",
      "from",
      "to",
      "before",
      "after",
      "post",
      "page",
      "offset",
      "thread",
      "edit",
      "report",
      "redirectTo",
      "messageId",
      "afterId",
      "author",
      "region",
      "category",
      "tag",
      "source",
      "sort",
      "year",
      "publisher",
      "token",
    ]),
  ];
  const withLoader = ROUTES.filter((r) => r.hasLoader);
  it.each(withLoader.map((r) => [r.id, r] as const))(
    "%s",
    async (_id, route) => {
      const own = namesIn(route.source).queries;
      const name = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...own, ...queryNames) }, { weight: 1, arbitrary: hostileText });
      const requestArb = fc.record({
        actor: actorArb,
        pairs: fc.array(fc.tuple(name, hostileText), { minLength: 1, maxLength: 6 }),
        extra: malformedArb,
        data: fc.boolean(),
        pathValues: pathValuesArb(route),
      });
      const real = Object.fromEntries(route.params.map((p) => [p, realParam(route, p)]));
      const boundary = ["a\u0000b", "\uD800", "1e308", "9".repeat(20), "2026-02-31", "0000-01-01", "\u202Ex"].map((v) => ({
        actor: "admin" as const,
        pairs: [...new Set([...own, "q", "from", "to"])].map((n) => [n, v] as [string, string]),
        extra: [],
        data: false,
        pathValues: real,
      }));
      await fc.assert(
        fc.asyncProperty(requestArb, async (request) => {
          const client = await actor(request.actor);
          const query = urlencoded(request.pairs, request.extra);
          const data = request.data ? `&_data=${encodeURIComponent(route.id)}` : "";
          const url = `${pathOf(route, request.pathValues)}?${route.index ? "index&" : ""}${query}${data}`;
          const res = await client.get(url);
          expectNo5xx(res, `${request.actor} GET ${url.slice(0, 400)}`);
        }),
        { numRuns: RUNS, examples: boundary.map((b): [typeof b] => [b]), endOnFailure: true },
      );
    },
    600_000,
  );

  it("malformed URLs answer 400: /%, /%ZZ, an encoded NUL or invalid UTF-8 in the path, /lang?redirectTo=/%00", async () => {
    const client = await actor("membre");
    for (const url of [
      "/%",
      "/%ZZ",
      "/forums/%",
      "/forums/t/%00",
      "/tools/%C0%AF",
      "/chat/%ED%A0%80",
      "/search?q=a%00b",
      "/lang?redirectTo=/%00",
      "/members?q=%00",
      "/tools?q=%ED%A0%80",
    ]) {
      const res = await client.get(url);
      expect(res.status, `${url}: ${res.body.slice(0, 200)}`).toBe(400);
      expect(res.body, url).toMatch(/Requête invalide \/ Bad request/);
    }
    const lang = await client.post("/lang", { locale: "en-CA", redirectTo: "/\u0000" });
    expect(lang.status).toBe(400);
  });
});

describe("wrong content types and encodings on a form answer 415 / 400 and change nothing", () => {
  it("JSON, text/plain and no Content-Type on /profile → 415 with a clear message; the profile is unchanged", async () => {
    const client = await actor("membre");
    const before = await fingerprint();
    for (const headers of [{ "Content-Type": "application/json" }, { "Content-Type": "text/plain" }, {}] as Array<Record<string, string>>) {
      const res = await client.request("POST", "/profile", "{bad", { headers });
      expect(res.status, JSON.stringify(headers)).toBe(415);
      expect(res.body).toMatch(/Send a form/);
    }
    expect(changedTables(before, await fingerprint())).toEqual([]);
  });

  it("a NUL in a profile field → 400, nothing saved; bidi controls are removed and accents composed on save", async () => {
    const client = await actor("membre");
    const read = async () =>
      (await client.loader("/profile", "profile")).json<{ profile: Record<string, unknown>; private: Record<string, unknown> | null }>();
    const current = await read();
    const p = current.profile;
    const base: Record<string, string | string[]> = {
      displayName: String(p.display_name),
      discipline: String(p.discipline),
      region: String(p.region_code),
      establishment: String(p.establishment ?? ""),
      establishmentKind: String(p.establishment_kind ?? ""),
      orderCode: String(current.private?.order_code ?? ""),
      permitNumber: String(current.private?.permit_number ?? ""),
      languages: p.languages as string[],
      topics: p.topics as string[],
      locale: String(p.locale),
      ...(p.directory_opt_in ? { directoryOptIn: "on" } : {}),
    };
    const before = await fingerprint();
    const refused = await client.action("/profile", "profile", { ...base, bio: "bio a\u0000b" });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatch(/Null character refused/);
    expect(changedTables(before, await fingerprint())).toEqual([]);

    const saved = await client.action("/profile", "profile", { ...base, bio: "Me\u0301thadone \u202Eexe.txt\u202C \u2066ok\u2069" });
    expect(saved.status).toBe(204);
    expect((await read()).profile.bio).toBe("Méthadone exe.txt ok");
  });
});

describe("every socket event: hostile payloads are refused in the ack, never a server error", () => {
  function shapeOf(schema: unknown): Record<string, unknown> | null {
    let current: unknown = schema;
    for (let i = 0; i < 5 && current && typeof current === "object"; i += 1) {
      const def = (current as { _def?: { schema?: unknown; innerType?: unknown; typeName?: string } })._def;
      if (def?.typeName === "ZodObject") return (current as { shape: Record<string, unknown> }).shape;
      current = def?.schema ?? def?.innerType;
    }
    return null;
  }

  function validValue(key: string): unknown {
    switch (key) {
      case "conversationId":
        return ids.conversationId;
      case "clientId":
        return randomUUID();
      case "caseId":
        return ids.caseId;
      case "topicId":
        return ids.topicId;
      case "postId":
        return ids.postId;
      case "messageId":
      case "afterId":
      case "before":
      case "parentId":
        return ids.messageId;
      case "body":
        return "Bonjour";
      case "emoji":
        return REACTIONS[0];
      case "on":
      case "typing":
        return true;
      case "since":
        return new Date().toISOString();
      default:
        return "x";
    }
  }

  const hostileJson: fc.Arbitrary<unknown> = fc.oneof(
    { weight: 3, arbitrary: hostileText },
    { weight: 2, arbitrary: fc.constantFrom(1e308, 2 ** 63, Number.MAX_SAFE_INTEGER + 2, -1, 0, 1.5, -0, 1e20) },
    { weight: 1, arbitrary: fc.constantFrom(null, true, [], {}, [1e308], { a: "\u0000" }) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  );

  it("each registered event (read from the server)", async () => {
    const events = app.server.socketEvents();
    expect(events.map((e) => e.event)).toEqual(expect.arrayContaining(["chat:join", "chat:send", "forum:topic:join", "case:join"]));
    const sockets = new Map<ActorName, Socket>();
    const socketOf = async (name: Exclude<ActorName, "anon">) => {
      const existing = sockets.get(name);
      if (existing?.connected) return existing;
      const client = await actor(name);
      const socket = connect(app.url, {
        path: REALTIME_PATH,
        transports: ["websocket"],
        forceNew: true,
        reconnection: false,
        extraHeaders: { Cookie: client.cookieHeader(), Origin: app.url },
      });
      await new Promise<void>((resolve, reject) => {
        socket.once("connect", () => resolve());
        socket.once("connect_error", reject);
      });
      sockets.set(name, socket);
      return socket;
    };
    try {
      for (const { event, schema } of events) {
        const keys = Object.keys(shapeOf(schema) ?? {});
        const payloadArb = fc.oneof(
          {
            weight: keys.length ? 4 : 0,
            arbitrary: fc
              .record({
                replace: fc.subarray(keys, { minLength: Math.min(1, keys.length) }),
                values: fc.array(hostileJson, { minLength: keys.length, maxLength: keys.length }),
              })
              .map(({ replace, values }) => Object.fromEntries(keys.map((k, i) => [k, replace.includes(k) ? values[i] : validValue(k)]))),
          },
          { weight: 1, arbitrary: hostileJson },
        );
        const boundary: unknown[] = keys.flatMap((k) =>
          [1e308, "9".repeat(20), "a\u0000b", "\uD800", "2026-02-31T00:00:00Z", -1].map((v) =>
            Object.fromEntries(keys.map((key) => [key, key === k ? v : validValue(key)])),
          ),
        );
        await fc.assert(
          fc.asyncProperty(
            fc.constantFrom<Exclude<ActorName, "anon">>("admin", "membre", "mentor", "nouveau"),
            payloadArb,
            async (who, payload) => {
              const socket = await socketOf(who);
              const before = await fingerprint();
              const ack = (await socket.timeout(15_000).emitWithAck(event, payload)) as { ok: boolean; error?: string };
              const label = `${who} ${event} ${JSON.stringify(payload)?.slice(0, 300)}`;
              expect(ack.error, label).not.toBe("server_error");
              if (!ack.ok) expect(changedTables(before, await fingerprint()), `refused, yet rows changed: ${label}`).toEqual([]);
            },
          ),
          { numRuns: RUNS * 2, examples: boundary.map((b) => ["membre" as const, b]), endOnFailure: true },
        );
      }
    } finally {
      for (const socket of sockets.values()) socket.disconnect();
    }
  }, 900_000);
});
