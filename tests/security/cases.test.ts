// Bad input to the clinical cases over real HTTP: each refused with a status and a
// clear message (an i18n key or a guard message), never a 500, and nothing saved —
// identifiers, overrides without a reason, someone else's draft, recommendations
// without the right, a moderator action by a member, malformed ids and intents.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findIdentifiers, namCheckDigit } from "../../app/modules/identifier-guard/identifiers";
import { DEMO_CASE } from "../../app/modules/cases/seed.server";
import { overrideKey } from "../../app/modules/identifier-guard/schemas";
import { startTestApp, type TestApp } from "../e2e/helpers";
import { type Client, signedInDemo, visibleText, type FormInput, type HttpResult } from "./helpers";

let app: TestApp;
let membre: Client;
let mentor: Client;
let nouveau: Client;
let admin: Client;
let anon: Client;
const ids = { draft: "", open: "", submitted: "" };
const db = () => app.server.services.db;
const count = async () =>
  db().asSystem("test: count case rows", async (tx) => {
    const { rows } = await sql<{ cases: number; posts: number; overrides: number; drafts: number }>`
    select (select count(*)::int from cases) as cases, (select count(*)::int from case_posts) as posts,
           (select count(*)::int from case_identifier_overrides) as overrides,
           (select count(*)::int from cases where status = 'draft') as drafts`.execute(tx);
    return rows[0];
  });
const nam = `TREJ8703121${namCheckDigit("TREJ", 1987, "M", 3, 12, "1")}`;
const valid: FormInput = {
  title: "Fentanyl fumé malgré méthadone",
  question: "Comment ajuster le TAO quand la consommation persiste?",
  careSetting: "street_outreach",
  substances: ["fentanyl"],
  details: "TAO depuis 2019.",
};
const newCase = (client: Client, form: FormInput) => client.action("/cases/new", "cases.new", form);
const onCase = (client: Client, id: string, form: FormInput) => client.action(`/cases/${id}`, "cases.$id", form);

beforeAll(async () => {
  app = await startTestApp();
  ({ membre, mentor, nouveau, admin, anon } = await signedInDemo(app.url));
  const create = async () => {
    const res = await newCase(membre, valid);
    const id = /\/cases\/([0-9a-f-]{36})/.exec(res.location ?? "")?.[1];
    if (!id) throw new Error(`no case created: ${res.status} ${res.body.slice(0, 300)}`);
    return id;
  };
  ids.draft = await create();
  ids.open = await create();
  expect((await onCase(membre, ids.open, { intent: "submit", attestNotIdentifiable: "on" })).status).toBe(204);
  ids.submitted = await create();
  // A case waiting for review (as in a private space that requires it).
  await db().asSystem("test: require review", (tx) =>
    tx.updateTable("cases").set({ requires_review: true }).where("id", "=", ids.submitted).execute(),
  );
  expect((await onCase(membre, ids.submitted, { intent: "submit", attestNotIdentifiable: "on" })).status).toBe(204);
}, 90_000);
afterAll(async () => {
  await app?.close();
});

type Outcome = { outcome?: { formError?: string; fieldErrors?: Record<string, string[]>; findings?: Array<{ kind: string }> } };
const outcomeOf = (res: HttpResult) => {
  try {
    return res.json<Outcome>().outcome ?? {};
  } catch {
    return {}; // a guard's plain-text answer (requireVerified)
  }
};

