// Clinical cases, second part: participants are notified (bell, live push, email after
// the person's delay offline); per-finding overrides of the identifier guard (only that
// finding passes, stored with reason/who/when, RLS per role, audited); review with a
// send-back note; designated experts; cases in /search under the same RLS; citations of
// tools and topics. Runs on PGlite and on PostgreSQL (TEST_DB=postgres).
import pino from "pino";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  createCase,
  designateExpert,
  followUpCase,
  getCase,
  getExpertsPanel,
  getReviewQueue,
  recommendOnCase,
  removeExpert,
  replyToCase,
  sendBackCase,
  submitCase,
  updateCase,
} from "~/modules/cases/cases.server";
import { afterCasePost } from "~/modules/cases/notify.server";
import { sendDueNotificationEmails } from "~/modules/notifications/notifications.server";
import { search } from "~/modules/search/search.server";
import { searchSchema } from "~/modules/search/schemas";
import type { RealtimeBridge } from "~/utils/context";
import type { Claims, Tx } from "~/utils/db.server";
import { createMailer } from "~/utils/mail.server";
import { createTestDatabase, type TestDatabase, type TestUser } from "../setup/test-db";
import { caseTemplate, createCaseCast, nam, openCase, type Who } from "./cases-cast";

let t: TestDatabase;
let p: Record<Who, TestUser>;
let privateSpace = "";
const system = <T>(fn: (tx: Tx) => Promise<T>) => t.db.asSystem("test: fixtures and read back", fn);
const emitted: Array<{ users: string[]; event: string; payload: unknown }> = [];
const realtime: RealtimeBridge = {
  async disconnectUser() {},
  emitToUsers: (users, event, payload) => void emitted.push({ users, event, payload }),
  emitToRoom: () => {},
  joinRoom() {},
  leaveRoom() {},
};
const logger = pino({ level: "silent" });
const context = () => ({ db: t.db, realtime, logger });

const HELPLINE = "1 800 265-2626";
const template = caseTemplate;
const helplineOverride = (field = "details", reason = "Ligne d'aide provinciale publique, pas un patient") => ({
  field,
  kind: "phone",
  match: HELPLINE,
  reason,
});

const openCaseAs = async (user: TestUser, over: Record<string, unknown> = {}) => (await openCase(t.db, user, over)).id;
async function post(fn: typeof replyToCase, user: TestUser, caseId: string, body: string, kind: "reply" | "recommendation" | "follow_up") {
  const result = await fn(t.db, user.claims, caseId, { body });
  if (!result.ok) throw new Error(JSON.stringify(result));
  return afterCasePost(context(), { caseId, postId: result.id, kind, actorId: user.id });
}
const notificationsOf = (userId: string, caseId: string) =>
  system((tx) =>
    tx
      .selectFrom("notifications")
      .select(["kind", "payload", "count", "emailed_at"])
      .where("user_id", "=", userId)
      .where(sql<boolean>`payload->>'caseId' = ${caseId}`)
      .orderBy("id")
      .execute(),
  );

beforeAll(async () => {
  t = await createTestDatabase();
  ({ people: p, privateSpace } = await createCaseCast(t.db, "echo-cote-nord-2"));
}, 120_000);
afterAll(() => t?.cleanup());

