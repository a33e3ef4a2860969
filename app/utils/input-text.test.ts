import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cleanText, cleanTree, normaliseText, textRefusal } from "./input-text";

describe("the text rules every input goes through", () => {
  it("refuses NUL and unpaired surrogates, accepts paired ones (emoji)", () => {
    expect(textRefusal("a\u0000b")).toBe("nul");
    expect(textRefusal("a\uD800b")).toBe("lone_surrogate");
    expect(textRefusal("a\uDC00")).toBe("lone_surrogate");
    expect(textRefusal("\uDC00\uD800")).toBe("lone_surrogate");
    expect(textRefusal("naloxone 💊")).toBeNull();
  });

  it("removes bidirectional controls and composes accents (NFC)", () => {
    expect(normaliseText("Titre \u202Eexe.txt\u202C")).toBe("Titre exe.txt");
    expect(normaliseText("\u2066a\u2069\u200E\u200Fb")).toBe("ab");
    expect(normaliseText("me\u0301thadone")).toBe("méthadone");
  });

  it("any string comes out refused or well formed, NFC and without bidi controls", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (s) => {
        const cleaned = cleanText(s);
        if (!cleaned.ok) return;
        // Well formed: encodes to UTF-8 and back unchanged.
        expect(new TextDecoder().decode(new TextEncoder().encode(cleaned.value))).toBe(cleaned.value);
        expect(cleaned.value).toBe(cleaned.value.normalize("NFC"));
        expect(/[\u200E\u200F\u202A-\u202E\u2066-\u2069]/.test(cleaned.value)).toBe(false);
        expect(cleaned.value.includes("\u0000")).toBe(false);
      }),
    );
  });

  it("cleans every string of a payload, keys included, and names where it refused", () => {
    expect(cleanTree({ a: ["x\u202E", { "k\u200E": "e\u0301" }], n: 1 })).toEqual({ ok: true, value: { a: ["x", { k: "é" }], n: 1 } });
    expect(cleanTree({ a: [1, { b: "\u0000" }] })).toEqual({ ok: false, reason: "nul", path: "a.1.b" });
  });
});
