// Every project loads this file: a console.error during a test fails that test.
// React warnings, unhandled loader errors and "should never happen" logs all end
// up on console.error, and a green test that printed one is hiding a bug.
// A test that expects an error log opts out explicitly, which wraps this spy:
//   const spy = vi.spyOn(console, "error").mockImplementation(() => {});
import { afterEach, beforeEach } from "vitest";
import { format } from "node:util";

const original = console.error;
let calls: string[] = [];

beforeEach(() => {
  calls = [];
  // Replaced by hand rather than with vi.spyOn so that a test calling
  // vi.restoreAllMocks() cannot silently remove the guard.
  console.error = (...args: unknown[]) => {
    calls.push(format(...args));
    original(...args);
  };
});

afterEach(() => {
  console.error = original;
  const seen = calls;
  calls = [];
  if (seen.length > 0) {
    throw new Error(
      `console.error was called ${seen.length} time(s) during this test:\n` +
        seen.map((line, i) => `  ${i + 1}. ${line.split("\n").slice(0, 8).join("\n     ")}`).join("\n"),
    );
  }
});
