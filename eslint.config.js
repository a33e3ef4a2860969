// The lint gate `npm run lint` (run by `npm test` before the type check). Correctness rules
// only: formatting belongs to Prettier (`npm run format:check`). The module rules of
// docs/architecture.md are encoded below: no import cycle anywhere, and a module reaches
// another module only through that module's public files.
import js from "@eslint/js";
import { createTypeScriptImportResolver } from "eslint-import-resolver-typescript";
import importX from "eslint-plugin-import-x";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

/**
 * The public files of each module: `<module>.server`, `schemas`, `components/`, and the few
 * other entry points a module deliberately offers (each listed here, so a new one is a decision).
 * `privacy.server` is every module's implementation of the privacy contract, read by the registry.
 * `limits` (a form's bounds, free of server code) and `live-schemas` (the socket messages of a live
 * page) are shared by a module's pages, its forms in the browser and `server/realtime`. `seed.server`
 * is a module's part of the demo data that `server/seed.ts` writes.
 * Routes and `server/` are under the same rule: what a page or the server calls is named below, and
 * every other file of a module is internal to it.
 */
const PUBLIC_ENTRIES = {
  "*": ["schemas", "components", "privacy.server", "limits", "live-schemas", "seed.server"],
  // Guards, reference data and consent versions for every page; the member notices of the
  // admin and vouch pages; the profile's password and email change.
  accounts: ["guards.server", "reference", "consent", "emails.server", "notify.server", "security.server"],
  // The attestation PDF, for the events and mentoring pages.
  attestations: ["pdf.server"],
  // The case form and its live updates (pages), its template vocabularies, the notices after a post.
  cases: ["case-form", "use-case-live", "template", "notify.server", "site-search.server"],
  // The chat pages' guards, their socket broadcasts after a write, channel names in the reader's language.
  chat: ["guards.server", "publish.server", "channel-labels.server"],
  // Each page of an event: attendance and attestation, the editing form, follow-up and its slides, the live room.
  events: ["attendance.server", "editing.server", "followup.server", "live.server", "slides.server"],
  // Each forums page's server part; `forms.server` keeps zod out of the read pages' bundle;
  // notices after a post and the digest job; stale post HTML rebuilt at start.
  forums: [
    "forms.server",
    "manage.server",
    "moderation.server",
    "notify.server",
    "post-html.server",
    "topic-page.server",
    "unsubscribe.server",
  ],
  "identifier-guard": ["guard.server", "review.server"],
  jobs: ["queue.server", "admin.server"],
  mentoring: ["coverage-chart"],
  // The email delays list, offered by the notification centre and the privacy page alike.
  notifications: ["email-delays"],
  privacy: ["contract", "rows.server", "incident-schema", "incidents.server"],
  realtime: ["live"],
  search: ["excerpt"],
  // Site search asks each searchable module for its part of the results; the file route names
  // a download's type; the home page dates a publication; the seed adds the demo tools' details.
  tools: ["site-search.server", "file-types", "form.server", "published", "seed-data"],
  // A video room: its address for a person (server) and the room itself (page).
  video: ["room.server", "video-room"],
};

const ident = (s) => s.replaceAll(".", "\\.");
const allowed = Object.entries(PUBLIC_ENTRIES)
  .filter(([name]) => name !== "*")
  .map(([name, entries]) => `${ident(name)}/(?:${entries.map(ident).join("|")})`)
  .join("|");
const everywhere = PUBLIC_ENTRIES["*"].map(ident).join("|");
/**
 * `~/modules/<m>/<file>` (or `../../app/modules/<m>/<file>`, as `server/realtime` writes it) where
 * <file> is not one of <m>'s public entries.
 */
const INTERNAL = `^(?:~|(?:\\.\\./)+app)/modules/(?!([^/]+)/\\1\\.server$)(?!(?:${allowed})$)(?![^/]+/(?:${everywhere})(?:/|$))[^/]+/.+`;

const boundary = (message) => ({
  "no-restricted-imports": ["error", { patterns: [{ regex: INTERNAL, message }] }],
});

export default tseslint.config(
  {
    ignores: [
      "build/**",
      "public/build/**",
      ".cache/**",
      ".data/**",
      ".test-data/**",
      "node_modules/**",
      "app/utils/db-schema.ts", // generated (scripts/db-schema.ts)
      "**/*.d.ts",
      "tmp-*",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: "module",
      globals: { ...globals.node, ...globals.browser },
    },
    plugins: { "import-x": importX, "react-hooks": reactHooks },
    settings: {
      // Resolves the `~/` alias of tsconfig.json, so no-cycle follows every import.
      "import-x/resolver-next": [createTypeScriptImportResolver({ project: "tsconfig.json" })],
      "import-x/extensions": [".ts", ".tsx", ".js", ".mjs"],
    },
    rules: {
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "error",
      // The import graph has no cycle (docs/architecture.md, "What a module may import").
      "import-x/no-cycle": ["error", { ignoreExternal: true }],
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none", ignoreRestSiblings: true },
      ],
      // `import("x").T` stays allowed: it names the type of a module loaded lazily (PGlite, playwright).
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports", disallowTypeAnnotations: false }],
    },
  },
  {
    files: ["app/modules/**"],
    rules: boundary("A module imports another module only through its public files (docs/architecture.md; eslint.config.js lists them)."),
  },
  {
    files: ["app/utils/**", "app/components/**"],
    rules: boundary("app/utils and app/components import no module's internals (docs/architecture.md)."),
  },
  {
    files: ["app/routes/**", "app/*.ts", "app/*.tsx", "server/**"],
    rules: boundary(
      "Routes and the server import a module only through its public files (docs/architecture.md; eslint.config.js lists them).",
    ),
  },
  {
    // Tests may reach into what they test; scripts are tools.
    files: ["**/*.test.ts", "**/*.test.tsx", "tests/**", "scripts/**"],
    rules: { "no-restricted-imports": "off" },
  },
);
