// The admin dashboard's figures, per kind of person: rows seeded at fixed dates (a fixed
// "now" in June 2026, so the test reads the same whenever it runs) move each figure by
// exactly what they should; a member and a mentor are refused (403) before any read.
// Other tests' rows may share the database, so each figure is compared before and after.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getViewer, type Viewer } from "~/modules/accounts/accounts.server";
import {
  libraryFigure,
  membersByDisciplineFigure,
  membersByRegionFigure,
  membersTotalFigure,
  mentoringFigure,
  moderationFigure,
  queuesFigure,
  readDashboard,
  readFigure,
  webinarsFigure,
} from "~/modules/admin-dashboard/admin-dashboard.server";
import { figureCsvRows, FIGURE_NAMES, type Figure } from "~/modules/admin-dashboard/admin-dashboard.server";
import { spreadsheetCsv } from "~/utils/csv.server";
import { translate } from "~/utils/i18n.server";
import type { Tx } from "~/utils/db.server";
import { createTestDatabase, createUser, type TestDatabase } from "../setup/test-db";

let t: TestDatabase;
let admin: Viewer;
let member: Viewer;
let mentor: Viewer;
const NOW = new Date("2026-06-15T16:00:00Z");
const system = <T>(fn: (tx: Tx) => Promise<T>) => t.db.asSystem("test: dashboard fixtures", fn);
const viewerOf = async (claims: Viewer["claims"]) => (await getViewer(t.db, claims))!;
const doc = (text: string) => JSON.stringify({ type: "doc", content: [{ type: "paragraph", content: [{ type: "text", text }] }] });

const row = (figure: Figure, match: (label: Figure["rows"][number]["label"]) => boolean) => figure.rows.find((r) => match(r.label))!.values;
const regionRow = (f: Figure, code: string) => row(f, (l) => "region" in l && l.region === code);
const monthRow = (f: Figure, month: string) => row(f, (l) => "month" in l && l.month === month);
const keyRow = (f: Figure, key: string) => row(f, (l) => "key" in l && l.key === key);

/** A member verified on a given day, in a region and discipline. */
async function verifiedOn(at: string, region: string, discipline: string) {
  const user = await createUser(t.db, { region, discipline });
  await system((tx) =>
    tx
      .updateTable("profiles")
      .set({ verification_status: "verified", verified_at: new Date(at) })
      .where("id", "=", user.id)
      .execute(),
  );
  return user;
}

beforeAll(async () => {
  t = await createTestDatabase();
  admin = await viewerOf((await createUser(t.db, { roles: ["admin"] })).claims);
  member = await viewerOf((await createUser(t.db, { verified: true })).claims);
  mentor = await viewerOf((await createUser(t.db, { verified: true, roles: ["mentor"] })).claims);
});

afterAll(async () => {
  await t?.cleanup();
});

