// Every route of app/routes, read from the files themselves (Remix's flat-route naming),
// so a route added tomorrow is driven by the hostile-input test without anyone listing it.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

export interface AppRoute {
  /** "routes/chat.$conversationId_.members" */
  id: string;
  file: string;
  /** "/chat/:conversationId/members" */
  pattern: string;
  params: string[];
  index: boolean;
  hasAction: boolean;
  hasLoader: boolean;
  source: string;
}

const ROUTES_DIR = path.resolve("app/routes");

/** app/routes/<name>.tsx → URL pattern, following Remix v2 flat routes. */
export function routePattern(name: string): { pattern: string; params: string[]; index: boolean } {
  const segments: string[] = [];
  const params: string[] = [];
  let index = false;
  for (const raw of name.split(".")) {
    if (raw === "_index") {
      index = true;
      continue;
    }
    if (raw.startsWith("_")) continue; // pathless layout
    const segment = raw.endsWith("_") ? raw.slice(0, -1) : raw; // "$id_": not nested in $id's layout
    if (segment === "$") {
      params.push("*");
      segments.push("*");
    } else if (segment.startsWith("$")) {
      params.push(segment.slice(1));
      segments.push(`:${segment.slice(1)}`);
    } else {
      segments.push(segment);
    }
  }
  return { pattern: `/${segments.join("/")}`, params, index };
}

export function appRoutes(): AppRoute[] {
  return readdirSync(ROUTES_DIR)
    .filter((f) => /\.(tsx?|jsx?)$/.test(f) && !/\.test\./.test(f))
    .sort()
    .map((file) => {
      const name = file.replace(/\.(tsx?|jsx?)$/, "");
      const source = readFileSync(path.join(ROUTES_DIR, file), "utf8");
      return {
        id: `routes/${name}`,
        file,
        ...routePattern(name),
        hasAction: /export\s+(async\s+function|const|function)\s+action\b|export\s*\{[^}]*\baction\b/.test(source),
        hasLoader: /export\s+(async\s+function|const|function)\s+loader\b|export\s*\{[^}]*\bloader\b/.test(source),
        source,
      };
    });
}

/** Names a form or a query string may carry, as written in the source (`.get("x")`, `name="x"`). */
export function namesIn(source: string): { fields: string[]; queries: string[]; literals: string[] } {
  const fields = new Set<string>();
  const queries = new Set<string>();
  const literals = new Set<string>();
  for (const m of source.matchAll(/(?:formData|form|data)\.get(?:All)?\("([\w.[\]-]+)"\)/g)) if (m[1]) fields.add(m[1]);
  for (const m of source.matchAll(/\bname="([\w.[\]-]+)"/g)) if (m[1]) fields.add(m[1]);
  for (const m of source.matchAll(/(?:searchParams|params|query)\.get(?:All)?\("([\w.[\]-]+)"\)/g)) if (m[1]) queries.add(m[1]);
  for (const m of source.matchAll(/z\.literal\("([\w-]+)"\)|case "([\w-]+)":|intent === "([\w-]+)"/g)) {
    const value = m[1] ?? m[2] ?? m[3];
    if (value) literals.add(value);
  }
  return { fields: [...fields], queries: [...queries], literals: [...literals] };
}

/** The same names over every file of a folder (the modules' schemas, services and components). */
export function namesUnder(dir: string): ReturnType<typeof namesIn> & { schemaKeys: string[] } {
  const all = { fields: new Set<string>(), queries: new Set<string>(), literals: new Set<string>(), schemaKeys: new Set<string>() };
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(tsx?)$/.test(entry.name) && !/\.test\./.test(entry.name)) {
        const source = readFileSync(full, "utf8");
        const names = namesIn(source);
        for (const f of names.fields) all.fields.add(f);
        for (const q of names.queries) all.queries.add(q);
        for (const l of names.literals) all.literals.add(l);
        if (/schemas?\.ts$/.test(entry.name)) {
          for (const m of source.matchAll(/^\s+(\w+):\s*(?:z\.|\w+)/gm)) if (m[1]) all.schemaKeys.add(m[1]);
        }
      }
    }
  };
  walk(path.resolve(dir));
  return { fields: [...all.fields], queries: [...all.queries], literals: [...all.literals], schemaKeys: [...all.schemaKeys] };
}