describe("people who took part are notified", () => {
  test("reply → presenter; recommendations → presenter and repliers; follow-up → everyone who took part, never the actor", async () => {
    const id = await openCaseAs(p.presenter);
    emitted.length = 0;
    expect(await post(replyToCase, p.verified, id, "Avez-vous envisagé la morphine à libération lente?", "reply")).toEqual([
      p.presenter.id,
    ]);
    expect(await post(recommendOnCase, p.mentor, id, "Augmenter de 10 mg aux 5 jours, ECG de contrôle.", "recommendation")).toEqual(
      expect.arrayContaining([p.presenter.id, p.verified.id]),
    );
    const followed = await post(followUpCase, p.presenter, id, "Stabilisée à 110 mg, consommation réduite.", "follow_up");
    expect(followed.sort()).toEqual([p.verified.id, p.mentor.id].sort());

    const presenter = await notificationsOf(p.presenter.id, id);
    expect(presenter.map((n) => n.kind)).toEqual(["cases.reply", "cases.recommendation"]);
    expect(presenter[0]?.payload).toMatchObject({
      actorName: "Pair vérifié",
      title: "Fentanyl fumé malgré méthadone",
      url: `/cases/${id}`,
    });
    const verified = await notificationsOf(p.verified.id, id);
    expect(verified.map((n) => n.kind)).toEqual(["cases.recommendation", "cases.follow_up"]);
    // Under a pseudonym, the presenter is named by it.
    expect(verified[1]?.payload).toMatchObject({ actorName: "infirmière, région 09" });
    expect(JSON.stringify(verified)).not.toContain("Présentatrice");
    // Nothing that was written is in a notification.
    expect(JSON.stringify([...presenter, ...verified])).not.toMatch(/morphine|ECG|110 mg/);
    expect(await notificationsOf(p.mentor.id, id)).toMatchObject([{ kind: "cases.follow_up" }]);
    for (const u of [p.unverified, p.moderator, p.admin, p.outsider]) expect(await notificationsOf(u.id, id)).toEqual([]);

    // Live: each notified person got notification:new on their own sockets.
    const pushed = emitted.filter((e) => e.event === "notification:new").flatMap((e) => e.users);
    expect(pushed.sort()).toEqual([p.presenter.id, p.presenter.id, p.verified.id, p.verified.id, p.mentor.id].sort());
  });

  test("more replies collapse into one unread notification; email follows the person's settings (after their delay offline)", async () => {
    const id = await openCaseAs(p.presenter);
    await post(replyToCase, p.verified, id, "Première réponse sur la dose.", "reply");
    await post(replyToCase, p.mentor, id, "Deuxième réponse sur la dose.", "reply");
    const rows = await notificationsOf(p.presenter.id, id);
    expect(rows).toMatchObject([{ kind: "cases.reply", count: 2, emailed_at: null }]);
    // The presenter chose "never" by email: no mail; the verified peer keeps the default delay.
    await system(async (tx) => {
      await tx.insertInto("notification_settings").values({ user_id: p.presenter.id, email_delay_minutes: null }).execute();
      await tx
        .updateTable("notifications")
        .set({ created_at: sql`now() - interval '2 hours'` })
        .where(sql<boolean>`payload->>'caseId' = ${id}`)
        .execute();
    });
    await post(recommendOnCase, p.mentor, id, "Recommandation écrite.", "recommendation");
    await system((tx) =>
      tx
        .updateTable("notifications")
        .set({ created_at: sql`now() - interval '2 hours'` })
        .where(sql<boolean>`payload->>'caseId' = ${id}`)
        .execute(),
    );
    await system((tx) => tx.deleteFrom("outbox").execute());
    const mail = createMailer({ db: t.db, from: "passerelle@example.org", logger });
    await sendDueNotificationEmails({
      db: t.db,
      mail,
      publicUrl: "https://passerelle.example",
      secret: "test-secret-for-case-emails-0123456789",
    });
    const out = await system((tx) =>
      tx
        .selectFrom("outbox")
        .innerJoin("profile_private as pp", "pp.contact_email", "outbox.to_email")
        .select(["pp.user_id", "outbox.body_text"])
        .execute(),
    );
    expect(out.map((o) => o.user_id)).toContain(p.verified.id);
    expect(out.map((o) => o.user_id)).not.toContain(p.presenter.id);
    const toPeer = out.find((o) => o.user_id === p.verified.id)?.body_text ?? "";
    expect(toPeer).toContain("Fentanyl fumé malgré méthadone");
    expect(toPeer).not.toContain("Recommandation écrite");
  });

  test("a participant who left the private space is no longer notified", async () => {
    const created = await createCase(t.db, p.presenter.claims, template({ spaceId: privateSpace, title: "Cas ECHO notifications" }));
    if (!created.ok) throw new Error(JSON.stringify(created));
    await submitCase(t.db, p.presenter.claims, created.id, { attestNotIdentifiable: "on" });
    await t.db.withUser(p.spaceMod.claims, (tx) => tx.updateTable("cases").set({ status: "open" }).where("id", "=", created.id).execute());
    await post(replyToCase, p.member, created.id, "Réponse d'un membre du groupe.", "reply");
    await system((tx) => tx.deleteFrom("space_members").where("space_id", "=", privateSpace).where("user_id", "=", p.member.id).execute());
    expect(await post(followUpCase, p.presenter, created.id, "Suivi après deux semaines.", "follow_up")).toEqual([]);
    await system((tx) =>
      tx
        .insertInto("space_members")
        .values({ space_id: privateSpace, user_id: p.member.id, role: "member", added_by: p.admin.id })
        .execute(),
    );
  });
});

