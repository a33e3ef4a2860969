// After an event (PGlite and PostgreSQL): slides uploaded as files through the tools
// library's checks and storage (type from the bytes, a refusal names the file field and
// leaves no blob), downloadable by whoever may see the event and by no one else,
// removed with their file and blob; a deck over the 20 MiB limit refused with the size
// message and nothing stored (in the module, and in the multipart parser fed a streamed
// body); slides uploaded before the end read by the event's hosts only, by its readers
// once it has ended; and the attendance list exported as CSV, read back
// with csv-parse: a byte order mark, the columns in the organiser's language, commas,
// quotes and line breaks kept inside their field, formula-looking names neutralised.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Viewer } from "~/modules/accounts/accounts.server";
import { adjustAttendance, attendanceCsv, listAttendance } from "~/modules/events/attendance.server";
import { getFollowup } from "~/modules/events/followup.server";
import { addSlide, removeSlide } from "~/modules/events/slides.server";
import { MAX_FILE_BYTES } from "~/modules/tools/limits";
import { getFileForDownload, parseUploadForm, type ToolDeps } from "~/modules/tools/tools.server";
import type { Role } from "~/utils/db-schema";
import type { Claims, Tx } from "~/utils/db.server";
import { createLocalStorage } from "~/utils/storage.server";
import { fixtures } from "../fixtures/tools";
import { createTestDatabase, createUser, type TestDatabase } from "../setup/test-db";

let t: TestDatabase;
let root: string;
let deps: ToolDeps;
type Person = Viewer & { email: string };
let organiser: Person, member: Person, unverified: Person;
const ev = { public: "", verified: "" };

