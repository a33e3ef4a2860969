// /search as people use it: what a results page says agrees with what it lists (a
// member who may not read the forums and finds a tool is not told "no results"), and
// excerpts show whole words with "…" where the text goes on.
import { describe, expect, it } from "vitest";
import { expectAccessible } from "./helpers";
import { forumApp } from "./forums-kit";

const kit = forumApp();

/** Types the query in the header's search box, a key at a time, and submits it. */
async function searchFor(page: import("playwright-core").Page, query: string) {
  await page.click("#header-search");
  await page.keyboard.type(query, { delay: 40 });
  await Promise.all([page.waitForURL("**/search?q=*"), page.press("#header-search", "Enter")]);
}

describe("search results", () => {
  it("never says 'no results' beside the results it lists, and each count is the list's", async () => {
    // Samuel is not verified yet: the forums' member spaces are closed to him, the library is not.
    const samuel = await kit.person("nouveau@passerelle.test");
    await searchFor(samuel.page, "buprénorphine");
    const main = samuel.page.locator("main");
    await expect.poll(() => main.locator("#tool-results-title").count()).toBe(1);
    const tools = await main.locator("section[aria-labelledby='tool-results-title'] .result-list > li").count();
    expect(tools).toBeGreaterThan(0);
    const text = (await main.textContent()) ?? "";
    expect(text).not.toContain("Aucun résultat");
    // The count above the tools is the number of tools listed (all of them fit on the page).
    expect(text).toContain(
      tools === 1 ? "1 outil correspond à «\u00a0buprénorphine\u00a0»" : `${tools} outils correspondent à «\u00a0buprénorphine\u00a0»`,
    );
    // The forums' own section says the forums had nothing for him.
    expect(text).toContain("Aucun sujet ni réponse des forums ne correspond à «\u00a0buprénorphine\u00a0».");
    await expectAccessible(samuel.page, "search results (unverified)");

    // A word nobody wrote: one "no results" for the whole page.
    await samuel.page.goto(`${kit.app.url}/search?q=zzyzxquux`);
    const none = (await main.textContent()) ?? "";
    expect(none.match(/Aucun résultat pour «\u00a0zzyzxquux\u00a0»/g)).toHaveLength(1);
    expect(none).not.toContain("Aucun sujet ni réponse");
    expect(samuel.problems).toEqual([]);
  });

  it("shows excerpts in whole words, with … where the text was cut", async () => {
    // Isabelle (verified, Côte-Nord) reads the regional forum, where a post begins "À Sept-Îles, nous accueillons…".
    const isabelle = await kit.person("membre@passerelle.test");
    await searchFor(isabelle.page, "buprénorphine");
    const list = isabelle.page.locator("section[aria-labelledby='results-title'] .result-list > li");
    await expect.poll(() => list.count()).toBeGreaterThan(0);
    const excerpts = await isabelle.page.locator(".result-list > li > p:last-child").allTextContents();
    expect(excerpts.length).toBeGreaterThan(0);
    const induction = excerpts.find((e) => e.includes("accueillons"));
    expect(induction, excerpts.join("\n")).toBeTruthy();
    // Not "Îles, nous accueillons…" (the middle of "Sept-Îles") and not without a sign of the cut.
    expect(induction).toContain("Sept-Îles");
    expect(induction).toMatch(/ …$/);
    for (const excerpt of excerpts) {
      // Every excerpt starts at the text's beginning (a capital) or says it does not ("… ").
      expect(excerpt, excerpt).toMatch(/^(… |[\p{Lu}\d«“"(@-])/u);
      expect(excerpt, excerpt).not.toMatch(/^Îles/);
    }
    expect(isabelle.problems).toEqual([]);
  });
});
