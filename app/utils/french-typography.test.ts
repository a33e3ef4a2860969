// Every French message follows one rule for the spaces around « : ? ! ; » (OQLF, Quebec):
// a non-breaking space before a colon and inside guillemets, none before ? ! ;.
import { describe, expect, it } from "vitest";
import { frenchTypography, typographyViolations } from "./french-typography";
import { MESSAGES } from "./i18n.server";

function leaves(node: unknown, prefix = ""): Array<[string, string]> {
  if (typeof node === "string") return [[prefix, node]];
  if (!node || typeof node !== "object") return [];
  return Object.entries(node).flatMap(([k, v]) => leaves(v, prefix ? `${prefix}.${k}` : k));
}

describe("French typography", () => {
  it("puts a non-breaking space before : and inside « », and no space before ? ! ;", () => {
    expect(frenchTypography("Note : « Permis actif » ; vraiment ? Oui !")).toBe("Note\u00a0: «\u00a0Permis actif\u00a0»; vraiment? Oui!");
    expect(frenchTypography("Par exemple: «Bonjour»")).toBe("Par exemple\u00a0: «\u00a0Bonjour\u00a0»");
    // Not a punctuation colon: a link, a time, the elision placeholder.
    expect(frenchTypography("https://passerelle.test à 12:00, message {de:name}")).toBe(
      "https://passerelle.test à 12:00, message {de:name}",
    );
    expect(typographyViolations("Note\u00a0: «\u00a0oui\u00a0»; non?")).toEqual([]);
    expect(typographyViolations("Note : « oui » ; non ?")).toHaveLength(5);
  });

  it("every fr-CA message follows it (no colon can start a line)", () => {
    const violations = leaves(MESSAGES["fr-CA"]).flatMap(([key, text]) => typographyViolations(text).map((v) => `${key}: ${v}`));
    expect(violations).toEqual([]);
  });
});
