// The tools library over real HTTP: malicious uploads (HTML renamed .pdf, SVG with
// script, empty, oversized, path tricks in names), invalid metadata (javascript: URLs,
// missing fields), editing without the curator role, and downloads that reach only
// people allowed to see the item, as attachments with nosniff. Every refusal is a 400
// (or 403/404/413) with a clear message, and nothing is stored.
import { readdir } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_FILE_BYTES, MAX_UPLOAD_BODY_BYTES } from "../../app/modules/tools/limits";
import { MAX_BODY_BYTES } from "../../server/http";
import { startTestApp, type TestApp } from "../e2e/helpers";
import { fixtures, makePdf } from "../fixtures/tools";
import { Client, DEMO, errorsOf, signedIn, type HttpResult, type Submission } from "./helpers";

let app: TestApp;
let admin: Client;
let member: Client;
let newcomer: Client;
let anon: Client;

beforeAll(async () => {
  app = await startTestApp();
  admin = await signedIn(app.url, DEMO.admin);
  member = await signedIn(app.url, DEMO.membre);
  newcomer = await signedIn(app.url, DEMO.nouveau);
  anon = new Client(app.url);
}, 60_000);
afterAll(async () => {
  await app?.close();
});

type Part = { name: string; value: string } | { name: string; filename: string; bytes: Uint8Array; type?: string };

function multipart(parts: Part[]): { body: Buffer; contentType: string } {
  const boundary = `----passerelle${Math.random().toString(36).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\n`));
    if ("filename" in part) {
      chunks.push(
        Buffer.from(
          `Content-Disposition: form-data; name="${part.name}"; filename="${part.filename}"\r\nContent-Type: ${part.type ?? "application/octet-stream"}\r\n\r\n`,
        ),
      );
      chunks.push(Buffer.from(part.bytes), Buffer.from("\r\n"));
    } else {
      chunks.push(Buffer.from(`Content-Disposition: form-data; name="${part.name}"\r\n\r\n${part.value}\r\n`));
    }
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

const metadata = (over: Record<string, string> = {}): Part[] =>
  Object.entries({
    title: "Protocole d'induction à domicile",
    kind: "protocol",
    language: "fr",
    summaryFr: "Les étapes d'une induction à domicile, avec les critères de sécurité.",
    topics: "buprenorphine",
    ...over,
  }).map(([name, value]) => ({ name, value }));

async function upload(client: Client, url: string, parts: Part[], routeId: string): Promise<HttpResult> {
  const { body, contentType } = multipart(parts);
  const sep = url.includes("?") ? "&" : "?";
  return client.request("POST", `${url}${sep}_data=${encodeURIComponent(`routes/${routeId}`)}`, body, {
    headers: { "Content-Type": contentType },
  });
}
const createDraft = (client: Client, parts: Part[]) => upload(client, "/tools/new", parts, "tools.new");