describe("per-finding overrides", () => {
  const countCases = () =>
    system(async (tx) =>
      Number(
        (
          await tx
            .selectFrom("cases")
            .select((eb) => eb.fn.countAll().as("n"))
            .executeTakeFirstOrThrow()
        ).n,
      ),
    );
  const overridesOf = (caseId: string) =>
    system((tx) => tx.selectFrom("case_identifier_overrides").selectAll().where("case_id", "=", caseId).execute());

  test("only the named finding passes; the others still block and nothing is saved", async () => {
    const before = await countCases();
    const text = `Orientée vers la ligne provinciale au ${HELPLINE}. Carte ${nam}, née le 12 mars 1987.`;
    const refusedFirst = await createCase(t.db, p.presenter.claims, template({ details: text }), [helplineOverride()]);
    expect(refusedFirst.ok).toBe(false);
    if (refusedFirst.ok) return;
    expect(refusedFirst.status).toBe(400);
    expect(refusedFirst.findings?.map((f) => f.kind)).toEqual(["nam", "date_of_birth"]);
    // Same text in another field, or the same field with another kind: not covered.
    const elsewhere = await createCase(
      t.db,
      p.presenter.claims,
      template({ details: "", question: `Que faire? Ligne ${HELPLINE} donnée.` }),
      [helplineOverride()],
    );
    expect(elsewhere).toMatchObject({ ok: false, status: 400, findings: [{ field: "question", kind: "phone" }] });
    const otherKind = await createCase(t.db, p.presenter.claims, template({ details: `Ligne ${HELPLINE}.` }), [
      { ...helplineOverride(), kind: "record_number" },
    ]);
    expect(otherKind).toMatchObject({ ok: false, status: 400 });
    expect(await countCases()).toBe(before);
  });

  test("bad override input: a missing reason or a reason that itself identifies → 400, nothing saved", async () => {
    const before = await countCases();
    const details = `Ligne ${HELPLINE}.`;
    expect(await createCase(t.db, p.presenter.claims, template({ details }), [helplineOverride("details", "ok")])).toMatchObject({
      ok: false,
      status: 400,
      fieldErrors: { overrides: ["identifierGuard.errors.override_reason_required"] },
    });
    expect(
      await createCase(t.db, p.presenter.claims, template({ details }), [helplineOverride("details", "c'est le numéro 514 555-1234")]),
    ).toMatchObject({ ok: false, status: 400, fieldErrors: { overrides: ["identifierGuard.errors.override_reason_identifies"] } });
    expect(await createCase(t.db, p.presenter.claims, template({ details }), "pas une liste")).toMatchObject({ ok: false, status: 400 });
    expect(await countCases()).toBe(before);
  });

  test("the save goes through; the override is stored with reason, who and when, audited, and still stands at submission", async () => {
    const created = await createCase(
      t.db,
      p.presenter.claims,
      template({ details: `Orientée vers la ligne provinciale au ${HELPLINE}.` }),
      [helplineOverride(), { field: "title", kind: "nam", match: "ABCD12345678", reason: "Ne correspond à rien de trouvé" }],
    );
    expect(created.ok).toBe(true);
    if (!created.ok) return;
    const stored = await overridesOf(created.id);
    // An override naming nothing that was found is not kept.
    expect(stored).toMatchObject([
      {
        field: "details",
        kind: "phone",
        match: HELPLINE,
        reason: "Ligne d'aide provinciale publique, pas un patient",
        author_id: p.presenter.id,
        post_id: null,
      },
    ]);
    expect(stored[0]?.created_at).toBeInstanceOf(Date);
    const audit = await system((tx) =>
      tx
        .selectFrom("audit_log")
        .select(["actor_id", "details"])
        .where("action", "=", "case.identifier_override")
        .where("target_id", "=", created.id)
        .execute(),
    );
    expect(audit).toMatchObject([{ actor_id: p.presenter.id, details: { field: "details", kind: "phone" } }]);
    // Editing keeps it standing for the same finding; a new finding still blocks.
    expect(await updateCase(t.db, p.presenter.claims, created.id, template({ details: `Ligne provinciale : ${HELPLINE}.` }))).toEqual({
      ok: true,
      id: created.id,
    });
    expect(
      await updateCase(t.db, p.presenter.claims, created.id, template({ details: `Ligne ${HELPLINE}, cell 418 555-0199.` })),
    ).toMatchObject({ ok: false, status: 400, findings: [{ match: "418 555-0199" }] });
    expect(await submitCase(t.db, p.presenter.claims, created.id, { attestNotIdentifiable: "on" })).toEqual({ ok: true, status: "open" });
  });

  test("replies can override too (stored with the post)", async () => {
    const id = await openCaseAs(p.presenter);
    expect(await replyToCase(t.db, p.verified.claims, id, { body: `Donnez-lui le ${HELPLINE}.` })).toMatchObject({
      ok: false,
      status: 400,
    });
    const ok = await replyToCase(t.db, p.verified.claims, id, { body: `Donnez-lui le ${HELPLINE}.` }, [helplineOverride("body")]);
    expect(ok.ok).toBe(true);
    if (!ok.ok) return;
    expect(await overridesOf(id)).toMatchObject([{ post_id: ok.id, author_id: p.verified.id, field: "body" }]);
  });

  test("RLS per role: the author and the case's moderators read overrides; nobody else; no one writes on another's case", async () => {
    const c = await createCase(t.db, p.presenter.claims, template({ details: `Ligne ${HELPLINE}.` }), [helplineOverride()]);
    if (!c.ok) throw new Error(JSON.stringify(c));
    await submitCase(t.db, p.presenter.claims, c.id, { attestNotIdentifiable: "on" });
    const id = c.id;
    const read = (u: TestUser) =>
      t.db.withUser(u.claims, (tx) =>
        tx.selectFrom("case_identifier_overrides").select(["id", "reason"]).where("case_id", "=", id).execute(),
      );
    expect(await read(p.presenter)).toHaveLength(1);
    expect(await read(p.moderator)).toHaveLength(1);
    expect(await read(p.admin)).toHaveLength(1);
    for (const u of [p.verified, p.mentor, p.unverified, p.member, p.outsider, p.spaceMod]) expect(await read(u)).toEqual([]);
    await expect(t.db.withUser(null, (tx) => tx.selectFrom("case_identifier_overrides").select("id").execute())).rejects.toThrow(
      /permission denied/,
    );
    // A peer cannot attach an override to someone else's case, even directly.
    await expect(
      t.db.withUser(p.verified.claims, (tx) =>
        tx
          .insertInto("case_identifier_overrides")
          .values({ case_id: id, field: "details", kind: "phone", match: "x", reason: "tentative directe" })
          .execute(),
      ),
    ).rejects.toThrow(/not allowed|row-level|permission/);
    await expect(
      t.db.withUser(p.unverified.claims, (tx) =>
        tx
          .insertInto("case_identifier_overrides")
          .values({ case_id: id, field: "details", kind: "phone", match: "x", reason: "tentative directe" })
          .execute(),
      ),
    ).rejects.toThrow();
    // No one edits or deletes an override.
    await expect(
      t.db.withUser(p.presenter.claims, (tx) =>
        tx.updateTable("case_identifier_overrides").set({ reason: "changée après coup" }).where("case_id", "=", id).execute(),
      ),
    ).rejects.toThrow(/permission denied/);
    await expect(
      t.db.withUser(p.admin.claims, (tx) => tx.deleteFrom("case_identifier_overrides").where("case_id", "=", id).execute()),
    ).rejects.toThrow(/permission denied/);

    // Shown to moderators on the case and in their review list; not to peers.
    expect((await getCase(t.db, p.moderator.claims, id))?.overrides).toHaveLength(1);
    expect((await getCase(t.db, p.verified.claims, id))?.overrides).toEqual([]);
    expect((await getReviewQueue(t.db, p.moderator.claims)).overrides.some((o) => o.caseId === id && o.match === HELPLINE)).toBe(true);
    expect((await getReviewQueue(t.db, p.verified.claims)).overrides).toEqual([]);
  });

  test("in a private space, its coordinator sees the overrides and the global moderators do not", async () => {
    const c = await createCase(t.db, p.presenter.claims, template({ spaceId: privateSpace, details: `Ligne ${HELPLINE}.` }), [
      helplineOverride(),
    ]);
    if (!c.ok) throw new Error(JSON.stringify(c));
    const read = (u: TestUser) =>
      t.db.withUser(u.claims, (tx) => tx.selectFrom("case_identifier_overrides").select("id").where("case_id", "=", c.id).execute());
    expect(await read(p.spaceMod)).toHaveLength(1);
    expect(await read(p.moderator)).toEqual([]);
    expect(await read(p.member)).toEqual([]);
  });
});

