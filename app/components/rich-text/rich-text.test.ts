// The shared rich-text schema: what the validator refuses (table-driven), what the
// renderer emits (escaped, no script, no style), and the textarea markup's round trip.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { docToPlainText, RICH_TEXT_LIMITS, safeHref, type RichDoc, type RichNode } from "./limits";
import { docToText, textToDoc } from "./plain-text";
import { renderRichText } from "./render.server";
import { jsonbTextBytes, validateRichText } from "./validate.server";

const p = (...content: RichNode[]): RichNode => ({ type: "paragraph", content });
const t = (text: string, marks?: RichNode["marks"]): RichNode => (marks ? { type: "text", text, marks } : { type: "text", text });
const doc = (...content: RichNode[]): RichDoc => ({ type: "doc", content });
const MEMBER = "6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f";

describe("safeHref", () => {
  it.each([
    ["https://www.inspq.qc.ca/guide", "https://www.inspq.qc.ca/guide"],
    ["http://example.org", "http://example.org/"],
    ["mailto:equipe@example.ca", "mailto:equipe@example.ca"],
  ])("accepts %s", (raw, expected) => expect(safeHref(raw)).toBe(expected));
  it.each([
    "javascript:alert(1)",
    "JAVASCRIPT:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "jav&#x09;ascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox",
    "//evil.example",
    "/forums/t/1",
    "https://",
    "https://user:pw@host.example",
    "file:///etc/passwd",
    "https://exa mple.org",
    "x".repeat(3000),
    "https://a.b/\u0000",
  ])("refuses %s", (raw) => expect(safeHref(raw)).toBeNull());
});

