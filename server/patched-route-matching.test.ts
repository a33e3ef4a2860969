// The server's route matching is patched (patches/, applied by `npm install`): ranked
// branches are kept per route array and compiled paths per pattern instead of being
// rebuilt on every match (decision 034). The browser keeps the untouched ES module
// build, which serves here as the reference: for every route of this app and for
// random addresses, the patched matcher must give the same routes and parameters,
// on its first call for a route array and on every later (cached) one.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type * as Router from "@remix-run/router";
import * as referenceBuild from "../node_modules/@remix-run/router/dist/router.js";

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const reference = referenceBuild as unknown as typeof Router;
const patched = require("@remix-run/router") as typeof Router;
const { flatRoutes } = require("@remix-run/dev/dist/config/flat-routes.js") as {
  flatRoutes: (appDir: string) => Record<string, ManifestRoute>;
};

interface RouteNode {
  id: string;
  path?: string;
  index?: boolean;
  caseSensitive?: boolean;
  children?: RouteNode[];
}

type ManifestRoute = { id: string; parentId?: string; path?: string; index?: boolean; caseSensitive?: boolean };

/** This app's route tree, as Remix builds it from app/routes (root first). */
function appRoutes(): RouteNode[] {
  const manifest: Record<string, ManifestRoute> = flatRoutes(path.join(root, "app"));
  const byParent = new Map<string, ManifestRoute[]>();
  for (const route of Object.values(manifest)) {
    const parent = route.parentId ?? "root";
    byParent.set(parent, [...(byParent.get(parent) ?? []), route]);
  }
  const build = (id: string): RouteNode[] =>
    (byParent.get(id) ?? []).map((r) => {
      const children = build(r.id);
      return { id: r.id, path: r.path, index: r.index, caseSensitive: r.caseSensitive, ...(children.length ? { children } : {}) };
    });
  return [{ id: "root", path: "", children: build("root") }];
}

/** Every full path pattern of the tree (`/forums/t/:id`, …). */
function patterns(routes: RouteNode[], parent = ""): string[] {
  return routes.flatMap((r) => {
    const full = r.path ? `${parent}/${r.path}`.replace(/\/+/g, "/") : parent;
    return [full || "/", ...patterns(r.children ?? [], full)];
  });
}

const asRoutes = (tree: RouteNode[]) => tree as unknown as Router.AgnosticRouteObject[];

const summary = (matches: ReturnType<typeof reference.matchRoutes>) =>
  matches?.map((m) => ({ id: (m.route as RouteNode).id, params: m.params, pathname: m.pathname, base: m.pathnameBase })) ?? null;

const segment = fc.oneof(
  fc.stringMatching(/^[a-z0-9-]{1,12}$/),
  fc.integer({ min: 0, max: 1_000_000 }).map(String),
  fc.constantFrom("%C3%A9t%C3%A9", "a%2Fb", "..", ".", "UPPER", "new", "edit", "_data", "%00"),
);

describe("patched route matching (server)", () => {
  const tree = appRoutes();
  const all = patterns(tree);

  it("is the patched build that Node loads on the server", () => {
    // Without the patch the server still works, only slower: say so plainly here.
    expect(readFileSync(require.resolve("@remix-run/router"), "utf8")).toContain("Passerelle patch");
    expect(all.length).toBeGreaterThan(50);
  });

  it("matches every route of the app as the reference does, first call and cached", () => {
    const fresh = appRoutes();
    for (const pattern of all) {
      const address = pattern.replace(/:(\w+)\??/g, "x-$1").replace(/\*$/, "a/b");
      const expected = summary(reference.matchRoutes(asRoutes(tree), address));
      expect(summary(patched.matchRoutes(asRoutes(fresh), address)), address).toEqual(expected);
      expect(summary(patched.matchRoutes(asRoutes(fresh), address)), address).toEqual(expected);
      expect(summary(patched.matchRoutes(asRoutes(tree), address)), address).toEqual(expected);
    }
  });

  it("agrees with the reference on random addresses built from the app's patterns", () => {
    const fresh = appRoutes();
    fc.assert(
      fc.property(
        fc.constantFrom(...all),
        fc.array(segment, { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        fc.boolean(),
        (pattern, values, trailingSlash, extra) => {
          let i = 0;
          let address = pattern.replace(/:(\w+)\??/g, () => values[i++ % values.length] ?? "x").replace(/\*$/, values.join("/"));
          if (extra) address += `/${values[0]}`;
          if (trailingSlash) address += "/";
          const expected = summary(reference.matchRoutes(asRoutes(tree), address));
          expect(summary(patched.matchRoutes(asRoutes(fresh), address))).toEqual(expected);
          expect(summary(patched.matchRoutes(asRoutes(tree), address))).toEqual(expected);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("gives the same answer as the reference for matchPath with any pattern options", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...all),
        fc.boolean(),
        fc.boolean(),
        fc.array(segment, { minLength: 1, maxLength: 4 }),
        (p, caseSensitive, end, values) => {
          const address = `/${values.join("/")}`;
          const upper = p.toUpperCase();
          for (const pattern of [p, upper]) {
            const options = { path: pattern, caseSensitive, end };
            expect(patched.matchPath(options, address)).toEqual(reference.matchPath(options, address));
            expect(patched.matchPath(options, pattern)).toEqual(reference.matchPath(options, pattern));
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

// Remix's partial manifest (the routes a page's markup names for lazy route discovery) is
// patched too: the routes its parent paths match are kept per parent path. The browser's
// ES module build, untouched, is the reference.
describe("patched partial manifest (server)", () => {
  type PartialManifest = (manifest: { routes: Record<string, unknown> }, router: unknown) => { routes: Record<string, unknown> };
  const patchedFog = require("@remix-run/react/dist/fog-of-war.js") as { getPartialManifest: PartialManifest };
  const tree = appRoutes();
  const all = patterns(tree);
  const ids = (nodes: RouteNode[]): string[] => nodes.flatMap((n) => [n.id, ...ids(n.children ?? [])]);
  const manifest = { routes: Object.fromEntries(ids(tree).map((id) => [id, { id }])) };
  const routerAt = (routes: RouteNode[], pathname: string) => ({
    routes,
    basename: undefined,
    state: { location: { pathname }, matches: reference.matchRoutes(asRoutes(routes), pathname) ?? [] },
  });

  it("names the same routes, in the same order, as the reference for any address, first call and cached", async () => {
    // @ts-expect-error: the untouched ES module build has no type declarations of its own
    const referenceFog = (await import("../node_modules/@remix-run/react/dist/esm/fog-of-war.js")) as unknown as {
      getPartialManifest: PartialManifest;
    };
    expect(readFileSync(require.resolve("@remix-run/react/dist/fog-of-war.js"), "utf8")).toContain("Passerelle patch");
    const fresh = appRoutes();
    fc.assert(
      fc.property(fc.constantFrom(...all), fc.array(segment, { minLength: 1, maxLength: 6 }), fc.boolean(), (pattern, values, extra) => {
        let i = 0;
        let address = pattern.replace(/:(\w+)\??/g, () => values[i++ % values.length] ?? "x").replace(/\*$/, values.join("/"));
        if (extra) address += `/${values[0]}`;
        const expected = Object.keys(referenceFog.getPartialManifest(manifest, routerAt(tree, address)).routes);
        for (const routes of [fresh, fresh, tree])
          expect(Object.keys(patchedFog.getPartialManifest(manifest, routerAt(routes, address)).routes), address).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });
});
