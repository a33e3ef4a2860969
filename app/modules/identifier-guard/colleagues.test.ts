// Colleagues greet each other by name: a message to Marc-André saying "Bonjour Marc-André"
// names no patient. A mention (@Name) is a member too. A patient's name still blocks.
import { describe, expect, it } from "vitest";
import { assertNoIdentifiers, assertNoIdentifiersAmong, checkTextAmong } from "./guard.server";

const kinds = (r: ReturnType<typeof assertNoIdentifiers>) => (r.ok ? [] : (r.findings ?? []).map((f) => [f.kind, f.match]));

describe("names of colleagues", () => {
  it("lets a greeting to a member of the conversation through, with or without accents", () => {
    expect(
      assertNoIdentifiers({ body: "Bonjour Marc-André, as-tu le protocole TAO à jour ?" }, undefined, [], {
        colleagues: ["Marc-André Lévesque"],
      }).ok,
    ).toBe(true);
    expect(assertNoIdentifiers({ body: "Merci Isabelle !" }, undefined, [], { colleagues: ["Isabelle Gagnon"] }).ok).toBe(true);
  });

  it("still refuses the same greeting when the person is not among the colleagues", () => {
    expect(
      kinds(assertNoIdentifiers({ body: "Bonjour Bertrand, une question privée." }, undefined, [], { colleagues: ["Marc Roy"] })),
    ).toEqual([["name", "Bonjour Bertrand"]]);
  });

  it("refuses a patient's name beside a colleague's", () => {
    const result = assertNoIdentifiers({ body: "Marc-André, sa conjointe Josée Tremblay a appelé." }, undefined, [], {
      colleagues: ["Marc-André Lévesque"],
    });
    expect(kinds(result).map(([kind]) => kind)).toContain("name");
    expect(kinds(result).some(([, match]) => match?.includes("Josée"))).toBe(true);
  });

  it("lets a mention of a member through (@Name), but not a patient's name typed after an @", () => {
    const colleagues = ["Ben Ouellet", "Chloé Roy"];
    expect(assertNoIdentifiers({ body: "Merci @Ben Ouellet et @Chloé Roy" }, undefined, [], { colleagues }).ok).toBe(true);
    expect(kinds(assertNoIdentifiers({ body: "Merci @Ben Ouellet, @Josée Tremblay a rappelé." }, undefined, [], { colleagues }))).toEqual([
      ["name", "Josée Tremblay"],
    ]);
    expect(assertNoIdentifiers({ body: "Merci @Ben Ouellet" }).ok).toBe(false);
  });

  it("does not pool words across colleagues: a Marc and a Roy among them do not make a Marc Roy", () => {
    expect(
      kinds(
        assertNoIdentifiers({ body: "Bonjour, Mme Marc Roy a appelé." }, undefined, [], { colleagues: ["Marc Gagnon", "Josée Roy"] }),
      ).map(([kind]) => kind),
    ).toEqual(["name"]);
    expect(assertNoIdentifiers({ body: "Dre Roy a revu la prescription." }, undefined, [], { colleagues: ["Chloé Roy"] }).ok).toBe(true);
  });

  it("keeps a surname after M./Mme as a finding even when a colleague bears it (patients share Quebec's frequent surnames)", () => {
    expect(kinds(assertNoIdentifiers({ body: "Mme Roy a rechuté." }, undefined, [], { colleagues: ["Chloé Roy"] }))).toEqual([
      ["name", "Roy"],
    ]);
    expect(kinds(assertNoIdentifiers({ body: "Question pour M. Gagnon" }, undefined, [], { colleagues: ["Isabelle Gagnon"] }))).toEqual([
      ["name", "Gagnon"],
    ]);
    expect(
      assertNoIdentifiers({ body: "Merci Isabelle Gagnon pour le suivi." }, undefined, [], { colleagues: ["Isabelle Gagnon"] }).ok,
    ).toBe(true);
  });
});

describe("the exemption inside the server-side check", () => {
  it("asks for the colleagues only when a name is found, then lets theirs through", async () => {
    let asked = 0;
    const colleagues = async () => ((asked += 1), ["Marc-André Lévesque"]);
    expect((await assertNoIdentifiersAmong({ body: "Méthadone 80 mg depuis mars, suivi au CLSC." }, undefined, [], colleagues)).ok).toBe(
      true,
    );
    expect(asked).toBe(0);
    expect((await assertNoIdentifiersAmong({ body: "Bonjour Marc-André, le suivi est fait." }, undefined, [], colleagues)).ok).toBe(true);
    expect(asked).toBe(1);
  });

  it("keeps refusing a patient's name, and the other findings, next to a colleague's", async () => {
    const result = await assertNoIdentifiersAmong(
      { body: "Bonjour Marc-André, son fils Kevin Tremblay appelle au 418 555-1234." },
      undefined,
      [],
      async () => ["Marc-André Lévesque"],
    );
    expect(kinds(result).map(([kind, match]) => [kind, match])).toEqual([
      ["name", "Kevin Tremblay"],
      ["phone", "418 555-1234"],
    ]);
  });

  it("checkTextAmong (cases) answers the same way", async () => {
    expect((await checkTextAmong({ body: "Merci Dre Roy pour la recommandation." }, [], async () => ["Chloé Roy"])).ok).toBe(true);
    expect((await checkTextAmong({ body: "Merci Dre Roy pour la recommandation." }, [], async () => [])).ok).toBe(false);
  });
});