describe("review: open or send back with a note", () => {
  test("the coordinator sends a submitted case back; the presenter edits and resubmits; peers cannot", async () => {
    const c = await createCase(t.db, p.presenter.claims, template({ spaceId: privateSpace, title: "Cas à revoir" }));
    if (!c.ok) throw new Error(JSON.stringify(c));
    expect(await submitCase(t.db, p.presenter.claims, c.id, { attestNotIdentifiable: "on" })).toEqual({ ok: true, status: "submitted" });
    expect((await getReviewQueue(t.db, p.spaceMod.claims)).waiting.map((w) => w.id)).toContain(c.id);
    expect((await getReviewQueue(t.db, p.member.claims)).waiting).toEqual([]);
    expect((await getReviewQueue(t.db, p.moderator.claims)).waiting.map((w) => w.id)).not.toContain(c.id);

    expect(await sendBackCase(t.db, p.member.claims, c.id, { note: "Précisez la question." })).toMatchObject({ ok: false, status: 403 });
    expect(await sendBackCase(t.db, p.spaceMod.claims, c.id, { note: "" })).toMatchObject({
      ok: false,
      status: 400,
      fieldErrors: { note: ["cases.errors.note_required"] },
    });
    expect(await sendBackCase(t.db, p.spaceMod.claims, c.id, { note: "Appelez-moi au 514 555-1234" })).toMatchObject({
      ok: false,
      status: 400,
    });
    expect(await sendBackCase(t.db, p.spaceMod.claims, "pas-un-id", { note: "Précisez la question." })).toMatchObject({
      ok: false,
      status: 404,
    });
    expect(await sendBackCase(t.db, p.spaceMod.claims, c.id, { note: "Précisez la question pour le groupe." })).toEqual({ ok: true });

    const back = await getCase(t.db, p.presenter.claims, c.id);
    expect(back?.case).toMatchObject({ status: "draft", review_note: "Précisez la question pour le groupe.", attested_at: null });
    expect(
      await system(
        async (tx) =>
          await tx
            .selectFrom("audit_log")
            .select("actor_id")
            .where("action", "=", "case.sent_back")
            .where("target_id", "=", c.id)
            .execute(),
      ),
    ).toEqual([{ actor_id: p.spaceMod.id }]);
    // Clients cannot write the note themselves.
    await expect(
      t.db.withUser(p.presenter.claims, (tx) => sql`update public.cases set review_note = 'moi-même' where id = ${c.id}::uuid`.execute(tx)),
    ).rejects.toThrow(/permission denied/);
    expect(
      await updateCase(
        t.db,
        p.presenter.claims,
        c.id,
        template({ spaceId: privateSpace, title: "Cas revu", question: "Quelle dose viser pour la stabilité?" }),
      ),
    ).toEqual({ ok: true, id: c.id });
    expect(await submitCase(t.db, p.presenter.claims, c.id, { attestNotIdentifiable: "on" })).toEqual({ ok: true, status: "submitted" });
    // Once open, it cannot be sent back.
    await t.db.withUser(p.spaceMod.claims, (tx) => tx.updateTable("cases").set({ status: "open" }).where("id", "=", c.id).execute());
    expect(await sendBackCase(t.db, p.spaceMod.claims, c.id, { note: "Trop tard pour renvoyer." })).toMatchObject({
      ok: false,
      status: 403,
    });
  });
});

