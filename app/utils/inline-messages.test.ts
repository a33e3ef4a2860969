import { describe, expect, it } from "vitest";
import { inlineMessagesFor, messagesFile, messagesFor } from "./i18n.server";

describe("a page's messages file", () => {
  it("is named by language and content, holds exactly the page's messages, and is the same for a section's pages", () => {
    const forums = inlineMessagesFor("fr-CA", "/forums/t/7");
    expect(forums.url).toMatch(/^\/i18n\/fr-CA\.[\w-]{22}\.json$/);
    expect(inlineMessagesFor("fr-CA", "/forums/c/region-10").url).toBe(forums.url);
    const file = messagesFile(forums.url.slice("/i18n/".length));
    expect(JSON.parse(String(file))).toEqual(messagesFor("fr-CA", "/forums/t/7"));
    // Another language or section: other words, another address.
    const english = inlineMessagesFor("en-CA", "/forums/t/7");
    expect(english.url).not.toBe(forums.url);
    expect(JSON.parse(String(messagesFile(english.url.slice("/i18n/".length))))).toEqual(messagesFor("en-CA", "/forums"));
    expect(inlineMessagesFor("fr-CA", "/events/3").url).not.toBe(forums.url);
  });

  it("answers null for a name this build never makes", () => {
    const real = inlineMessagesFor("fr-CA", "/").url.slice("/i18n/".length);
    for (const name of [
      "",
      "fr-CA.json",
      "de-DE.aaaaaaaaaaaaaaaaaaaaaa.json",
      real.replace(/\.json$/, ".js"),
      `x${real}`,
      "../package.json",
      "fr-CA.%00.json",
    ])
      expect(messagesFile(name), name).toBeNull();
    expect(messagesFile(real)).not.toBeNull();
  });
});