describe("admin dashboard figures", () => {
  it("counts verified members at the end of each month, per region and per discipline", async () => {
    const [total0, region0, discipline0] = [
      await membersTotalFigure(t.db, admin, NOW),
      await membersByRegionFigure(t.db, admin, NOW),
      await membersByDisciplineFigure(t.db, admin, NOW),
    ];
    expect(total0.rows.map((r) => ("month" in r.label ? r.label.month : ""))).toEqual([
      "2025-07-01",
      "2025-08-01",
      "2025-09-01",
      "2025-10-01",
      "2025-11-01",
      "2025-12-01",
      "2026-01-01",
      "2026-02-01",
      "2026-03-01",
      "2026-04-01",
      "2026-05-01",
      "2026-06-01",
    ]);
    expect(region0.rows).toHaveLength(18);
    // March 10 in Abitibi (08), the evening of April 30 in Montréal (06) — May 1st in UTC, still April in Montréal.
    await verifiedOn("2026-03-10T15:00:00Z", "08", "infirmiere");
    await verifiedOn("2026-05-01T02:30:00Z", "06", "travail_social");
    // One whose verification was revoked counts nowhere.
    const revoked = await verifiedOn("2026-02-01T15:00:00Z", "08", "infirmiere");
    await system((tx) =>
      tx.updateTable("profiles").set({ verification_status: "unverified", verified_at: null }).where("id", "=", revoked.id).execute(),
    );

    const total = await membersTotalFigure(t.db, admin, NOW);
    const delta = (m: string) => monthRow(total, m)[0]! - monthRow(total0, m)[0]!;
    expect([delta("2026-02-01"), delta("2026-03-01"), delta("2026-04-01"), delta("2026-05-01"), delta("2026-06-01")]).toEqual([
      0, 1, 2, 2, 2,
    ]);

    const region = await membersByRegionFigure(t.db, admin, NOW);
    const d08 = regionRow(region, "08").map((n, i) => n! - regionRow(region0, "08")[i]!);
    const d06 = regionRow(region, "06").map((n, i) => n! - regionRow(region0, "06")[i]!);
    expect(d08).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1]);
    expect(d06).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1]);
    const discipline = await membersByDisciplineFigure(t.db, admin, NOW);
    const dRow = (f: Figure, code: string) => row(f, (l) => "discipline" in l && l.discipline === code);
    expect(dRow(discipline, "infirmiere").at(-1)! - dRow(discipline0, "infirmiere").at(-1)!).toBe(1);
    expect(dRow(discipline, "travail_social").at(-1)! - dRow(discipline0, "travail_social").at(-1)!).toBe(1);
  });

  it("counts flags received and handled per month, with the median time to handle", async () => {
    const before = await moderationFigure(t.db, admin, NOW);
    await system(async (tx) => {
      const space = await tx
        .insertInto("spaces")
        .values({
          slug: "tableau-de-bord",
          kind: "community",
          visibility: "verified",
          name_fr: "Tableau",
          name_en: "Board",
          region_code: null,
          discipline_code: null,
          created_by: admin.id,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      const category = await tx
        .insertInto("forum_categories")
        .values({ space_id: space.id, slug: "tdb", name_fr: "Tableau", name_en: "Board", topic_code: null, created_by: admin.id })
        .returning("id")
        .executeTakeFirstOrThrow();
      const topic = await tx
        .insertInto("forum_topics")
        .values({ category_id: category.id, author_id: member.id, title: "Sujet signalé", status: "published" })
        .returning("id")
        .executeTakeFirstOrThrow();
      const post = await tx
        .insertInto("forum_posts")
        .values({ topic_id: topic.id, author_id: member.id, body: doc("Message"), body_text: "Message", status: "published" })
        .returning("id")
        .executeTakeFirstOrThrow();
      const flag = (created: string, resolved: string | null) => ({
        post_id: post.id,
        reporter_id: mentor.id,
        reason: "inappropriate" as const,
        created_at: new Date(created),
        status: resolved ? ("actioned" as const) : ("open" as const),
        resolved_at: resolved ? new Date(resolved) : null,
        resolved_by: resolved ? admin.id : null,
      });
      await tx
        .insertInto("forum_flags")
        .values([
          flag("2026-05-03T14:00:00Z", "2026-05-03T18:00:00Z"), // 4 h
          flag("2026-05-10T14:00:00Z", "2026-05-11T14:00:00Z"), // 24 h
          flag("2026-05-20T14:00:00Z", null),
          flag("2026-04-29T14:00:00Z", "2026-05-02T14:00:00Z"), // 72 h, handled in May
        ])
        .execute();
    });
    const after = await moderationFigure(t.db, admin, NOW);
    expect(after.rows).toHaveLength(6);
    const [received, handled, median] = monthRow(after, "2026-05-01");
    expect(received! - monthRow(before, "2026-05-01")[0]!).toBe(3);
    expect(handled! - monthRow(before, "2026-05-01")[1]!).toBe(3);
    // Nobody else's flag was handled in May 2026: the median of 4, 24 and 72 hours.
    expect(median).toBe(24);
    expect(monthRow(after, "2026-04-01")[0]! - monthRow(before, "2026-04-01")[0]!).toBe(1);
  });

  it("counts library items overdue and due soon, current published versions only", async () => {
    const before = await libraryFigure(t.db, admin, NOW);
    const tool = (review: string, status: "published" | "draft" = "published") => ({
      title: `Outil à réviser ${review}`,
      kind: "guide" as const,
      url: "https://example.org/outil",
      status,
      summary_fr: "Résumé de démonstration assez long.",
      review_due_on: review,
    });
    await system((tx) =>
      tx
        .insertInto("tools")
        .values([
          tool("2026-06-01"),
          tool("2026-06-14"),
          tool("2026-06-20"),
          tool("2026-08-01"),
          tool("2026-12-01"),
          tool("2026-01-01", "draft"),
        ])
        .execute(),
    );
    const after = await libraryFigure(t.db, admin, NOW);
    const d = (key: string) => keyRow(after, key)[0]! - keyRow(before, key)[0]!;
    expect([d("admin.dashboard.library.overdue"), d("admin.dashboard.library.within30"), d("admin.dashboard.library.within90")]).toEqual([
      2, 1, 1,
    ]);
  });

  it("sizes the verification and re-verification queues", async () => {
    const before = await queuesFigure(t.db, admin, NOW);
    await createUser(t.db, {});
    const lapsedOne = await createUser(t.db, { verified: true });
    await system((tx) =>
      tx
        .insertInto("member_permits")
        .values({ user_id: lapsedOne.id, expires_on: "2026-06-01", lapsed_at: new Date("2026-06-02T05:00:00Z") })
        .execute(),
    );
    const soon = await createUser(t.db, { verified: true });
    await system((tx) => tx.insertInto("member_permits").values({ user_id: soon.id, expires_on: "2026-07-01" }).execute());
    const after = await queuesFigure(t.db, admin, NOW);
    const d = (key: string) => keyRow(after, `admin.dashboard.queues.${key}`)[0]! - keyRow(before, `admin.dashboard.queues.${key}`)[0]!;
    expect([d("verification"), d("renewals"), d("lapsed"), d("expiring")]).toEqual([1, 0, 1, 1]);
  });

  it("takes mentoring coverage from the coordination overview", async () => {
    const figure = await mentoringFigure(t.db, admin);
    expect(figure.rows).toHaveLength(18);
    expect(figure.columns).toHaveLength(2);
  });

  it("counts registrations and attendance for the latest past events", async () => {
    const people = [member, mentor, admin];
    const eventId = await system(async (tx) => {
      const event = await tx
        .insertInto("events")
        .values({
          title: "Webinaire sur la naloxone",
          kind: "webinar",
          starts_on: "2026-06-10",
          starts_at: new Date("2026-06-10T16:00:00Z"),
          duration_minutes: 60,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await tx
        .insertInto("event_registrations")
        .values(people.map((p) => ({ event_id: event.id, user_id: p.id, status: "registered" })))
        .execute();
      await tx
        .insertInto("event_attendance")
        .values([
          {
            event_id: event.id,
            user_id: member.id,
            joined_at: new Date("2026-06-10T16:01:00Z"),
            left_at: new Date("2026-06-10T16:20:00Z"),
          },
          {
            event_id: event.id,
            user_id: member.id,
            joined_at: new Date("2026-06-10T16:25:00Z"),
            left_at: new Date("2026-06-10T17:00:00Z"),
          },
          { event_id: event.id, user_id: mentor.id, joined_at: new Date("2026-06-10T16:00:00Z"), left_at: null },
        ])
        .execute();
      // A future event is not shown.
      await tx
        .insertInto("events")
        .values({
          title: "Webinaire à venir",
          kind: "webinar",
          starts_on: "2026-07-10",
          starts_at: new Date("2026-07-10T16:00:00Z"),
          duration_minutes: 60,
        })
        .execute();
      return event.id;
    });
    expect(eventId).toBeTruthy();
    const figure = await webinarsFigure(t.db, admin, NOW);
    const line = figure.rows.find((r) => "text" in r.label && r.label.text === "Webinaire sur la naloxone")!;
    expect(line.label).toEqual({ text: "Webinaire sur la naloxone", date: "2026-06-10" });
    expect(line.values).toEqual([3, 2]);
    expect(figure.rows.some((r) => "text" in r.label && r.label.text === "Webinaire à venir")).toBe(false);
  });

  it("writes a figure as CSV with headers in the reader's language", async () => {
    const figure = await readFigure(t.db, admin, "queues", NOW);
    const fr = figureCsvRows(figure, "fr-CA", (k) => translate("fr-CA", k));
    expect(fr.header).toEqual(["File", "Nombre"]);
    expect(fr.rows[0]![0]).toBe("Vérifications en attente");
    const en = spreadsheetCsv(...(Object.values(figureCsvRows(figure, "en-CA", (k) => translate("en-CA", k))) as [string[], never]));
    expect(en.startsWith("\ufeffQueue,Number\r\nVerifications waiting,")).toBe(true);
    const region = figureCsvRows(await readFigure(t.db, admin, "members-region", NOW), "fr-CA", (k) => translate("fr-CA", k));
    expect(region.header.at(-1)).toBe("juin 2026");
  });

  it("refuses a member and a mentor (403) for every figure", async () => {
    for (const viewer of [member, mentor]) {
      await expect(readDashboard(t.db, viewer, NOW)).rejects.toMatchObject({ status: 403 });
      for (const name of FIGURE_NAMES) await expect(readFigure(t.db, viewer, name, NOW)).rejects.toMatchObject({ status: 403 });
    }
  });
});
