// Search excerpts: whole words, and "…" wherever the text goes on.
import { describe, expect, it } from "vitest";
import { FRAGMENT_DELIMITER, MARK_START as S, MARK_STOP as E, toExcerpt } from "./excerpt";

const text = (runs: Array<{ text: string }>) => runs.map((r) => r.text).join("");
const source =
  "À Sept-Îles, nous accueillons de plus en plus de personnes ayant un TUO qui souhaitent commencer la buprénorphine/naloxone, mais le médecin prescripteur n'est présent que deux jours par semaine.";

describe("toExcerpt", () => {
  it("widens a fragment that starts inside a hyphenated word and marks the text left out before it", () => {
    // What ts_headline returns for this post: its parser splits "Sept-Îles".
    const headline = `Îles, nous accueillons de plus en plus de personnes ayant un TUO qui souhaitent commencer la ${S}buprénorphine${E}/naloxone, mais le médecin`;
    const runs = toExcerpt(headline, { text: source, truncated: false });
    expect(text(runs)).toBe(
      "… Sept-Îles, nous accueillons de plus en plus de personnes ayant un TUO qui souhaitent commencer la buprénorphine/naloxone, mais le médecin …",
    );
    expect(runs.filter((r) => r.mark).map((r) => r.text)).toEqual(["buprénorphine"]);
  });

  it("completes a word cut at a fragment's end, and adds no … where the text really begins or ends", () => {
    const runs = toExcerpt(
      `À Sept-Îles, nous ${S}accueillons${E} de plus en plus de personnes ayant un TUO qui souhaitent commencer la buprénorphine`,
      { text: source, truncated: false },
    );
    expect(text(runs)).toBe(
      "À Sept-Îles, nous accueillons de plus en plus de personnes ayant un TUO qui souhaitent commencer la buprénorphine …",
    );
    const whole = toExcerpt(`Deux ${S}jours${E} par semaine.`, { text: "Deux jours par semaine.", truncated: false });
    expect(text(whole)).toBe("Deux jours par semaine.");
  });

  it("joins two fragments with one … and says … after a text cut before the headline was made", () => {
    const long = "Premier paragraphe sur la méthadone. Beaucoup de texte entre les deux. Second passage sur la méthadone encore";
    const headline = `Premier paragraphe sur la ${S}méthadone${E}.${FRAGMENT_DELIMITER}Second passage sur la ${S}méthadone${E} encore`;
    const runs = toExcerpt(headline, { text: long, truncated: true });
    expect(text(runs)).toBe("Premier paragraphe sur la méthadone. … Second passage sur la méthadone encore …");
    expect(text(runs).match(/…/g)).toHaveLength(2);
  });

  it("leaves a title highlighted whole as it is", () => {
    expect(toExcerpt(`Induction à la ${S}buprénorphine${E}`)).toEqual([
      { text: "Induction à la ", mark: false },
      { text: "buprénorphine", mark: true },
    ]);
  });
});
