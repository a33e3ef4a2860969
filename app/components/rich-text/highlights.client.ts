// Marks spans of the editor's text without changing the document: decorations, not
// marks, so nothing of it is ever saved. A field passes a pure function from a text
// block's text to spans (the cases' identifier guard does, to show possible
// identifiers in place as the person types). Recomputed only when the document changes.
import { Extension } from "@tiptap/core";
import type { Node as PmNode } from "@tiptap/pm/model";
import { Plugin, PluginKey } from "@tiptap/pm/state";
import { Decoration, DecorationSet } from "@tiptap/pm/view";

export interface TextSpan {
  kind: string;
  start: number;
  end: number;
}
export type Highlighter = (text: string) => TextSpan[];

const key = new PluginKey<DecorationSet>("textHighlights");

function decorate(doc: PmNode, find: Highlighter): DecorationSet {
  const decorations: Decoration[] = [];
  doc.descendants((node, pos) => {
    if (!node.isTextblock) return true;
    // One character per position inside the block: text as is, every other inline leaf
    // (mention, reference, hard break) as one placeholder, so offsets map to positions.
    const text = node.textBetween(0, node.content.size, "\n", "\ufffc");
    for (const span of find(text)) {
      if (span.end <= span.start || span.end > text.length) continue;
      decorations.push(Decoration.inline(pos + 1 + span.start, pos + 1 + span.end, { class: "text-highlight", "data-kind": span.kind }));
    }
    return false;
  });
  return DecorationSet.create(doc, decorations);
}

export function textHighlights(find: Highlighter) {
  return Extension.create({
    name: "textHighlights",
    addProseMirrorPlugins() {
      return [
        new Plugin<DecorationSet>({
          key,
          state: {
            init: (_, state) => decorate(state.doc, find),
            apply: (tr, old) => (tr.docChanged ? decorate(tr.doc, find) : old),
          },
          props: { decorations: (state) => key.getState(state) },
        }),
      ];
    },
  });
}
