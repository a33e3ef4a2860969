// The server's store of rendered parts (app/utils/markup-cache.tsx): one per process,
// shared by every reader, bounded in memory, least recently used out first.
//
// Entries are found by everything their markup depends on (the inputs' JSON itself, compared
// whole: no digest, so no collision could ever show one reader markup made for another's
// inputs), never by a post's id: an edit, a new reaction or another reader's rights make
// another key, so nothing is ever invalidated. Old entries are never read again and leave as
// the store fills. A key counts in the store's bytes like its entry (two bytes a character).
//
// Entries are kept as UTF-8 bytes: the page's text is encoded around them (assemble()).
import { randomBytes } from "node:crypto";
import { LRUCache } from "lru-cache";
import type { ReactElement } from "react";
import { renderToString } from "react-dom/server";
import type { MarkupCacheSlot } from "./markup-cache";

export interface MarkupCacheStats {
  hits: number;
  misses: number;
  entries: number;
  /** The entries' bytes, keys included (two bytes a character). */
  bytes: number;
  maxBytes: number;
}

/** One page's use of the store. */
export interface PageMarkup {
  slot: MarkupCacheSlot;
  /** The page's bytes: its text, encoded, with the spliced bytes in their markers' places. */
  assemble(html: string): Buffer<ArrayBuffer>;
  /** Renders and stores the parts the page did not find (after the page is sent). */
  storeMissing(): void;
}

export interface MarkupCache {
  forPage(onError: (error: unknown) => void): PageMarkup;
  stats(): MarkupCacheStats;
}

// A part larger than this share of the store (a very long post) is rendered each time
// rather than pushing dozens of others out.
const MAX_ENTRY_SHARE = 16;

export function createMarkupCache({ maxBytes }: { maxBytes: number }): MarkupCache {
  const entries = new LRUCache<string, Buffer>({
    maxSize: maxBytes,
    maxEntrySize: Math.floor(maxBytes / MAX_ENTRY_SHARE),
    sizeCalculation: (html, key) => html.length + key.length * 2,
  });
  // Stands for spliced bytes in the page's text. Random per process and never sent (each one is
  // replaced), so no text a person writes can contain it.
  const marker = `<!--part:${randomBytes(16).toString("hex")}-->`;
  let hits = 0;
  let misses = 0;
  return {
    forPage(onError) {
      const missing: Array<{ key: string; part: ReactElement }> = [];
      const spliced: Uint8Array[] = [];
      const slot: MarkupCacheSlot = {
        lookup(inputs) {
          const key = JSON.stringify(inputs);
          const html = entries.get(key);
          if (html === undefined) misses += 1;
          else hits += 1;
          return { key, html };
        },
        keep(key, part) {
          missing.push({ key, part });
        },
        splice(html) {
          spliced.push(html);
          return marker;
        },
      };
      return {
        slot,
        assemble(html) {
          if (spliced.length === 0) return Buffer.from(html);
          const pieces = html.split(marker);
          // Rendering is in document order, as the markers are.
          if (pieces.length !== spliced.length + 1) throw new Error("markup cache: the page's markers do not match its spliced parts");
          const buffers: Uint8Array[] = [];
          pieces.forEach((piece, i) => {
            buffers.push(Buffer.from(piece));
            const part = spliced[i];
            if (part) buffers.push(part);
          });
          return Buffer.concat(buffers);
        },
        storeMissing() {
          for (const { key, part } of missing) {
            // Another page may have stored it meanwhile.
            if (entries.has(key)) continue;
            try {
              entries.set(key, Buffer.from(renderToString(part)));
            } catch (error) {
              // The page itself was rendered and sent; this part renders inline next time too.
              onError(error);
            }
          }
        },
      };
    },
    stats: () => ({ hits, misses, entries: entries.size, bytes: entries.calculatedSize, maxBytes }),
  };
}
