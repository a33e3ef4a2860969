import { describe, expect, it } from "vitest";
import { scriptJson } from "./inline-messages";

describe("messages carried inline in a page", () => {
  it("cannot close their script element or break it, and read back as the same messages", () => {
    const messages = { a: "</script><script>alert(1)</script>", b: "l’équipe & <b>", c: "line\u2028separator\u2029" };
    const text = scriptJson(messages);
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    // What the browser evaluates: a JavaScript object literal equal to the messages.
    expect(new Function(`return ${text};`)()).toEqual(messages);
  });
});
