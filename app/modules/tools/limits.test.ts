// The shared schemas refuse what the database would (so a person gets a field error, never a
// 500); that the named limits are the database's is checked on the migrated database
// (tests/integration/limits.test.ts).
import { describe, expect, it } from "vitest";
import { isUploadPath } from "./limits";
import { parseSearchParams, suggestionSchema, toolSchema } from "./schemas";

describe("upload paths", () => {
  it("upload routes", () => {
    expect(isUploadPath("/tools/new")).toBe(true);
    expect(isUploadPath("/tools/5ed7efab-78a5-483c-bed3-38695a50db17/edit")).toBe(true);
    expect(isUploadPath("/tools/5ed7efab-78a5-483c-bed3-38695a50db17")).toBe(false);
    expect(isUploadPath("/tools/new/../../login")).toBe(false);
    expect(isUploadPath("/login")).toBe(false);
  });
});

const good = { title: "Guide TAO", kind: "guide", language: "fr", summaryFr: "Un guide pratique pour démarrer un TAO en région." };

describe("toolSchema", () => {
  it("accepts a complete item", () => {
    const parsed = toolSchema.safeParse({ ...good, url: "https://www.inesss.qc.ca/guide", topics: ["tao"], reviewDueOn: "2027-01-31" });
    expect(parsed.success).toBe(true);
  });

  it.each([
    "javascript:alert(1)",
    "JAVASCRIPT:alert(1)",
    "data:text/html,<script>x</script>",
    "file:///etc/passwd",
    "https:foo",
    "ftp://x.org",
    " vbscript:x",
  ])("refuses the URL %j with its own message", (url) => {
    const parsed = toolSchema.safeParse({ ...good, url });
    expect(parsed.success).toBe(false);
    if (!parsed.success) expect(parsed.error.issues.map((i) => i.message)).toContain("tools.errors.url");
  });

  it("refuses missing metadata and bad dates with field errors", () => {
    const parsed = toolSchema.safeParse({
      title: "",
      summaryFr: "court",
      reviewDueOn: "2027-02-30",
      lastReviewedOn: "2026-13-01",
      publishedOn: "20-1",
    });
    expect(parsed.success).toBe(false);
    if (!parsed.success) {
      const byField = Object.fromEntries(parsed.error.issues.map((i) => [i.path.join("."), i.message]));
      expect(byField).toMatchObject({
        title: "errors.too_short",
        kind: "errors.choice",
        language: "errors.choice",
        summaryFr: "tools.errors.summary_short",
        reviewDueOn: "tools.errors.date",
        lastReviewedOn: "tools.errors.date",
        publishedOn: "tools.errors.published_on",
      });
    }
    const order = toolSchema.safeParse({ ...good, lastReviewedOn: "2026-05-01", reviewDueOn: "2026-04-01" });
    expect(order.success).toBe(false);
  });

  it("refuses unknown topics and disciplines", () => {
    expect(toolSchema.safeParse({ ...good, topics: ["pas_un_sujet"] }).success).toBe(false);
    expect(toolSchema.safeParse({ ...good, disciplines: ["sorcier"] }).success).toBe(false);
  });

  it("suggestions want a title and an http(s) link", () => {
    expect(suggestionSchema.safeParse({ title: "Outil X", url: "https://x.org" }).success).toBe(true);
    expect(suggestionSchema.safeParse({ title: "Outil X", url: "javascript:alert(1)" }).success).toBe(false);
  });
});

describe("parseSearchParams", () => {
  it("keeps known values and drops the rest", () => {
    const p = parseSearchParams(
      new URLSearchParams("q=  sevrage  &kind=guide&topic=nope&year=20x1&language=fr&sort=evil&page=-3&superseded=1"),
    );
    expect(p).toEqual({
      q: "sevrage",
      kind: "guide",
      topic: undefined,
      discipline: undefined,
      publisher: undefined,
      language: "fr",
      year: undefined,
      sort: "relevance",
      superseded: true,
      page: 1,
    });
    expect(parseSearchParams(new URLSearchParams("")).sort).toBe("date");
  });
});
