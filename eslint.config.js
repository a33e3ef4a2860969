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
 */
const PUBLIC_ENTRIES = {
  "*": ["schemas", "components", "privacy.server"],
  accounts: ["guards.server", "reference", "consent", "emails.server"],
  "identifier-guard": ["guard.server"],
  jobs: ["queue.server"],
  // The email delays list, offered by the notification centre and the privacy page alike.
  notifications: ["email-delays"],
  privacy: ["contract", "rows.server", "incident-schema"],
  realtime: ["live"],
  search: ["excerpt"],
  // Site search asks each searchable module for its part of the results.
  cases: ["site-search.server"],
  tools: ["site-search.server"],
};

const ident = (s) => s.replaceAll(".", "\\.");
const allowed = Object.entries(PUBLIC_ENTRIES)
  .filter(([name]) => name !== "*")
  .map(([name, entries]) => `${ident(name)}/(?:${entries.map(ident).join("|")})`)
  .join("|");
const everywhere = PUBLIC_ENTRIES["*"].map(ident).join("|");
/** `~/modules/<m>/<file>` where <file> is not one of <m>'s public entries. */
const INTERNAL = `^~/modules/(?!([^/]+)/\\1\\.server$)(?!(?:${allowed})$)(?![^/]+/(?:${everywhere})(?:/|$))[^/]+/.+`;

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
    // Tests may reach into what they test; scripts are tools.
    files: ["**/*.test.ts", "**/*.test.tsx", "tests/**", "scripts/**"],
    rules: { "no-restricted-imports": "off" },
  },
);