describe("designated experts write recommendations", () => {
  test("an expert for every case, or for one space's cases; designations per role", async () => {
    const id = await openCaseAs(p.presenter);
    expect(await recommendOnCase(t.db, p.verified.claims, id, { body: "Avis d'un pair" })).toMatchObject({ ok: false, status: 403 });
    // Only admins designate experts for every case; a peer or a global moderator cannot.
    await expect(
      t.db.withUser(p.verified.claims, (tx) =>
        tx.insertInto("case_experts").values({ user_id: p.verified.id, designated_by: p.verified.id }).execute(),
      ),
    ).rejects.toThrow();
    await expect(
      t.db.withUser(p.moderator.claims, (tx) =>
        tx.insertInto("case_experts").values({ user_id: p.verified.id, designated_by: p.moderator.id }).execute(),
      ),
    ).rejects.toThrow();
    await t.db.withUser(p.admin.claims, (tx) =>
      tx.insertInto("case_experts").values({ user_id: p.verified.id, designated_by: p.admin.id }).execute(),
    );
    expect(await recommendOnCase(t.db, p.verified.claims, id, { body: "Recommandation de l'experte désignée." })).toMatchObject({
      ok: true,
    });

    // A space's coordinator designates an expert for that space's cases only.
    await t.db.withUser(p.spaceMod.claims, (tx) =>
      tx.insertInto("case_experts").values({ user_id: p.expert.id, space_id: privateSpace, designated_by: p.spaceMod.id }).execute(),
    );
    await expect(
      t.db.withUser(p.spaceMod.claims, (tx) =>
        tx.insertInto("case_experts").values({ user_id: p.expert.id, designated_by: p.spaceMod.id }).execute(),
      ),
    ).rejects.toThrow();
    const c = await createCase(t.db, p.presenter.claims, template({ spaceId: privateSpace, title: "Cas ECHO expert" }));
    if (!c.ok) throw new Error(JSON.stringify(c));
    await submitCase(t.db, p.presenter.claims, c.id, { attestNotIdentifiable: "on" });
    await t.db.withUser(p.spaceMod.claims, (tx) => tx.updateTable("cases").set({ status: "open" }).where("id", "=", c.id).execute());
    expect(await recommendOnCase(t.db, p.expert.claims, c.id, { body: "Recommandation pour le groupe." })).toMatchObject({ ok: true });
    expect(await recommendOnCase(t.db, p.member.claims, c.id, { body: "Un membre sans désignation." })).toMatchObject({
      ok: false,
      status: 403,
    });
    const verifiedCase = await openCaseAs(p.presenter);
    expect(await recommendOnCase(t.db, p.expert.claims, verifiedCase, { body: "Hors de mon espace." })).toMatchObject({
      ok: false,
      status: 403,
    });

    const designations = (u: TestUser) =>
      t.db.withUser(u.claims, (tx) => tx.selectFrom("case_experts").select(["user_id", "space_id"]).execute());
    expect(await designations(p.admin)).toHaveLength(2);
    expect(await designations(p.spaceMod)).toEqual([{ user_id: p.expert.id, space_id: privateSpace }]);
    expect(await designations(p.expert)).toEqual([{ user_id: p.expert.id, space_id: privateSpace }]);
    expect(await designations(p.member)).toEqual([]);
    expect(await designations(p.unverified)).toEqual([]);
    await expect(t.db.withUser(null, (tx) => tx.selectFrom("case_experts").select("id").execute())).rejects.toThrow(/permission denied/);
  });
});