async function person(name: string, roles: Role[] = [], verified = true, discipline?: string): Promise<Person> {
  const u = await createUser(t.db, { displayName: name, verified, roles, discipline });
  return { claims: u.claims, id: u.id, displayName: name, verified, roles, locale: "fr-CA", email: u.email };
}
const system = <T>(fn: (tx: Tx) => Promise<T>) => t.db.asSystem("test: fixtures", fn);
async function attempt<T>(claims: Claims, fn: (tx: Tx) => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; message: string }> {
  try {
    return { ok: true, value: await t.db.withUser(claims, fn) };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}
async function newEvent(audience: "public" | "verified", startsAt = new Date(Date.now() - 3 * 3_600_000)) {
  return system(
    async (tx) =>
      (
        await tx
          .insertInto("events")
          .values({
            title: "Webinaire passé",
            kind: "webinar",
            starts_on: "2026-01-01",
            topics: [],
            starts_at: startsAt,
            duration_minutes: 60,
            audience,
          })
          .returning("id")
          .executeTakeFirstOrThrow()
      ).id,
  );
}
/** Every slide file row has its blob, and every blob its row. */
async function expectNoOrphans() {
  const rows = await system((tx) => tx.selectFrom("files").select("storage_key").where("purpose", "=", "event_slides").execute());
  const blobs = (await deps.storage.list("slides")).map((o) => o.key).sort();
  expect(blobs).toEqual(rows.map((r) => r.storage_key).sort());
}

beforeAll(async () => {
  t = await createTestDatabase();
  root = await mkdtemp(path.join(tmpdir(), "passerelle-slides-"));
  deps = { db: t.db, storage: createLocalStorage(root) };
  organiser = await person("Organisatrice", ["organiser"]);
  member = await person("Membre vérifiée");
  unverified = await person("Membre non vérifiée", [], false);
  ev.public = await newEvent("public");
  ev.verified = await newEvent("verified");
});
afterAll(async () => {
  await t?.cleanup();
  if (root) await rm(root, { recursive: true, force: true });
});

describe("slides", () => {
  test("an organiser uploads a PDF; readers of the event see and download it, others do not", async () => {
    const pdf = fixtures.pdf();
    const added = await addSlide(deps, organiser, ev.verified, {
      title: "Diapositives — partie 1",
      file: { name: "diapos.pdf", bytes: pdf },
    });
    if (!added.ok) throw new Error(JSON.stringify(added));
    const followup = await getFollowup(t.db, member.claims, ev.verified);
    expect(followup.slides).toEqual([
      { id: added.id, title: "Diapositives — partie 1", fileId: expect.any(String), byteSize: pdf.byteLength },
    ]);
    const fileId = followup.slides[0]!.fileId;
    const file = await getFileForDownload(t.db, member.claims, fileId);
    expect(file).toMatchObject({ content_type: "application/pdf", original_name: "diapos.pdf" });
    expect(file?.storage_key).toMatch(/^slides\/[0-9a-f-]{36}$/);
    const bytes = new Uint8Array(await new Response(await deps.storage.open(file!.storage_key)).arrayBuffer());
    expect(bytes).toEqual(pdf);
    // A verified-only event: an anonymous visitor and an unverified member see neither the slide nor its file.
    expect((await getFollowup(t.db, null, ev.verified)).slides).toEqual([]);
    expect(await getFileForDownload(t.db, null, fileId)).toBeUndefined();
    expect(await getFileForDownload(t.db, unverified.claims, fileId)).toBeUndefined();
    await expectNoOrphans();
  });

  test("the title defaults to the file's name; a public event's slides reach anonymous readers", async () => {
    const added = await addSlide(deps, organiser, ev.public, { title: null, file: { name: "présentation.pdf", bytes: fixtures.pdf() } });
    if (!added.ok) throw new Error(JSON.stringify(added));
    const slides = (await getFollowup(t.db, null, ev.public)).slides;
    expect(slides.map((s) => s.title)).toEqual(["présentation.pdf"]);
    expect(await getFileForDownload(t.db, null, slides[0]!.fileId)).toMatchObject({ original_name: "présentation.pdf" });
  });

  test("a file whose bytes are not an accepted type is refused on the file field and leaves no blob", async () => {
    const before = (await deps.storage.list("slides")).length;
    const refused = await addSlide(deps, organiser, ev.public, { title: null, file: { name: "diapos.pdf", bytes: fixtures.htmlAsPdf() } });
    expect(refused).toMatchObject({ ok: false, status: 400, fieldErrors: { file: ["tools.errors.file_type"] } });
    expect(await addSlide(deps, organiser, ev.public, { title: null, file: null })).toMatchObject({
      ok: false,
      status: 400,
      fieldErrors: { file: ["events.slides.errors.file"] },
    });
    expect((await deps.storage.list("slides")).length).toBe(before);
    await expectNoOrphans();
  });

  test("a member may not upload, neither through the module nor by writing the rows", async () => {
    const before = (await deps.storage.list("slides")).length;
    expect(await addSlide(deps, member, ev.public, { title: null, file: { name: "x.pdf", bytes: fixtures.pdf() } })).toMatchObject({
      ok: false,
      status: 403,
    });
    expect((await deps.storage.list("slides")).length).toBe(before);
    const file = await attempt(member.claims, (tx) =>
      tx
        .insertInto("files")
        .values({
          purpose: "event_slides",
          storage_key: "slides/00000000-0000-4000-8000-000000000001",
          original_name: "x.pdf",
          content_type: "application/pdf",
          byte_size: 10,
          sha256: "0".repeat(64),
          uploaded_by: member.id,
        })
        .execute(),
    );
    expect(file.ok).toBe(false);
    if (!file.ok) expect(file.message).toMatch(/row-level security/);
    const existing = (await getFollowup(t.db, member.claims, ev.public)).slides[0]!;
    const slide = await attempt(member.claims, (tx) =>
      tx.insertInto("event_slides").values({ event_id: ev.public, file_id: existing.fileId, title: "Volé", added_by: member.id }).execute(),
    );
    expect(slide.ok).toBe(false);
    // Nor remove one: the delete matches no row, and the module says 403.
    const del = await attempt(member.claims, (tx) => tx.deleteFrom("event_slides").where("event_id", "=", ev.public).executeTakeFirst());
    expect(del.ok && Number(del.value.numDeletedRows)).toBe(0);
    expect(await removeSlide(deps, member, ev.public, existing.id)).toMatchObject({ ok: false, status: 403 });
  });

  test("removing a slide removes its file row and its blob", async () => {
    const [slide] = (await getFollowup(t.db, organiser.claims, ev.public)).slides;
    const key = (
      await system((tx) => tx.selectFrom("files").select("storage_key").where("id", "=", slide!.fileId).executeTakeFirstOrThrow())
    ).storage_key;
    expect(await removeSlide(deps, organiser, ev.public, slide!.id)).toEqual({ ok: true });
    expect((await getFollowup(t.db, organiser.claims, ev.public)).slides).toEqual([]);
    expect(await system((tx) => tx.selectFrom("files").select("id").where("id", "=", slide!.fileId).executeTakeFirst())).toBeUndefined();
    expect(await deps.storage.open(key)).toBeNull();
    expect(await removeSlide(deps, organiser, ev.public, slide!.id)).toMatchObject({ ok: false, status: 404 });
    await expectNoOrphans();
  });
});

describe("a deck over the 20 MiB limit", () => {
  const rows = () =>
    system(async (tx) => ({
      files: (await tx.selectFrom("files").select("id").where("purpose", "=", "event_slides").execute()).length,
      slides: (await tx.selectFrom("event_slides").select("id").execute()).length,
    }));

  test("is refused by the module with the size message; no blob, no file row, no slide", async () => {
    const before = { rows: await rows(), blobs: (await deps.storage.list("slides")).length };
    // One copy of 20 MiB + 1 byte, starting like a PDF (so only its size is wrong).
    const refused = await addSlide(deps, organiser, ev.public, {
      title: "Trop gros",
      file: { name: "gros.pdf", bytes: fixtures.oversized() },
    });
    expect(refused).toMatchObject({ ok: false, status: 400, fieldErrors: { file: ["tools.errors.file_too_large"] } });
    expect({ rows: await rows(), blobs: (await deps.storage.list("slides")).length }).toEqual(before);
    await expectNoOrphans();
  });

  test("is refused by the follow-up form's multipart parser from a streamed body, which it drains without keeping", async () => {
    const boundary = "----passerelle-slides";
    const encoder = new TextEncoder();
    const head = encoder.encode(
      `--${boundary}\r\nContent-Disposition: form-data; name="intent"\r\n\r\naddSlide\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="gros.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n`,
    );
    const tail = encoder.encode(`\r\n--${boundary}--\r\n`);
    // The file part is MAX_FILE_BYTES + 1 bytes, sent as the same 64 KiB chunk again and again:
    // the test never holds the deck in memory, as a browser's upload never arrives whole.
    const chunk = new Uint8Array(64 * 1024).fill(0x20);
    let left = MAX_FILE_BYTES + 1 - 9;
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(head);
      },
      pull(controller) {
        if (left <= 0) {
          controller.enqueue(tail);
          controller.close();
          return;
        }
        const part = left >= chunk.byteLength ? chunk : chunk.subarray(0, left);
        left -= part.byteLength;
        sent += part.byteLength;
        controller.enqueue(part);
      },
    });
    const init: RequestInit & { duplex: "half" } = {
      method: "POST",
      headers: { "Content-Type": `multipart/form-data; boundary=${boundary}` },
      body,
      duplex: "half",
    };
    const parsed = await parseUploadForm(new Request(`http://localhost/events/${ev.public}/followup`, init));
    expect(sent + 9).toBe(MAX_FILE_BYTES + 1);
    expect(parsed).toMatchObject({ ok: false, reason: "file_too_large" });
    // The route answers this with the size message on the file field (tools.errors.file_too_large), and stores nothing.
    expect("file" in parsed ? parsed.file : null).toBeNull();
  });
});

