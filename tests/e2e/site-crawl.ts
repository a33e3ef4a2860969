// Finds the site's pages the way a visitor does: following links from the home page,
// signed out or with a session, one address per page route of the Remix build, so
// tests can check something on every page without keeping a list of addresses.
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import type { Client } from "../security/helpers";

export interface PageRoute {
  id: string;
  /** Matches a whole pathname. */
  pattern: RegExp;
  depth: number;
  params: number;
}

export async function loadPageRoutes(): Promise<{ pages: PageRoute[]; all: PageRoute[] }> {
  const build: ServerBuild = await import(pathToFileURL(path.resolve("build/index.js")).href);
  const routes = Object.values(build.routes);
  const fullPath = (id: string | undefined): string[] => {
    const route = id ? build.routes[id] : undefined;
    if (!route) return [];
    return [...fullPath(route.parentId), ...(route.path ? route.path.split("/") : [])];
  };
  const depthOf = (id: string | undefined): number => (id && build.routes[id] ? 1 + depthOf(build.routes[id]?.parentId) : 0);
  const all = routes.map((route) => {
    const segments = fullPath(route.id).filter(Boolean);
    const source = segments
      .map((s) => (s === "*" ? ".*" : s.startsWith(":") ? "[^/]+" : s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
      .join("/");
    return {
      id: route.id,
      pattern: new RegExp(`^/${source}/?$`),
      depth: depthOf(route.id),
      params: segments.filter((s) => s.startsWith(":") || s === "*").length,
    };
  });
  const parents = new Set(routes.map((r) => r.parentId));
  // A page is a route that renders something (a default export) and is a leaf.
  const pages = all.filter((r) => r.id !== "root" && build.routes[r.id]?.module.default && !parents.has(r.id));
  return { pages, all };
}

/** The route a pathname lands on: the deepest match, then the one with the fewest parameters. */
export function routeOf(routes: PageRoute[], pathname: string): PageRoute | undefined {
  return routes.filter((r) => r.pattern.test(pathname)).sort((a, b) => b.depth - a.depth || a.params - b.params)[0];
}

const NOT_PAGES = /^\/(build|styles|favicon|files|logout|lang)\b/;

export interface CrawledPage {
  url: string;
  routeId: string;
  status: number;
  body: string;
}

/** One page per route reachable by links from `start` (plus `extra` addresses), fetched with `client`. */
export async function crawl(
  client: Client,
  routes: { pages: PageRoute[]; all: PageRoute[] },
  extra: string[] = [],
): Promise<CrawledPage[]> {
  const queue = ["/", ...extra];
  const seenUrls = new Set<string>();
  const seenRoutes = new Set<string>();
  const out: CrawledPage[] = [];
  while (queue.length > 0) {
    const url = queue.shift() ?? "/";
    if (seenUrls.has(url)) continue;
    seenUrls.add(url);
    const pathname = new URL(url, "http://x").pathname;
    const route = routeOf(routes.all, pathname);
    if (!route || !routes.pages.some((p) => p.id === route.id) || seenRoutes.has(route.id)) continue;
    const res = await client.get(url);
    if (!String(res.headers["content-type"] ?? "").startsWith("text/html")) continue;
    seenRoutes.add(route.id);
    out.push({ url, routeId: route.id, status: res.status, body: res.body });
    for (const [, href = ""] of res.body.matchAll(/href="(\/[^"#]*)/g)) {
      const link = href.replace(/&amp;/g, "&");
      if (!link.startsWith("//") && !NOT_PAGES.test(link) && !link.includes("_data=")) queue.push(link);
    }
  }
  return out;
}
