import { describe, expect, it } from "vitest";
import { inlineMessagesFor, messagesFile, messagesFor } from "./i18n.server";
import { provideServerMessages } from "./inline-messages";
import { metaI18n, pageTitle } from "./meta";

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

describe("a meta function's words on a whole page", () => {
  // A whole page's root loader data names the messages' file and carries none (messages: null).
  const wholePage = (locale: string, pathname: string) => ({
    matches: [{ id: "root", data: { locale, messages: null } }] as unknown as Parameters<typeof metaI18n>[0]["matches"],
    location: { pathname } as Parameters<typeof metaI18n>[0]["location"],
  });

  it("come from the page's language and section on the server, as the page's do", () => {
    provideServerMessages(messagesFor);
    expect(pageTitle(wholePage("fr-CA", "/tools"), "tools.title")).toEqual([{ title: "Bibliothèque d'outils cliniques · Passerelle" }]);
    expect(pageTitle(wholePage("en-CA", "/cases"), "cases.title")).toEqual([{ title: "Clinical case discussions · Passerelle" }]);
    expect(metaI18n(wholePage("en-CA", "/forums/c/x")).t("forums.title")).toBe("Forums");
    expect(metaI18n(wholePage("en-CA", "/forums/c/x")).t("forums.search.submit")).toBe("Search");
  });

  it("come from the root loader's data when it carries them (a client-side navigation)", () => {
    provideServerMessages(() => ({}));
    const args = wholePage("fr-CA", "/tools");
    (args.matches[0] as { data: { messages: unknown } }).data.messages = messagesFor("en-CA", "/tools");
    expect(pageTitle(args, "tools.title")).toEqual([{ title: "Clinical tools library · Passerelle" }]);
    provideServerMessages(messagesFor);
  });
});
