// What a person reads in a page's HTML, for tests that check words without a browser.

/** The common entities React writes, decoded (a non-breaking space stays one: French typography). */
export function decodeEntities(html: string): string {
  return html
    .replace(/&nbsp;|&#xa0;|&#160;/gi, "\u00a0")
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

/** The text a person sees: scripts, styles and comments dropped, tags removed, entities decoded. */
export function visibleText(html: string): string {
  return (
    decodeEntities(
      html
        .replace(/<script[\s\S]*?<\/script>/gi, " ")
        .replace(/<style[\s\S]*?<\/style>/gi, " ")
        .replace(/<!--[\s\S]*?-->/g, "")
        .replace(/<[^>]+>/g, " "),
    )
      // Not \s: a non-breaking space is part of what is shown (French typography).
      .replace(/[ \t\r\n]+/g, " ")
  );
}