describe("validateRichText", () => {
  it("accepts the editor's output and returns a canonical document, its text and mentions", () => {
    const result = validateRichText({
      type: "doc",
      content: [
        { type: "heading", attrs: { level: 2 }, content: [t("Titre")] },
        {
          type: "paragraph",
          content: [
            t("Bonjour "),
            { type: "mention", attrs: { id: MEMBER, label: "Isabelle Gagnon", mentionSuggestionChar: "@" } },
            t(" !", [{ type: "bold" }]),
          ],
        },
        { type: "paragraph" },
        {
          type: "orderedList",
          attrs: { start: 1, type: null },
          content: [
            {
              type: "listItem",
              content: [
                p({
                  type: "text",
                  text: "un",
                  marks: [
                    { type: "italic" },
                    {
                      type: "link",
                      attrs: {
                        href: "https://inspq.qc.ca",
                        target: "_blank",
                        rel: "noopener noreferrer nofollow",
                        class: null,
                        title: null,
                      },
                    },
                  ],
                } as unknown as RichNode),
              ],
            },
          ],
        },
        { type: "blockquote", content: [p(t("cité"))] },
        {
          type: "paragraph",
          content: [{ type: "reference", attrs: { kind: "topic", id: "42", label: "Un autre sujet", mentionSuggestionChar: "#" } }],
        },
      ],
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.mentions).toEqual([MEMBER]);
    expect(result.references).toEqual([{ kind: "topic", id: "42" }]);
    expect(result.doc.content).toHaveLength(5); // the empty paragraph is gone
    expect(result.doc.content[2]).toEqual({
      type: "orderedList",
      content: [
        { type: "listItem", content: [p(t("un", [{ type: "link", attrs: { href: "https://inspq.qc.ca/" } }, { type: "italic" }]))] },
      ],
    });
    expect(result.text).toContain("@Isabelle Gagnon");
  });

  const bad: Array<[string, unknown, string]> = [
    ["not JSON", "{not json", "invalid_json"],
    ["not a document", { type: "paragraph" }, "not_a_document"],
    ["an array", [], "not_a_document"],
    ["an unknown node", doc({ type: "image", attrs: { src: "x" } } as unknown as RichNode), "unknown_node"],
    ["a script node", doc({ type: "script", content: [t("alert(1)")] } as unknown as RichNode), "unknown_node"],
    ["a prototype key as node type", doc({ type: "constructor" } as unknown as RichNode), "unknown_node"],
    ["an unknown mark", doc(p({ type: "text", text: "x", marks: [{ type: "strike" }] } as unknown as RichNode)), "unknown_mark"],
    ["a duplicated mark", doc(p({ type: "text", text: "x", marks: [{ type: "bold" }, { type: "bold" }] } as RichNode)), "unknown_mark"],
    ["a javascript: link", doc(p(t("x", [{ type: "link", attrs: { href: "javascript:alert(1)" } }]))), "bad_link"],
    ["a data: link", doc(p(t("x", [{ type: "link", attrs: { href: "data:text/html,<b>" } }]))), "bad_link"],
    ["a relative link", doc(p(t("x", [{ type: "link", attrs: { href: "/admin" } }]))), "bad_link"],
    [
      "a link with an onclick attribute",
      doc(
        p({
          type: "text",
          text: "x",
          marks: [{ type: "link", attrs: { href: "https://a.b", onclick: "alert(1)" } }],
        } as unknown as RichNode),
      ),
      "unknown_attribute",
    ],
    [
      "a link with a target of its own",
      doc(p({ type: "text", text: "x", marks: [{ type: "link", attrs: { href: "https://a.b", target: "_top" } }] } as unknown as RichNode)),
      "unknown_attribute",
    ],
    [
      "a style attribute",
      doc({ type: "paragraph", attrs: { style: "color:red" }, content: [t("x")] } as unknown as RichNode),
      "unknown_attribute",
    ],
    ["an extra key on a node", doc({ type: "paragraph", html: "<script>", content: [t("x")] } as unknown as RichNode), "unknown_attribute"],
    ["a heading level 1", doc({ type: "heading", attrs: { level: 1 }, content: [t("x")] }), "unknown_attribute"],
    ["a heading level 7", doc({ type: "heading", attrs: { level: 7 }, content: [t("x")] }), "unknown_attribute"],
    ["a mention without a uuid", doc(p({ type: "mention", attrs: { id: "admin", label: "x" } })), "bad_mention"],
    ["a mention with markup in its label", doc(p({ type: "mention", attrs: { id: MEMBER, label: "" } })), "bad_mention"],
    ["a reference of an unknown kind", doc(p({ type: "reference", attrs: { kind: "file", id: "1", label: "x" } })), "bad_reference"],
    [
      "a tool reference with a javascript: href",
      doc(p({ type: "reference", attrs: { kind: "tool", id: MEMBER, label: "x", href: "javascript:alert(1)" } })),
      "bad_reference",
    ],
    [
      "a tool reference pointing elsewhere",
      doc(p({ type: "reference", attrs: { kind: "tool", id: MEMBER, label: "x", href: "https://evil.example" } })),
      "bad_reference",
    ],
    ["a control character", doc(p(t("a\u0000b"))), "bad_text"],
    ["text directly in the document", doc(t("x")), "invalid_structure"],
    ["a paragraph inside a paragraph", doc(p(p(t("x")))), "invalid_structure"],
    ["a list item outside a list", doc({ type: "listItem", content: [p(t("x"))] }), "invalid_structure"],
    [
      "a list item starting with a list",
      doc({
        type: "bulletList",
        content: [{ type: "listItem", content: [{ type: "bulletList", content: [{ type: "listItem", content: [p(t("x"))] }] }] }],
      }),
      "invalid_structure",
    ],
    ["an empty text node", doc(p(t(""))), "invalid_structure"],
    ["an empty document", doc(), "empty"],
    ["only blank text", doc(p(t("   "))), "empty"],
    [
      "too deep",
      (() => {
        let n: RichNode = p(t("x"));
        for (let i = 0; i < 20; i++) n = { type: "blockquote", content: [n] };
        return doc(n);
      })(),
      "too_deep",
    ],
    ["too many nodes", doc(...Array.from({ length: RICH_TEXT_LIMITS.nodes }, () => p(t("x")))), "too_many_nodes"],
    ["too long", doc(...Array.from({ length: 30 }, () => p(t("é".repeat(800))))), "too_long"],
    [
      "too large",
      doc(...Array.from({ length: 2000 }, () => p(t("x", [{ type: "link", attrs: { href: `https://example.org/${"a".repeat(80)}` } }])))),
      "too_large",
    ],
    [
      "too many mentions",
      doc(
        p(
          ...Array.from({ length: 21 }, (_, i) => ({
            type: "mention" as const,
            attrs: { id: MEMBER.replace(/.{2}$/, String(10 + i)), label: "x" },
          })),
        ),
      ),
      "too_many_mentions",
    ],
  ];
  it.each(bad)("refuses %s", (_name, input, code) => {
    expect(validateRichText(input)).toEqual({ ok: false, error: code });
  });

  it("applies the text rules of every input to text nodes: bidi controls removed, NFC, unpaired surrogates and NUL refused", () => {
    const result = validateRichText(
      JSON.stringify(doc(p(t("Me\u0301thadone \u202Eexe.txt\u202C"), t("\u2066\u2069", [{ type: "bold" }])))),
    );
    expect(result.ok && result.doc).toEqual(doc(p(t("Méthadone exe.txt"))));
    expect(validateRichText(doc(p(t("a\uD800b"))))).toEqual({ ok: false, error: "bad_text" });
    expect(validateRichText(doc(p(t("a\u0000b"))))).toEqual({ ok: false, error: "bad_text" });
    const mention = validateRichText(doc(p({ type: "mention", attrs: { id: MEMBER, label: "\u202EIsabelle" } })));
    expect(mention.ok && mention.doc.content?.[0]?.content?.[0]?.attrs?.label).toBe("Isabelle");
  });
});

describe("renderRichText", () => {
  it("renders each node and mark of the schema, escaping text and attributes", () => {
    const html = renderRichText(
      doc(
        { type: "heading", attrs: { level: 2 }, content: [t("<Titre>")] },
        p(
          t("a & b "),
          t("gras", [{ type: "bold" }]),
          { type: "hardBreak" },
          t("lien", [{ type: "link", attrs: { href: 'https://a.example/?q="x"' } }]),
        ),
        { type: "orderedList", attrs: { start: 3 }, content: [{ type: "listItem", content: [p(t("trois"))] }] },
        { type: "blockquote", content: [p({ type: "mention", attrs: { id: MEMBER, label: "<img src=x onerror=alert(1)>" } })] },
        p(
          { type: "reference", attrs: { kind: "topic", id: "12", label: "Sujet" } },
          { type: "reference", attrs: { kind: "tool", id: MEMBER, label: "Guide", href: `/tools/${MEMBER}` } },
        ),
      ),
    );
    expect(html).toBe(
      "<h3>&lt;Titre&gt;</h3>" +
        '<p>a &amp; b <strong>gras</strong><br><a href="https://a.example/?q=%22x%22" rel="nofollow ugc noopener noreferrer">lien</a></p>' +
        '<ol start="3"><li><p>trois</p></li></ol>' +
        `<blockquote><p><span class="mention" data-member="${MEMBER}">@&lt;img src=x onerror=alert(1)&gt;</span></p></blockquote>` +
        `<p><a class="reference reference--topic" href="/forums/t/12">Sujet</a><a class="reference reference--tool" href="/tools/${MEMBER}">Guide</a></p>`,
    );
  });

  it("refuses what is not in the schema, even from a tampered row, and drops unsafe links", () => {
    expect(() => renderRichText(doc({ type: "script" } as unknown as RichNode))).toThrow(/unknown node/);
    expect(() => renderRichText(doc({ type: "__proto__" } as unknown as RichNode))).toThrow(/unknown node/);
    expect(renderRichText(doc(p(t("x", [{ type: "link", attrs: { href: "javascript:alert(1)" } }]))))).toBe("<p>x</p>");
  });
});

describe("textarea markup", () => {
  it("turns the documented markup into the editor's JSON", () => {
    const parsed = textToDoc(
      [
        "## Question",
        "",
        "Bonjour **tout le monde**, *une* idée_ici et https://www.inspq.qc.ca.",
        "deuxième ligne",
        "",
        "- un",
        "- deux",
        "  - deux.un",
        "",
        "3. trois",
        "",
        "> citation",
        "",
        `@[Isabelle Gagnon](member:${MEMBER}) voir [le guide](https://msss.gouv.qc.ca/guide) et [Sujet](topic:12)`,
        "",
        "javascript:alert(1) [x](javascript:alert(1)) \\*pas en italique\\* window.__xss snake_case_name",
      ].join("\n"),
    );
    const result = validateRichText(parsed);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.doc.content.map((n) => n.type)).toEqual([
      "heading",
      "paragraph",
      "bulletList",
      "orderedList",
      "blockquote",
      "paragraph",
      "paragraph",
    ]);
    expect(result.doc.content[1]).toEqual(
      p(
        t("Bonjour "),
        t("tout le monde", [{ type: "bold" }]),
        t(", "),
        t("une", [{ type: "italic" }]),
        t(" idée_ici et "),
        t("https://www.inspq.qc.ca", [{ type: "link", attrs: { href: "https://www.inspq.qc.ca/" } }]),
        t("."),
        { type: "hardBreak" },
        t("deuxième ligne"),
      ),
    );
    expect(result.doc.content[3]?.attrs).toEqual({ start: 3 });
    expect(result.mentions).toEqual([MEMBER]);
    expect(result.references).toEqual([{ kind: "topic", id: "12" }]);
    // Unsafe links stay text.
    expect(docToPlainText(result.doc)).toContain(
      "javascript:alert(1) [x](javascript:alert(1)) *pas en italique* window.__xss snake_case_name",
    );
    expect(JSON.stringify(result.doc.content[6])).not.toContain('"link"');
  });

  // Documents the editor can produce (without leading spaces after line breaks, which
  // the markup cannot carry): text → doc → text → doc is stable.
  const word = fc.stringMatching(/^[a-zA-Zéàç0-9*_\\[\]@#>:.()-]{1,8}$/);
  const plainRun = fc.array(word, { minLength: 1, maxLength: 4 }).map((ws) => ws.join(" "));
  const marks = fc.subarray(["bold", "italic"] as const).map((ms) => ms.map((type) => ({ type })));
  const inline: fc.Arbitrary<RichNode[]> = fc
    .array(
      fc.oneof(
        fc.tuple(plainRun, marks).map(([text, m]) => [t(text, m.length ? m : undefined), t(" ")]),
        fc
          .tuple(plainRun, fc.constantFrom("https://example.org/a", "mailto:a@b.ca"))
          .map(([text, href]) => [t(text, [{ type: "link", attrs: { href } }]), t(" ")]),
        fc.constant([{ type: "mention", attrs: { id: MEMBER, label: "Isabelle [G]" } } as RichNode, t(" ")]),
        fc.constant([{ type: "reference", attrs: { kind: "topic", id: "7", label: "Sujet" } } as RichNode, t(" ")]),
      ),
      { minLength: 1, maxLength: 5 },
    )
    .map((parts) => parts.flat());
  const paragraph = inline.map((content) => p(...content));
  const block: fc.Arbitrary<RichNode> = fc.letrec<{ block: RichNode }>((tie) => ({
    block: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      paragraph,
      inline.map((content) => ({ type: "heading" as const, attrs: { level: 2 }, content })),
      fc.array(tie("block"), { minLength: 1, maxLength: 2 }).map((content) => ({ type: "blockquote" as const, content })),
      fc
        .tuple(
          fc.constantFrom("bulletList" as const, "orderedList" as const),
          fc.array(fc.tuple(paragraph, fc.array(tie("block"), { maxLength: 1 })), { minLength: 1, maxLength: 3 }),
        )
        .map(([type, items]) => ({
          type,
          content: items.map(([first, rest]) => ({ type: "listItem" as const, content: [first, ...rest] })),
        })),
    ),
  })).block;

  it("round-trips documents: textToDoc(docToText(doc)) is the same document", () => {
    fc.assert(
      fc.property(fc.array(block, { minLength: 1, maxLength: 4 }), (blocks) => {
        const first = validateRichText(doc(...blocks));
        if (!first.ok) return true;
        const again = validateRichText(textToDoc(docToText(first.doc)));
        expect(again.ok && again.doc).toEqual(first.doc);
        return true;
      }),
      { numRuns: 300 },
    );
  });
});

describe("jsonbTextBytes", () => {
  it("counts like jsonb's text output", () => {
    expect(jsonbTextBytes({ a: 1, b: [1, 2] })).toBe('{"a": 1, "b": [1, 2]}'.length);
    expect(jsonbTextBytes({ t: 'é"\n\u0001' })).toBe(Buffer.byteLength('{"t": "é\\"\\n\\u0001"}'));
  });
});