describe("slides uploaded before the event ends", () => {
  let upcoming = "";
  let speaker: Person;
  let fileId = "";

  beforeAll(async () => {
    upcoming = await newEvent("public", new Date(Date.now() + 2 * 86_400_000));
    speaker = await person("Conférencière liée");
    await system((tx) =>
      tx
        .insertInto("event_speakers")
        .values({ event_id: upcoming, profile_id: speaker.id, display_name: "Conférencière liée", position: 1 })
        .execute(),
    );
    const added = await addSlide(deps, organiser, upcoming, {
      title: "Diapositives à venir",
      file: { name: "avant.pdf", bytes: fixtures.pdf() },
    });
    if (!added.ok) throw new Error(JSON.stringify(added));
  });

  test("the event's hosts (organisers, linked speakers) read them at once, marked as not yet published", async () => {
    for (const host of [organiser, speaker]) {
      const followup = await getFollowup(t.db, host.claims, upcoming);
      expect(followup.slidesPublished).toBe(false);
      expect(followup.slides.map((s) => s.title)).toEqual(["Diapositives à venir"]);
      fileId = followup.slides[0]!.fileId;
      expect(await getFileForDownload(t.db, host.claims, fileId)).toMatchObject({ original_name: "avant.pdf" });
    }
  });

  test("other readers of the event see neither the slide nor its file until the end (RLS, so downloads follow)", async () => {
    for (const claims of [member.claims, null]) {
      const followup = await getFollowup(t.db, claims, upcoming);
      expect(followup.slides).toEqual([]);
      expect(await getFileForDownload(t.db, claims, fileId)).toBeUndefined();
      const direct = await t.db.withUser(claims, (tx) =>
        tx.selectFrom("event_slides").select("id").where("event_id", "=", upcoming).execute(),
      );
      expect(direct).toEqual([]);
    }
  });

  test("once the event has ended, every reader of the event reads them", async () => {
    await system((tx) =>
      tx
        .updateTable("events")
        .set({ starts_at: new Date(Date.now() - 3 * 3_600_000) })
        .where("id", "=", upcoming)
        .execute(),
    );
    for (const claims of [member.claims, null, organiser.claims]) {
      const followup = await getFollowup(t.db, claims, upcoming);
      expect(followup.slidesPublished).toBe(true);
      expect(followup.slides.map((s) => s.title)).toEqual(["Diapositives à venir"]);
      expect(await getFileForDownload(t.db, claims, fileId)).toMatchObject({ original_name: "avant.pdf" });
    }
  });
});