async function counts() {
  return app.server.services.db.asSystem("test: counts", async (tx) => ({
    tools: Number(
      (
        await tx
          .selectFrom("tools")
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    ),
    files: Number(
      (
        await tx
          .selectFrom("files")
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    ),
  }));
}
async function storedBlobs(): Promise<string[]> {
  return readdir(path.join(app.server.services.env.DATA_DIR, "uploads", "tool")).catch(() => []);
}
function createdId(res: HttpResult): string {
  expect(res.status, res.body.slice(0, 300)).toBe(204);
  const match = /^\/tools\/([0-9a-f-]{36})\?done=created$/.exec(res.location ?? "");
  if (!match?.[1]) throw new Error(`no redirect to the new item: ${res.location}`);
  return match[1];
}

describe("malicious uploads are refused with a clear message, and nothing is stored", () => {
  it.each([
    ["HTML renamed .pdf", "guide.pdf", fixtures.htmlAsPdf(), "tools.errors.file_type"],
    ["HTML renamed .svg", "image.svg", fixtures.htmlAsSvg(), "tools.errors.file_type"],
    ["an SVG with a script", "schema.svg", fixtures.svgScript(), "tools.errors.svg_unsafe"],
    ["an SVG with an onload handler", "schema.svg", fixtures.svgOnload(), "tools.errors.svg_unsafe"],
    ["an empty file", "vide.pdf", fixtures.empty(), "tools.errors.file_empty"],
    ["a macro document", "protocole.docx", fixtures.docm(), "tools.errors.docx_macro"],
    ["a path in the name", "../../../../etc/passwd.pdf", fixtures.pdf(), "tools.errors.file_name"],
    ["a Windows path in the name", "..\\..\\guide.pdf", fixtures.pdf(), "tools.errors.file_name"],
    ["an encoded path in the name", "..%2F..%2Fguide.pdf", fixtures.pdf(), "tools.errors.file_name"],
    ["a hidden dot name", ".htaccess", fixtures.pdf(), "tools.errors.file_name"],
    ["a right-to-left override", "guide\u202Efdp.exe", fixtures.pdf(), "tools.errors.file_name"],
  ])("%s", async (_label, filename, bytes, error) => {
    const before = await counts();
    const blobs = await storedBlobs();
    const res = await createDraft(admin, [...metadata(), { name: "url", value: "" }, { name: "file", filename, bytes }]);
    expect(res.status, res.body.slice(0, 300)).toBe(400);
    expect(errorsOf(res.json<Submission>())).toEqual({ file: [error] });
    expect(await counts()).toEqual(before);
    expect(await storedBlobs()).toEqual(blobs);
  });

  it("a file just over the limit gets the form back with the size message", async () => {
    const before = await counts();
    const res = await createDraft(admin, [...metadata(), { name: "file", filename: "gros.pdf", bytes: fixtures.oversized() }]);
    expect(res.status).toBe(400);
    expect(errorsOf(res.json<Submission>())).toEqual({ file: ["tools.errors.file_too_large"] });
    expect(await counts()).toEqual(before);
  });

  it("a body far over the upload limit is refused before it is read (413)", async () => {
    const res = await anon.request("POST", "/tools/new", Buffer.alloc(16), {
      headers: { "Content-Type": "multipart/form-data; boundary=x", "Content-Length": String(MAX_UPLOAD_BODY_BYTES + 1) },
    });
    expect(res.status).toBe(413);
    expect(res.body).toMatch(/Fichier trop volumineux .* File too large/);
  });

  it("the larger limit belongs to the upload routes only", async () => {
    expect(MAX_UPLOAD_BODY_BYTES).toBeGreaterThan(MAX_FILE_BYTES);
    const big = "x".repeat(MAX_BODY_BYTES + 10);
    const res = await member.post("/tools/suggest", { title: big });
    expect(res.status).toBe(413);
  });

  it("a malformed multipart body is a 400, not a 500", async () => {
    const res = await admin.request(
      "POST",
      "/tools/new?_data=routes%2Ftools.new",
      Buffer.from("--x\r\nnot a header\r\n\r\nbody\r\n--x--\r\n"),
      {
        headers: { "Content-Type": "multipart/form-data; boundary=x" },
      },
    );
    expect(res.status).toBe(400);
    expect(res.json<Submission>().error?.[""]).toEqual(["tools.errors.bad_request"]);
  });
});

describe("metadata is validated", () => {
  it.each([
    ["a javascript: URL", { url: "javascript:alert(document.cookie)" }, { url: ["tools.errors.url"] }],
    ["a data: URL", { url: "data:text/html,<script>alert(1)</script>" }, { url: ["tools.errors.url"] }],
    ["no title", { title: "" }, { title: ["errors.required"] }],
    ["an unknown kind", { kind: "malware" }, { kind: ["errors.choice"] }],
    ["an impossible date", { reviewDueOn: "2027-02-30" }, { reviewDueOn: ["tools.errors.date"] }],
  ])("%s", async (_label, over, expected) => {
    const before = await counts();
    const res = await createDraft(admin, [...metadata({ url: "https://example.org/ok", ...over })]);
    expect(res.status, res.body.slice(0, 300)).toBe(400);
    expect(errorsOf(res.json<Submission>())).toEqual(expected);
    expect(await counts()).toEqual(before);
  });

  it("neither a link nor a file", async () => {
    const res = await createDraft(admin, metadata());
    expect(res.status).toBe(400);
    expect(errorsOf(res.json<Submission>())).toEqual({ url: ["tools.errors.link_or_file"] });
  });
});

describe("only curators edit", () => {
  it("members get 403, visitors are sent to sign in, and nothing is stored", async () => {
    const before = await counts();
    const parts = [...metadata(), { name: "file", filename: "guide.pdf", bytes: fixtures.pdf() }];
    expect((await createDraft(member, parts)).status).toBe(403);
    expect((await createDraft(newcomer, parts)).status).toBe(403);
    const visitor = await createDraft(anon, parts);
    expect(visitor.location).toMatch(/^\/login\?redirectTo=/);
    expect((await member.get("/tools/new")).status).toBe(403);
    expect((await member.get("/tools/curation")).status).toBe(403);
    expect(await counts()).toEqual(before);
  });
});

describe("files are served through the app, only to those who may see the item", () => {
  let toolId = "";
  let fileId = "";
  const pdf = makePdf(["Guide de prescription", "Administration de la naloxone"]);

  beforeAll(async () => {
    toolId = createdId(
      await createDraft(admin, [
        ...metadata({ title: "Guide téléchargeable" }),
        { name: "file", filename: "Guide « révisé ».pdf", bytes: pdf, type: "text/html" },
      ]),
    );
    const row = await app.server.services.db.asSystem("test", (tx) =>
      tx.selectFrom("tools").select("file_id").where("id", "=", toolId).executeTakeFirstOrThrow(),
    );
    fileId = row.file_id ?? "";
  });

  it("stores the upload under a generated name, never the uploaded one", async () => {
    const blobs = await storedBlobs();
    expect(blobs.length).toBeGreaterThan(0);
    for (const name of blobs) expect(name).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it("a draft's file: curators only", async () => {
    const res = await admin.get(`/files/${fileId}`);
    expect(res.status).toBe(200);
    // The type comes from the content (the browser said text/html).
    expect(res.headers["content-type"]).toBe("application/pdf");
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["content-disposition"]).toBe(
      `attachment; filename="Guide _ revise _.pdf"; filename*=UTF-8''Guide%20%C2%AB%20r%C3%A9vis%C3%A9%20%C2%BB.pdf`,
    );
    // Helmet's page policy and the file's own are both enforced (a comma joins two policies).
    expect(res.headers["content-security-policy"]).toMatch(/, default-src 'none'; sandbox$/);
    expect(res.headers["cache-control"]).toBe("private, no-store");
    expect(Buffer.from(res.body, "latin1").length).toBeGreaterThan(0);
    for (const client of [member, newcomer, anon]) expect((await client.get(`/files/${fileId}`)).status).toBe(404);
    for (const client of [member, anon]) expect((await client.get(`/tools/${toolId}`)).status).toBe(404);
  });

  it("once published, members and visitors download it", async () => {
    for (const to of ["in_review", "published"]) {
      const res = await admin.post(`/tools/${toolId}`, { intent: "status", to });
      expect(res.status, res.body.slice(0, 200)).toBe(302);
    }
    for (const client of [member, newcomer, anon]) {
      const res = await client.get(`/files/${fileId}`);
      expect(res.status).toBe(200);
      expect(res.headers["content-disposition"]).toMatch(/^attachment;/);
    }
  });

  it("archived again: hidden from members", async () => {
    expect((await admin.post(`/tools/${toolId}`, { intent: "status", to: "archived" })).status).toBe(302);
    expect((await member.get(`/files/${fileId}`)).status).toBe(404);
    expect((await admin.get(`/files/${fileId}`)).status).toBe(200);
  });

  it("unknown and malformed file ids are 404", async () => {
    expect((await admin.get(`/files/${crypto.randomUUID()}`)).status).toBe(404);
    expect((await admin.get("/files/..%2F..%2Fetc%2Fpasswd")).status).toBe(404);
    expect((await admin.get("/files/not-a-uuid")).status).toBe(404);
  });
});

describe("members' actions", () => {
  it("an unverified member cannot suggest; a verified one can", async () => {
    const refused = await newcomer.action("/tools/suggest", "tools.suggest", { title: "Outil utile" });
    expect(refused.status).toBe(403);
    expect(refused.json<Submission>().error?.[""]).toEqual(["tools.errors.verified_only"]);
    const bad = await member.action("/tools/suggest", "tools.suggest", { title: "Outil", url: "javascript:alert(1)" });
    expect(bad.status).toBe(400);
    expect(errorsOf(bad.json<Submission>())).toEqual({ url: ["tools.errors.url"] });
    const sent = await member.post("/tools/suggest", { title: "Aide-mémoire méthadone", url: "https://example.org/m" });
    expect(sent.status).toBe(302);
    expect(sent.location).toBe("/tools/suggest?sent=1");
  });

  it("bookmarks need a session and a visible item", async () => {
    const seeded = await app.server.services.db.asSystem("test", (tx) =>
      tx.selectFrom("tools").select("id").where("status", "=", "published").executeTakeFirstOrThrow(),
    );
    expect((await member.post(`/tools/${seeded.id}`, { intent: "bookmark" })).location).toBe(`/tools/${seeded.id}?done=bookmark`);
    expect((await anon.post(`/tools/${seeded.id}`, { intent: "bookmark" })).location).toMatch(/^\/login/);
    expect((await member.post(`/tools/${crypto.randomUUID()}`, { intent: "bookmark" })).status).toBe(404);
    expect((await member.post(`/tools/${seeded.id}`, { intent: "status", to: "archived" })).status).toBe(403);
    expect((await member.post(`/tools/${seeded.id}`, { intent: "nonsense" })).status).toBe(400);
  });

  it("the library page never fails on odd queries", async () => {
    for (const q of ["'", "%", "<script>alert(1)</script>", "a".repeat(5000)]) {
      const res = await anon.get(`/tools?q=${encodeURIComponent(q)}&kind=nope&page=99999&year=abcd`);
      expect(res.status).toBe(200);
      expect(res.body).not.toContain("<script>alert(1)</script>");
    }
  });
});
