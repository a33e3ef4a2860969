// What a member whose permit lapsed may still post: only the withdrawal of an event
// registration, told apart from every other post by its path and its form's intent.
import { describe, expect, it } from "vitest";
import { isWithdrawal } from "./guards.server";

const post = (path: string, body: BodyInit | null, type?: string) =>
  new Request(`http://passerelle.test${path}`, { method: "POST", body, headers: type ? { "content-type": type } : {} });

describe("isWithdrawal", () => {
  it("accepts an event's unregister form, urlencoded or multipart", async () => {
    expect(
      await isWithdrawal(post("/events/6f1c2a4e-0000-4000-8000-000000000001", "intent=unregister", "application/x-www-form-urlencoded")),
    ).toBe(true);
    const form = new FormData();
    form.set("intent", "unregister");
    expect(await isWithdrawal(post("/events/6f1c2a4e-0000-4000-8000-000000000001", form))).toBe(true);
  });

  it("refuses every other post: registering, another page, another method, a body that is not a form", async () => {
    const id = "6f1c2a4e-0000-4000-8000-000000000001";
    expect(await isWithdrawal(post(`/events/${id}`, "intent=register", "application/x-www-form-urlencoded"))).toBe(false);
    expect(await isWithdrawal(post(`/events/${id}/live`, "intent=unregister", "application/x-www-form-urlencoded"))).toBe(false);
    expect(await isWithdrawal(post("/forums/t/1", "intent=unregister", "application/x-www-form-urlencoded"))).toBe(false);
    expect(await isWithdrawal(post(`/events/${id}`, '{"intent":"unregister"}', "application/json"))).toBe(false);
    expect(await isWithdrawal(post(`/events/${id}`, "intent=unregister", "multipart/form-data; boundary=nothing"))).toBe(false);
    expect(await isWithdrawal(new Request(`http://passerelle.test/events/${id}?intent=unregister`, { method: "DELETE" }))).toBe(false);
  });

  it("leaves the request's body for the action that follows", async () => {
    const request = post("/events/6f1c2a4e-0000-4000-8000-000000000001", "intent=unregister", "application/x-www-form-urlencoded");
    expect(await isWithdrawal(request)).toBe(true);
    expect((await request.formData()).get("intent")).toBe("unregister");
  });
});
