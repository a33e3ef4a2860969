// A stand-in for Jitsi's external API, installed before any page script runs: the SDK
// uses an existing window.JitsiMeetExternalAPI instead of loading external_api.js, so
// room pages are tested without network. The fake records what the page asked for in
// window.__fakeJitsi and lets a test join and leave the conference.
import type { BrowserContext, Page } from "playwright-core";

export interface FakeJitsiState {
  created: Array<{ domain: string; roomName: string; jwt?: string; lang?: string; displayName?: string }>;
  disposed: number;
}

export async function installFakeJitsi(context: BrowserContext | Page) {
  await context.addInitScript(() => {
    const state = { created: [] as unknown[], disposed: 0, apis: [] as unknown[] };
    (window as unknown as { __fakeJitsi: unknown }).__fakeJitsi = state;
    class FakeApi {
      listeners = new Map<string, Array<(e: unknown) => void>>();
      node: HTMLElement | null;
      constructor(
        domain: string,
        options: { roomName: string; jwt?: string; lang?: string; userInfo?: { displayName?: string }; parentNode?: HTMLElement },
      ) {
        state.created.push({
          domain,
          roomName: options.roomName,
          jwt: options.jwt,
          lang: options.lang,
          displayName: options.userInfo?.displayName,
        });
        state.apis.push(this);
        this.node = document.createElement("div");
        this.node.setAttribute("data-fake-jitsi", options.roomName);
        this.node.textContent = `Fake Jitsi: ${options.roomName}`;
        options.parentNode?.appendChild(this.node);
      }
      addListener(event: string, fn: (e: unknown) => void) {
        this.listeners.set(event, [...(this.listeners.get(event) ?? []), fn]);
        return this;
      }
      on(event: string, fn: (e: unknown) => void) {
        return this.addListener(event, fn);
      }
      addEventListener(event: string, fn: (e: unknown) => void) {
        this.addListener(event, fn);
      }
      removeListener() {
        return this;
      }
      emit(event: string, payload: unknown) {
        for (const fn of this.listeners.get(event) ?? []) fn(payload);
      }
      executeCommand() {}
      getIFrame() {
        return this.node;
      }
      dispose() {
        state.disposed++;
        this.node?.remove();
      }
    }
    (window as unknown as { JitsiMeetExternalAPI: unknown }).JitsiMeetExternalAPI = FakeApi;
  });
}

export async function fakeJitsiState(page: Page): Promise<FakeJitsiState> {
  return page.evaluate(() => {
    const s = (window as unknown as { __fakeJitsi: FakeJitsiState }).__fakeJitsi;
    return { created: s.created, disposed: s.disposed };
  });
}

/** Plays the conference joined / left events of the latest room, as Jitsi would. */
export async function fakeJitsiEmit(page: Page, event: "videoConferenceJoined" | "videoConferenceLeft") {
  await page.evaluate((name) => {
    const s = (window as unknown as { __fakeJitsi: { apis: Array<{ emit(e: string, p: unknown): void }> } }).__fakeJitsi;
    s.apis.at(-1)?.emit(name, { roomName: "", id: "me" });
  }, event);
}