describe("managing designations through the module", () => {
  test("admins designate everywhere, coordinators in their space; bad input 400, duplicates 409, others 403", async () => {
    await system((tx) =>
      tx.updateTable("profiles").set({ directory_opt_in: true }).where("id", "in", [p.member.id, p.mentor.id]).execute(),
    );
    expect(await getExpertsPanel(t.db, p.verified.claims)).toBeNull();
    expect(await getExpertsPanel(t.db, p.moderator.claims)).toBeNull();
    const coordinator = await getExpertsPanel(t.db, p.spaceMod.claims);
    expect(coordinator?.canDesignateEverywhere).toBe(false);
    expect(coordinator?.scopes.map((s) => s.id)).toEqual([privateSpace]);
    expect(coordinator?.candidates.map((c) => c.id)).toContain(p.member.id);

    expect(await designateExpert(t.db, p.spaceMod.claims, { userId: "x" })).toMatchObject({
      ok: false,
      status: 400,
      fieldErrors: { userId: ["cases.errors.expert_required"] },
    });
    expect(await designateExpert(t.db, p.spaceMod.claims, { userId: p.unverified.id, spaceId: privateSpace })).toMatchObject({
      ok: false,
      status: 400,
    });
    expect(await designateExpert(t.db, p.spaceMod.claims, { userId: p.member.id })).toMatchObject({ ok: false, status: 403 });
    expect(await designateExpert(t.db, p.spaceMod.claims, { userId: p.member.id, spaceId: privateSpace })).toEqual({ ok: true });
    expect(await designateExpert(t.db, p.spaceMod.claims, { userId: p.member.id, spaceId: privateSpace })).toMatchObject({
      ok: false,
      status: 409,
    });
    expect(await designateExpert(t.db, p.verified.claims, { userId: p.mentor.id, spaceId: privateSpace })).toMatchObject({
      ok: false,
      status: 403,
    });
    const mine = (await getExpertsPanel(t.db, p.spaceMod.claims))?.experts.find((e) => e.userId === p.member.id);
    expect(mine).toMatchObject({ name: "Membre ECHO 09", spaceId: privateSpace });
    expect(await removeExpert(t.db, p.verified.claims, { expertId: mine!.id })).toMatchObject({ ok: false, status: 403 });
    expect(await removeExpert(t.db, p.spaceMod.claims, { expertId: "abc" })).toMatchObject({ ok: false, status: 400 });
    expect(await removeExpert(t.db, p.spaceMod.claims, { expertId: mine!.id })).toEqual({ ok: true });
    expect((await getExpertsPanel(t.db, p.admin.claims))?.canDesignateEverywhere).toBe(true);
    expect(await designateExpert(t.db, p.admin.claims, { userId: p.mentor.id, spaceId: "" })).toEqual({ ok: true });
  });
});

