// One label per region, series and publisher in each language, from the reference data.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import quebec from "../../supabase/data/quebec.json";
import { publisherLabel, REGION_CODES, regionChoiceLabel, regionLabel, seriesLabel } from "./reference-labels";

describe("regionLabel", () => {
  it("names each of the 18 region codes once per language, as the reference data and the database do", () => {
    const migration = readFileSync(new URL("../../supabase/migrations/20261123000002_reference_data.sql", import.meta.url), "utf8");
    expect(REGION_CODES).toHaveLength(18);
    for (const code of REGION_CODES) {
      const fr = regionLabel(code, "fr-CA");
      const en = regionLabel(code, "en-CA");
      expect(fr).not.toBe(code);
      expect(en).not.toBe(code);
      // The regions table holds the same two names (the migration is generated from quebec.json).
      expect(migration).toContain(`('${code}', '${fr.replaceAll("'", "''")}', '${en.replaceAll("'", "''")}')`);
    }
    expect(regionLabel("04", "fr-CA")).toBe("Mauricie et Centre-du-Québec");
    expect(regionLabel("04", "en-CA")).toBe("Mauricie and Centre-du-Québec");
    expect(regionChoiceLabel("18", "en-CA")).toBe("18 – Cree Territory of James Bay");
    expect(regionLabel("99", "en-CA")).toBe("99");
  });
});

describe("seriesLabel", () => {
  it("translates a series from its code or its stored French name; anything else stays as written", () => {
    const [series] = quebec.eventSeries;
    expect(series).toBeDefined();
    if (!series) return;
    expect(seriesLabel(series.fr, "en-CA")).toBe(series.en);
    expect(seriesLabel(series.code, "en-CA")).toBe(series.en);
    expect(seriesLabel(series.fr, "fr-CA")).toBe(series.fr);
    expect(seriesLabel("Une série maison", "en-CA")).toBe("Une série maison");
  });
});

describe("publisherLabel", () => {
  it("never shows an organisation code that is not a word: every organisation has a short and a full name per language", () => {
    for (const o of quebec.organisations) {
      for (const locale of ["fr-CA", "en-CA"] as const) {
        expect(publisherLabel(o.code, locale)).not.toMatch(/_/);
        expect(publisherLabel(o.code, locale, "long").length).toBeGreaterThan(publisherLabel(o.code, locale).length - 1);
      }
    }
    expect(publisherLabel("FORMATION_CROISEE", "fr-CA")).toBe("Formation croisée");
    expect(publisherLabel("FORMATION_CROISEE", "en-CA", "long")).toBe(
      "Cross-training program on mental health and substance use disorders",
    );
    expect(publisherLabel("CCDUS", "en-CA")).toBe("CCSA");
    expect(publisherLabel("Santé Canada", "en-CA")).toBe("Santé Canada");
  });
});