describe("the attendance export", () => {
  test("parses back with csv-parse: BOM, French headers, escaping, formulas neutralised", async () => {
    const id = await newEvent("public");
    const tricky = [
      await person('Lévesque, "Marie-Ève"', [], true, "infirmiere"),
      await person('=HYPERLINK("http://x")', [], true),
      await person("+Ligne\nsuivante", [], true),
      await person("@Zoé", [], true),
    ];
    for (const p of tricky)
      await system((tx) =>
        tx
          .insertInto("event_registrations")
          .values({ event_id: id, user_id: p.id, status: "registered", waitlist_position: null })
          .execute(),
      );
    // One stay of 30 minutes inside the event, and an organiser's adjustment for another person.
    const start = await system(
      async (tx) => (await tx.selectFrom("events").select("starts_at").where("id", "=", id).executeTakeFirstOrThrow()).starts_at,
    );
    await system((tx) =>
      tx
        .insertInto("event_attendance")
        .values({
          event_id: id,
          user_id: tricky[0]!.id,
          joined_at: new Date(start.getTime() + 10 * 60_000),
          left_at: new Date(start.getTime() + 40 * 60_000),
        })
        .execute(),
    );
    expect(
      await adjustAttendance(t.db, organiser, id, { userId: tricky[3]!.id, minutes: 60, reason: "Présente par téléphone, « ligne 2 »" }),
    ).toEqual({
      ok: true,
    });

    const list = await listAttendance(t.db, organiser, id);
    if (!list) throw new Error("organiser sees the list");
    const csv = attendanceCsv(list.lines, "fr-CA");
    expect(csv.startsWith("\ufeff")).toBe(true);
    const rows: string[][] = parse(csv, { bom: true });
    expect(rows[0]).toEqual([
      "Nom",
      "Profession",
      "Région",
      "Inscription (heure de l'Est)",
      "Minutes dans la salle",
      "Ajustement",
      "Admissible à l'attestation",
    ]);
    const byName = new Map(rows.slice(1).map((r) => [r[0], r]));
    expect(rows).toHaveLength(5);
    const marie = byName.get('Lévesque, "Marie-Ève"');
    expect(marie?.[1]).toBe("Infirmière / infirmier");
    expect(marie?.[3]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    expect(marie?.slice(4)).toEqual(["30", "", "Non"]);
    // Formula-looking names start with a quote, so a spreadsheet shows them as text.
    expect(byName.get('\'=HYPERLINK("http://x")')).toBeDefined();
    expect(byName.get("'+Ligne\nsuivante")).toBeDefined();
    const zoe = byName.get("'@Zoé");
    // French typography puts non-breaking spaces before the colon and inside the quotes.
    const spaces = (v: string) => v.replace(/[\u00a0\u202f]/g, " ");
    expect(zoe?.slice(4).map(spaces)).toEqual(["0", "60 min : Présente par téléphone, « ligne 2 »", "Oui"]);

    const english = parse(attendanceCsv(list.lines, "en-CA"), { bom: true }) as string[][];
    expect(english[0]?.[0]).toBe("Name");
    expect(english.find((r) => r[0] === 'Lévesque, "Marie-Ève"')?.[1]).toBe("Nurse");
  });

  test("only organisers get the list", async () => {
    expect(await listAttendance(t.db, member, ev.public)).toBeNull();
    const rows = await attempt(member.claims, (tx) =>
      sql`select count(*)::int as n from public.event_attendance where event_id = ${ev.public}::uuid`.execute(tx),
    );
    expect(rows.ok).toBe(true);
  });
});