describe("cases in the one search", () => {
  const titlesFound = async (claims: Claims, q: string) =>
    (await search(t.db, claims, searchSchema.parse({ q }))).cases.hits.map((h) => h.title.map((r) => r.text).join(""));

  test("found by readers (unaccented French); never by an unverified member, an outsider or a visitor, title included", async () => {
    await openCaseAs(p.presenter, {
      title: "Sevrage précipité sous buprénorphine",
      question: "Comment éviter le sevrage précipité à l'induction?",
    });
    const c = await createCase(
      t.db,
      p.presenter.claims,
      template({ spaceId: privateSpace, title: "Xylazine et plaies en région éloignée", question: "Quelles options de soins de plaies?" }),
    );
    if (!c.ok) throw new Error(JSON.stringify(c));
    await submitCase(t.db, p.presenter.claims, c.id, { attestNotIdentifiable: "on" });

    expect(await titlesFound(p.verified.claims, "sevrage precipite")).toContain("Sevrage précipité sous buprénorphine");
    expect(await titlesFound(p.mentor.claims, "buprenorphine")).toContain("Sevrage précipité sous buprénorphine");
    expect(await titlesFound(p.unverified.claims, "sevrage precipite")).toEqual([]);
    expect(await titlesFound(null, "sevrage precipite")).toEqual([]);

    // Waiting for review: its coordinator and presenter find it, members not yet.
    expect(await titlesFound(p.spaceMod.claims, "xylazine")).toEqual(["Xylazine et plaies en région éloignée"]);
    expect(await titlesFound(p.member.claims, "xylazine")).toEqual([]);
    await t.db.withUser(p.spaceMod.claims, (tx) => tx.updateTable("cases").set({ status: "open" }).where("id", "=", c.id).execute());
    expect(await titlesFound(p.member.claims, "plaies eloignee")).toEqual(["Xylazine et plaies en région éloignée"]);
    for (const u of [p.outsider, p.verified, p.mentor, p.moderator, p.unverified])
      expect(await titlesFound(u.claims, "xylazine")).toEqual([]);
    expect(await titlesFound(null, "xylazine")).toEqual([]);
    // Replies are searched too, with the same rule.
    expect((await replyToCase(t.db, p.member.claims, c.id, { body: "Pansements hydrocolloïdes et suivi infirmier." })).ok).toBe(true);
    expect(await titlesFound(p.member.claims, "hydrocolloides")).toEqual(["Xylazine et plaies en région éloignée"]);
    expect(await titlesFound(p.outsider.claims, "hydrocolloides")).toEqual([]);
  });
});

