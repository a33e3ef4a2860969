import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig, type TestProjectInlineConfiguration } from "vitest/config";

const root = path.dirname(fileURLToPath(import.meta.url));
const alias = { "~": path.join(root, "app") };
const setupFiles = [path.join(root, "tests/setup/fail-on-console-error.ts")];

// Settings every project shares. The global setup (one migrated database template
// for the whole run) belongs to the root config only: vitest runs the root's global
// setup once per run and hands what it provides to every project.
function project(name: string, test: NonNullable<TestProjectInlineConfiguration["test"]>): TestProjectInlineConfiguration {
  return {
    resolve: { alias },
    test: {
      name,
      environment: "node",
      setupFiles,
      testTimeout: 20_000,
      hookTimeout: 30_000,
      // expect.poll waits on a condition; vitest's default of 1 s is a tight timeout on a
      // busy 2-core machine (a form post and its redirect took longer at load 15).
      expect: { poll: { timeout: 15_000, interval: 100 } },
      ...test,
    },
  };
}

export default defineConfig({
  resolve: { alias },
  test: {
    globalSetup: [path.join(root, "tests/setup/global-setup.ts")],
    projects: [
      project("unit", { include: ["app/**/*.test.{ts,tsx}", "server/**/*.test.ts"] }),
      project("integration", { include: ["tests/integration/**/*.test.ts"] }),
      project("realtime", { include: ["tests/realtime/**/*.test.ts"] }),
      project("security", { include: ["tests/security/**/*.test.ts"] }),
      project("e2e", {
        include: ["tests/e2e/**/*.test.ts"],
        // One browser and one server at a time; pages are slow on CI machines.
        fileParallelism: false,
        testTimeout: 60_000,
        hookTimeout: 120_000,
        expect: { poll: { timeout: 30_000, interval: 100 } },
      }),
    ],
  },
});
