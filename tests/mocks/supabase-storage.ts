// MSW stand-in for the Supabase Storage HTTP API: an in-memory Storage with buckets and
// objects, covering what app/utils/storage.server.ts calls through supabase-js (get/create
// bucket, upload without upsert, authenticated download, remove by prefixes, list). It
// answers errors in Storage's shape ({statusCode, error, message}; a missing object or
// bucket is HTTP 400 with statusCode "404", as Storage versions before 2024 do) and
// checks the service key on every call.
//
//   const storage = createFakeStorage();
//   const server = setupServer(...storage.handlers);
//   server.use(supabaseStorageOutage(storage.url, "network"));   // Storage is down
import { randomUUID } from "node:crypto";
import { http, HttpResponse, type HttpHandler } from "msw";

export const STORAGE_TEST_URL = "http://passerelle-storage.supabase.test";
export const STORAGE_TEST_SERVICE_KEY = "test-service-role-key-0123456789";

export interface FakeObject {
  bytes: Uint8Array;
  contentType: string;
  createdAt: string;
}
export interface FakeStorageCall {
  method: string;
  path: string;
}

export interface FakeStorage {
  readonly url: string;
  readonly handlers: HttpHandler[];
  readonly buckets: Map<string, { public: boolean; objects: Map<string, FakeObject> }>;
  readonly calls: FakeStorageCall[];
  /** Objects of a bucket, by key. */
  objects(bucket: string): Map<string, FakeObject>;
  reset(): void;
}

const notFound = (what: string) =>
  HttpResponse.json({ statusCode: "404", error: "not_found", message: `${what} not found` }, { status: 400 });

export function createFakeStorage(options: { url?: string; serviceKey?: string } = {}): FakeStorage {
  const url = options.url ?? STORAGE_TEST_URL;
  const serviceKey = options.serviceKey ?? STORAGE_TEST_SERVICE_KEY;
  const base = `${url}/storage/v1`;
  const buckets: FakeStorage["buckets"] = new Map();
  const calls: FakeStorageCall[] = [];

  /** Every call must carry the service key, as apikey and as a bearer token. */
  function unauthorised(request: Request): Response | null {
    calls.push({ method: request.method, path: new URL(request.url).pathname.replace("/storage/v1", "") });
    const bearer = request.headers.get("authorization");
    if (request.headers.get("apikey") !== serviceKey || bearer !== `Bearer ${serviceKey}`) {
      return HttpResponse.json({ statusCode: "403", error: "Unauthorized", message: "invalid signature" }, { status: 403 });
    }
    return null;
  }
  /** bucket and key of /object/<bucket>/<key…> */
  function objectPath(request: Request, prefix: string) {
    const rest = decodeURIComponent(new URL(request.url).pathname.slice(`/storage/v1${prefix}`.length));
    const slash = rest.indexOf("/");
    return slash < 0 ? { bucket: rest, key: "" } : { bucket: rest.slice(0, slash), key: rest.slice(slash + 1) };
  }

  const handlers: HttpHandler[] = [
    http.get(`${base}/bucket/:id`, ({ request, params }) => {
      const denied = unauthorised(request);
      if (denied) return denied;
      const id = String(params.id);
      const bucket = buckets.get(id);
      if (!bucket) return HttpResponse.json({ statusCode: "404", error: "Bucket not found", message: "Bucket not found" }, { status: 400 });
      return HttpResponse.json({ id, name: id, public: bucket.public, created_at: new Date().toISOString() });
    }),
    http.post(`${base}/bucket`, async ({ request }) => {
      const denied = unauthorised(request);
      if (denied) return denied;
      const body = (await request.json()) as { id?: string; name?: string; public?: boolean };
      const id = body.id ?? body.name ?? "";
      if (buckets.has(id))
        return HttpResponse.json({ statusCode: "409", error: "Duplicate", message: "The resource already exists" }, { status: 400 });
      buckets.set(id, { public: Boolean(body.public), objects: new Map() });
      return HttpResponse.json({ name: id });
    }),
    http.post(`${base}/object/list/:bucket`, async ({ request, params }) => {
      const denied = unauthorised(request);
      if (denied) return denied;
      const bucket = buckets.get(String(params.bucket));
      if (!bucket) return notFound("Bucket");
      const body = (await request.json()) as { prefix?: string; limit?: number; offset?: number };
      const prefix = body.prefix ? `${body.prefix.replace(/\/$/, "")}/` : "";
      const items = [...bucket.objects.entries()]
        .filter(([key]) => key.startsWith(prefix) && !key.slice(prefix.length).includes("/"))
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, o]) => ({
          name: key.slice(prefix.length),
          id: randomUUID(),
          created_at: o.createdAt,
          updated_at: o.createdAt,
          last_accessed_at: o.createdAt,
          metadata: { size: o.bytes.byteLength, mimetype: o.contentType },
        }));
      const offset = body.offset ?? 0;
      return HttpResponse.json(items.slice(offset, offset + (body.limit ?? 100)));
    }),
    http.post(`${base}/object/*`, async ({ request }) => {
      const denied = unauthorised(request);
      if (denied) return denied;
      const { bucket: bucketName, key } = objectPath(request, "/object/");
      const bucket = buckets.get(bucketName);
      if (!bucket) return notFound("Bucket");
      if (bucket.objects.has(key) && request.headers.get("x-upsert") !== "true") {
        return HttpResponse.json({ statusCode: "409", error: "Duplicate", message: "The resource already exists" }, { status: 400 });
      }
      const bytes = new Uint8Array(await request.arrayBuffer());
      bucket.objects.set(key, {
        bytes,
        contentType: request.headers.get("content-type") ?? "application/octet-stream",
        createdAt: new Date().toISOString(),
      });
      return HttpResponse.json({ Key: `${bucketName}/${key}`, Id: randomUUID() });
    }),
    http.get(`${base}/object/*`, ({ request }) => {
      const denied = unauthorised(request);
      if (denied) return denied;
      const { bucket: bucketName, key } = objectPath(request, "/object/");
      const object = buckets.get(bucketName)?.objects.get(key);
      if (!object) return notFound("Object");
      return new HttpResponse(object.bytes, {
        headers: { "Content-Type": object.contentType, "Content-Length": String(object.bytes.byteLength) },
      });
    }),
    http.delete(`${base}/object/:bucket`, async ({ request, params }) => {
      const denied = unauthorised(request);
      if (denied) return denied;
      const bucket = buckets.get(String(params.bucket));
      if (!bucket) return notFound("Bucket");
      const body = (await request.json()) as { prefixes: string[] };
      const removed = body.prefixes.filter((key) => bucket.objects.delete(key)).map((name) => ({ name, bucket_id: params.bucket }));
      return HttpResponse.json(removed);
    }),
  ];

  return {
    url,
    handlers,
    buckets,
    calls,
    objects(bucket) {
      return buckets.get(bucket)?.objects ?? new Map();
    },
    reset() {
      buckets.clear();
      calls.length = 0;
    },
  };
}

/** Every Storage call fails: "network" (fetch throws) or an HTTP status. */
export function supabaseStorageOutage(url: string, kind: "network" | number): HttpHandler {
  return http.all(`${url}/storage/v1/*`, () =>
    kind === "network"
      ? HttpResponse.error()
      : HttpResponse.json({ statusCode: String(kind), error: "unavailable", message: "upstream unavailable" }, { status: kind }),
  );
}