describe("citing tools and topics", () => {
  test("a case cites a tool of the library: the link is rendered, listed on the page, and counted as a citation readable with the case", async () => {
    const toolId = await system(
      async (tx) =>
        (
          await tx
            .insertInto("tools")
            .values({
              title: "Guide TAO de l'INESSS",
              kind: "guide",
              topics: ["tuo"],
              url: "https://www.inesss.qc.ca/",
              status: "published",
            })
            .returning("id")
            .executeTakeFirstOrThrow()
        ).id,
    );
    const doc = JSON.stringify({
      type: "doc",
      content: [
        {
          type: "paragraph",
          content: [
            { type: "text", text: "Voir " },
            { type: "reference", attrs: { kind: "tool", id: toolId, label: "n'importe quoi" } },
            { type: "text", text: " pour l'induction." },
          ],
        },
      ],
    });
    const created = await createCase(t.db, p.presenter.claims, template({ details: undefined, detailsJson: doc }));
    if (!created.ok) throw new Error(JSON.stringify(created));
    await submitCase(t.db, p.presenter.claims, created.id, { attestNotIdentifiable: "on" });
    const view = await getCase(t.db, p.verified.claims, created.id);
    expect(view?.citations).toEqual([{ kind: "tool", id: toolId, label: "Guide TAO de l'INESSS", href: `/tools/${toolId}` }]);
    expect(view?.detailsHtml).toContain(`href="/tools/${toolId}"`);
    const citations = (u: TestUser) =>
      t.db.withUser(u.claims, (tx) =>
        tx.selectFrom("tool_citations").select(["tool_id"]).where("source_kind", "=", "case").where("source_id", "=", created.id).execute(),
      );
    expect(await citations(p.verified)).toEqual([{ tool_id: toolId }]);
    expect(await citations(p.unverified)).toEqual([]);

    // A reply citing a forum topic by its address is listed too.
    const reply = await replyToCase(t.db, p.mentor.claims, created.id, {
      body: "Voir aussi [la discussion](https://passerelle.example/forums/t/42).",
    });
    expect(reply.ok).toBe(true);
    expect((await getCase(t.db, p.verified.claims, created.id))?.citations.map((c) => c.kind)).toEqual(["tool", "topic"]);
  });

  test("references must exist and be readable by every reader of the case; mentions are refused", async () => {
    const ref = (attrs: Record<string, string>) =>
      JSON.stringify({ type: "doc", content: [{ type: "paragraph", content: [{ type: "reference", attrs }] }] });
    expect(
      await createCase(
        t.db,
        p.presenter.claims,
        template({ details: undefined, detailsJson: ref({ kind: "topic", id: "999999", label: "Sujet privé" }) }),
      ),
    ).toMatchObject({ ok: false, status: 400, fieldErrors: { details: ["forums.richText.errors.bad_reference"] } });
    const mention = JSON.stringify({
      type: "doc",
      content: [{ type: "paragraph", content: [{ type: "mention", attrs: { id: p.verified.id, label: "Pair" } }] }],
    });
    expect(await createCase(t.db, p.presenter.claims, template({ details: undefined, detailsJson: mention }))).toMatchObject({
      ok: false,
      status: 400,
      fieldErrors: { details: ["forums.richText.errors.bad_mention"] },
    });
  });
});