describe("bad input to cases: clear errors, nothing saved, never a 500", () => {
  const cases: Array<[string, () => Promise<HttpResult>, number, (o: NonNullable<Outcome["outcome"]>) => void]> = [
    [
      "missing required template fields",
      () => newCase(membre, { title: "", question: "court", careSetting: "spa" }),
      400,
      (o) => expect(Object.keys(o.fieldErrors ?? {}).sort()).toEqual(["careSetting", "question", "title"]),
    ],
    [
      "a NAM, a phone number and a date of birth",
      () => newCase(membre, { ...valid, details: `Patient ${nam}, joindre au 514 555-1234, né le 12 mars 1987.` }),
      400,
      (o) => expect(o.findings?.map((f) => f.kind)).toEqual(["nam", "phone", "date_of_birth"]),
    ],
    [
      "an override without a reason",
      () =>
        newCase(membre, {
          ...valid,
          details: "Ligne 1 800 265-2626.",
          "overrides.0.key": overrideKey({ field: "details", kind: "phone", match: "1 800 265-2626" }),
          "overrides.0.reason": "",
        }),
      400,
      (o) => expect(o.fieldErrors?.overrides).toEqual(["identifierGuard.errors.override_reason_required"]),
    ],
    [
      "an override whose key is not JSON (the finding still blocks)",
      () =>
        newCase(membre, {
          ...valid,
          details: "Ligne 1 800 265-2626.",
          "overrides.0.key": "{pas du json",
          "overrides.0.reason": "Ligne publique provinciale",
        }),
      400,
      (o) => expect(o.findings?.map((f) => f.kind)).toEqual(["phone"]),
    ],
    [
      "an override of another finding than the one found",
      () =>
        newCase(membre, {
          ...valid,
          details: "Ligne 1 800 265-2626.",
          "overrides.0.key": overrideKey({ field: "details", kind: "phone", match: "514 555-1234" }),
          "overrides.0.reason": "Ligne publique provinciale",
        }),
      400,
      (o) => expect(o.findings?.map((f) => f.kind)).toEqual(["phone"]),
    ],
    [
      "a details JSON that is not JSON",
      () => newCase(membre, { ...valid, details: "", detailsJson: "{not json" }),
      400,
      (o) => expect(o.fieldErrors?.details).toEqual(["forums.richText.errors.invalid_json"]),
    ],
    [
      "editing someone else's draft",
      () => mentor.action(`/cases/${ids.draft}/edit`, "cases.$id_.edit", valid),
      403,
      (o) => expect(o.formError).toBe("cases.errors.forbidden"),
    ],
    [
      "recommendations by an unverified member",
      () => onCase(nouveau, ids.open, { intent: "recommend", body: "Augmenter la dose." }),
      403,
      () => {},
    ],
    [
      "recommendations by an admin (who moderates every case) go through",
      () => onCase(admin, ids.open, { intent: "recommend", body: "Recommandation." }),
      204,
      () => {},
    ],
    [
      "a follow-up by someone other than the presenter",
      () => onCase(mentor, ids.open, { intent: "followUp", body: "Suivi." }),
      403,
      (o) => expect(o.formError).toBe("cases.errors.forbidden"),
    ],
    [
      "a reply with an identifier",
      () => onCase(mentor, ids.open, { intent: "reply", body: "Appelez au (418) 555-0199 poste 22" }),
      400,
      (o) => expect(o.findings?.map((f) => f.kind)).toEqual(["phone"]),
    ],
    ["an empty reply", () => onCase(mentor, ids.open, { intent: "reply", body: "  " }), 400, () => {}],
    [
      "an unknown intent",
      () => onCase(membre, ids.open, { intent: "drop-table" }),
      400,
      (o) => expect(o.formError).toBe("cases.errors.invalid"),
    ],
    ["a send-back by a member", () => onCase(mentor, ids.submitted, { intent: "sendBack", note: "Précisez la question." }), 403, () => {}],
    [
      "a send-back without a note",
      () => onCase(admin, ids.submitted, { intent: "sendBack", note: "" }),
      400,
      (o) => expect(o.fieldErrors?.note).toEqual(["cases.errors.note_required"]),
    ],
    ["opening a case for discussion by a member", () => onCase(mentor, ids.submitted, { intent: "open" }), 403, () => {}],
    ["a reply to a case id that is not one", () => onCase(mentor, "pas-un-uuid", { intent: "reply", body: "Bonjour" }), 404, () => {}],
  ];
  it.each(cases)("%s", async (label, run, status, check) => {
    const before = await count();
    const res = await run();
    expect(res.status, `${label}: ${res.body.slice(0, 400)}`).toBe(status);
    if (status >= 400) {
      check(outcomeOf(res));
      expect(await count()).toEqual(before);
    }
  });

  it("the unverified, the anonymous and the outsider get no case page, no edit page, no review list", async () => {
    for (const path of [`/cases/${ids.open}`, `/cases/${ids.draft}/edit`, "/cases/review", "/cases"]) {
      expect((await nouveau.get(path)).status, path).toBe(403);
      expect([302, 303]).toContain((await anon.get(path)).status);
    }
    expect((await mentor.get(`/cases/${ids.draft}`)).status).toBe(404);
    expect((await mentor.get(`/cases/${ids.draft}/edit`)).status).toBe(404);
    expect((await mentor.get("/cases/pas-un-uuid/edit")).status).toBe(404);
    // A verified member without a review role sees an empty review list, not others' data.
    const review = await mentor.get("/cases/review");
    expect(review.status).toBe(200);
    expect(review.body).not.toContain("Fentanyl fumé malgré méthadone");
    const forAdmin = await admin.get("/cases/review");
    expect(forAdmin.body).toContain("Fentanyl fumé malgré méthadone");
  });

  it("the demo case was seeded through the guard: open, with its recommendations, named bylines and the presenter's pseudonym", async () => {
    const list = await mentor.get("/cases");
    const href = new RegExp(`href="(/cases/[0-9a-f-]{36})"[^>]*>${DEMO_CASE.title}`).exec(list.body)?.[1];
    expect(href, "demo case listed for a verified member").toBeTruthy();
    const page = visibleText((await mentor.get(href ?? "")).body);
    expect(page).toContain("Recommandations rédigées");
    expect(page).toContain("Marc-André Lévesque");
    expect(page).toContain("Geneviève Tremblay");
    expect(page).toContain("infirmière, région 09");
    expect(page).not.toContain("Isabelle Gagnon");
    expect((await nouveau.get(href ?? "")).status).toBe(403);
    expect(findIdentifiers([DEMO_CASE.question, DEMO_CASE.socialSituation, DEMO_CASE.whatTried, DEMO_CASE.details].join("\n"))).toEqual([]);
  });
});
