import { describe, expect, it } from "vitest";
import { normaliseBody, messageBodySchema } from "./schemas";
import { MESSAGE_MAX_LENGTH } from "./limits";
import { findMentions, segmentMessage } from "./text";

const marie = { id: "m", name: "Marie Roy" };
const marieB = { id: "mb", name: "Marie" };
const jean = { id: "j", name: "Jean-Luc Côté" };

describe("segmentMessage", () => {
  it("keeps plain text as one segment, HTML included (it is only text)", () => {
    expect(segmentMessage("<script>alert(1)</script> <b>gras</b>")).toEqual([
      { kind: "text", text: "<script>alert(1)</script> <b>gras</b>" },
    ]);
  });

  it("recognises http(s), www and mailto links, leaving trailing punctuation out", () => {
    expect(segmentMessage("Voir https://www.inspq.qc.ca/guide. Et www.cran.qc.ca, ou mailto:aide@example.ca!")).toEqual([
      { kind: "text", text: "Voir " },
      { kind: "link", text: "https://www.inspq.qc.ca/guide", href: "https://www.inspq.qc.ca/guide" },
      { kind: "text", text: ". Et " },
      { kind: "link", text: "www.cran.qc.ca", href: "https://www.cran.qc.ca/" },
      { kind: "text", text: ", ou " },
      { kind: "link", text: "mailto:aide@example.ca", href: "mailto:aide@example.ca" },
      { kind: "text", text: "!" },
    ]);
  });

  it("never links javascript:, data: or other schemes", () => {
    for (const text of ["javascript:alert(1)", "data:text/html,<b>x</b>", "vbscript:msgbox", "file:///etc/passwd"]) {
      expect(segmentMessage(text).every((s) => s.kind === "text")).toBe(true);
    }
  });

  it("marks mentions of the people the message mentions, longest name first", () => {
    expect(segmentMessage("Merci @Marie Roy et @marie, voir https://x.ca/@Marie", [marie, marieB])).toEqual([
      { kind: "text", text: "Merci " },
      { kind: "mention", text: "@Marie Roy", userId: "m" },
      { kind: "text", text: " et " },
      { kind: "mention", text: "@marie", userId: "mb" },
      { kind: "text", text: ", voir " },
      { kind: "link", text: "https://x.ca/@Marie", href: "https://x.ca/@Marie" },
    ]);
  });
});

describe("findMentions", () => {
  it("finds members named after an @, ignoring e-mail addresses and partial names", () => {
    expect(findMentions("Bonjour @Jean-Luc Côté et @Marie Roy", [marie, marieB, jean]).sort()).toEqual(["j", "m"]);
    expect(findMentions("écrire à marie@example.ca ou @Mariee", [marieB])).toEqual([]);
    expect(findMentions("pas de mention", [marie])).toEqual([]);
  });
});

describe("message bodies", () => {
  it("normalises line breaks, drops invisible characters and bidi overrides, trims", () => {
    expect(normaliseBody("  a\r\nb\u202Ec\u0007  ")).toBe("a\nbc");
  });

  it(`accepts 1 to ${MESSAGE_MAX_LENGTH} characters after normalising`, () => {
    expect(messageBodySchema.safeParse("x".repeat(MESSAGE_MAX_LENGTH)).success).toBe(true);
    expect(messageBodySchema.safeParse("x".repeat(MESSAGE_MAX_LENGTH + 1)).success).toBe(false);
    expect(messageBodySchema.safeParse("   \n ").success).toBe(false);
    expect(messageBodySchema.safeParse(42).success).toBe(false);
  });
});
