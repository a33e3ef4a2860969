import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
import { createFakeStorage, STORAGE_TEST_SERVICE_KEY, STORAGE_TEST_URL, supabaseStorageOutage } from "../../tests/mocks/supabase-storage";
import { createLocalStorage, createSupabaseStorage, DEFAULT_BUCKET, newStorageKey, StorageError, type FileStorage } from "./storage.server";

const fake = createFakeStorage();
const server = setupServer(...fake.handlers);
let consoleError: MockInstance;
let consoleWarn: MockInstance;

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
beforeEach(() => {
  consoleError = vi.spyOn(console, "error");
  consoleWarn = vi.spyOn(console, "warn");
});
afterEach(() => {
  // supabase-js must stay quiet on its own, failures included.
  expect(consoleError).not.toHaveBeenCalled();
  expect(consoleWarn).not.toHaveBeenCalled();
  vi.restoreAllMocks();
  server.resetHandlers();
  fake.reset();
});
afterAll(() => server.close());

async function text(stream: ReadableStream<Uint8Array> | null): Promise<string | null> {
  if (!stream) return null;
  return new Response(stream).text();
}

let root: string;
const backends: Array<[string, () => FileStorage]> = [
  ["local disk", () => createLocalStorage(root)],
  ["Supabase Storage", () => createSupabaseStorage({ url: STORAGE_TEST_URL, serviceKey: STORAGE_TEST_SERVICE_KEY })],
];

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), "passerelle-storage-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe.each(backends)("%s", (_name, make) => {
  it("stores, reads back, lists and removes an object", async () => {
    const storage = make();
    const key = newStorageKey("tool");
    await storage.put(key, new TextEncoder().encode("%PDF-1.4 bonjour"), "application/pdf");
    expect(await text(await storage.open(key))).toBe("%PDF-1.4 bonjour");
    const listed = await storage.list("tool");
    expect(listed.map((o) => o.key)).toEqual([key]);
    expect(listed[0]?.createdAt).toBeInstanceOf(Date);
    await storage.remove([key]);
    expect(await storage.open(key)).toBeNull();
    expect(await storage.list("tool")).toEqual([]);
    // Removing what is already gone is not an error.
    await storage.remove([key]);
  });

  it("never overwrites an object", async () => {
    const storage = make();
    const key = newStorageKey("tool");
    await storage.put(key, new TextEncoder().encode("first"), "application/pdf");
    await expect(storage.put(key, new TextEncoder().encode("second"), "application/pdf")).rejects.toThrow();
    expect(await text(await storage.open(key))).toBe("first");
  });

  it.each(["tool/../../etc/passwd", "../tool/x", "tool/guide.pdf", "TOOL/5ed7efab-78a5-483c-bed3-38695a50db17", "tool//x", ""])(
    "refuses the key %j before any I/O",
    async (key) => {
      const storage = make();
      await expect(storage.put(key, new Uint8Array([1]), "application/pdf")).rejects.toBeInstanceOf(StorageError);
      await expect(storage.open(key)).rejects.toBeInstanceOf(StorageError);
      await expect(storage.remove([key])).rejects.toBeInstanceOf(StorageError);
      expect(fake.calls).toEqual([]);
    },
  );

  it("answers null for an object that does not exist", async () => {
    const storage = make();
    await storage.put(newStorageKey("tool"), new Uint8Array([1]), "image/png");
    expect(await storage.open(newStorageKey("tool"))).toBeNull();
  });
});

describe("local disk", () => {
  it("keeps files under the uploads directory, private, with no partial files left", async () => {
    const storage = createLocalStorage(root);
    const key = newStorageKey("tool");
    await storage.put(key, new Uint8Array([1, 2, 3]), "image/png");
    expect(await readdir(path.join(root, "tool"))).toEqual([key.split("/")[1]]);
    // A stray file that is not one of our keys is ignored by list (never deleted by the sweep).
    await rm(path.join(root, "tool", "notes.txt"), { force: true });
    expect((await storage.list("tool")).map((o) => o.key)).toEqual([key]);
    expect(await storage.list("case")).toEqual([]);
  });
});

describe("Supabase Storage", () => {
  it("creates a private bucket once, and authenticates every call with the service key", async () => {
    const storage = createSupabaseStorage({ url: STORAGE_TEST_URL, serviceKey: STORAGE_TEST_SERVICE_KEY });
    await storage.put(newStorageKey("tool"), new Uint8Array([1]), "application/pdf");
    await storage.put(newStorageKey("tool"), new Uint8Array([2]), "application/pdf");
    expect(fake.buckets.get(DEFAULT_BUCKET)?.public).toBe(false);
    expect(fake.calls.filter((c) => c.method === "POST" && c.path === "/bucket")).toHaveLength(1);
    expect(fake.objects(DEFAULT_BUCKET).size).toBe(2);
    const stored = [...fake.objects(DEFAULT_BUCKET).values()][0];
    expect(stored?.contentType).toBe("application/pdf");
  });

  it("refuses with a wrong key (the fake checks it)", async () => {
    const storage = createSupabaseStorage({ url: STORAGE_TEST_URL, serviceKey: "not-the-service-key-000000" });
    await expect(storage.put(newStorageKey("tool"), new Uint8Array([1]), "application/pdf")).rejects.toBeInstanceOf(StorageError);
  });

  it.each(["network", 503] as const)("turns an outage (%s) into a StorageError, quietly", async (kind) => {
    const storage = createSupabaseStorage({ url: STORAGE_TEST_URL, serviceKey: STORAGE_TEST_SERVICE_KEY });
    server.use(supabaseStorageOutage(STORAGE_TEST_URL, kind));
    await expect(storage.put(newStorageKey("tool"), new Uint8Array([1]), "application/pdf")).rejects.toBeInstanceOf(StorageError);
    await expect(storage.open(newStorageKey("tool"))).rejects.toBeInstanceOf(StorageError);
    await expect(storage.remove([newStorageKey("tool")])).rejects.toBeInstanceOf(StorageError);
    await expect(storage.list("tool")).rejects.toBeInstanceOf(StorageError);
  });

  it("lists page by page", async () => {
    const storage = createSupabaseStorage({ url: STORAGE_TEST_URL, serviceKey: STORAGE_TEST_SERVICE_KEY });
    const keys = Array.from({ length: 3 }, () => newStorageKey("tool"));
    for (const key of keys) await storage.put(key, new Uint8Array([1]), "application/pdf");
    expect((await storage.list("tool")).map((o) => o.key).sort()).toEqual(keys.sort());
  });
});
