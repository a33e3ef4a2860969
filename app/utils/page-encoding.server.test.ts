import fc from "fast-check";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { encodePage } from "./page-encoding.server";

const page = Buffer.from(
  `<!DOCTYPE html><html lang="fr-CA"><body>${"<p>Réduction des méfaits — « pair aidant » ’ 🙂</p>".repeat(200)}</body></html>`,
);

function encode(acceptEncoding: string | null, method = "GET", body: Buffer<ArrayBuffer> = page, preset?: Record<string, string>) {
  const headers = new Headers(preset);
  const request = new Request("http://passerelle.test/forums", {
    method,
    headers: acceptEncoding === null ? {} : { "Accept-Encoding": acceptEncoding },
  });
  const bytes = encodePage(request, body, headers);
  return { bytes, headers };
}

function decode(bytes: Buffer, encoding: string | null) {
  if (encoding === "br") return brotliDecompressSync(bytes);
  if (encoding === "gzip") return gunzipSync(bytes);
  return bytes;
}

describe("encodePage", () => {
  it("answers brotli when the browser accepts it and gzip equally, gzip when only gzip, and the same bytes either way", () => {
    for (const [accept, expected] of [
      ["gzip, deflate, br, zstd", "br"],
      ["br", "br"],
      ["gzip, deflate", "gzip"],
      ["br;q=0, gzip", "gzip"],
      ["gzip;q=1, br;q=0.5", "gzip"],
    ] as const) {
      const { bytes, headers } = encode(accept);
      expect(headers.get("Content-Encoding"), accept).toBe(expected);
      expect(headers.get("Vary")).toBe("Accept-Encoding");
      expect(bytes.length).toBeLessThan(page.length / 4);
      expect(decode(bytes, expected).equals(page), accept).toBe(true);
    }
  });

  it("leaves the page as it is without an acceptable encoding, for HEAD, below the threshold and when already encoded", () => {
    for (const accept of [null, "identity", "gzip;q=0, br;q=0", "deflate", "compress"]) {
      const { bytes, headers } = encode(accept);
      expect(headers.get("Content-Encoding"), String(accept)).toBeNull();
      expect(bytes).toBe(page);
    }
    expect(encode("gzip", "HEAD").headers.get("Content-Encoding")).toBeNull();
    const small = Buffer.from("<p>court</p>");
    expect(encode("gzip", "GET", small).bytes).toBe(small);
    const preset = encode("gzip", "GET", page, { "Content-Encoding": "gzip" });
    expect(preset.bytes).toBe(page);
    expect(preset.headers.get("Vary")).toBe("Accept-Encoding");
  });

  it("never throws on any Accept-Encoding header, and what it sends always decodes to the page", () => {
    const token = fc.constantFrom("gzip", "br", "deflate", "identity", "*", "zstd", "x-gzip", "GZIP", "", "q", ";", ",");
    const part = fc.tuple(token, fc.option(fc.double({ min: -1, max: 2, noNaN: true }))).map(([t, q]) => (q === null ? t : `${t};q=${q}`));
    fc.assert(
      fc.property(fc.array(part, { maxLength: 6 }), fc.boolean(), (parts, spaced) => {
        const header = parts.join(spaced ? ", " : ",");
        const { bytes, headers } = encode(header);
        const encoding = headers.get("Content-Encoding");
        expect([null, "br", "gzip"]).toContain(encoding);
        expect(decode(bytes, encoding).equals(page)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
