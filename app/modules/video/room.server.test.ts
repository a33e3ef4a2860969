import { generateKeyPairSync } from "node:crypto";
import { decodeProtectedHeader, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { mintJaasToken, mintRoomToken, roomNameFor, videoRoomFor } from "./room.server";

const secret = "s".repeat(40);
const person = { id: "7c1f0f0e-0000-4000-8000-000000000001", name: "Dre Mentor" };

describe("room names", () => {
  it("are stable for one session, different for another session, scope or secret, and not the id", () => {
    const a = roomNameFor(secret, { scope: "mentoring-session", id: "abc" });
    expect(roomNameFor(secret, { scope: "mentoring-session", id: "abc" })).toBe(a);
    expect(roomNameFor(secret, { scope: "mentoring-session", id: "abd" })).not.toBe(a);
    expect(roomNameFor(secret, { scope: "event", id: "abc" })).not.toBe(a);
    expect(roomNameFor("t".repeat(40), { scope: "mentoring-session", id: "abc" })).not.toBe(a);
    expect(a).toMatch(/^passerelle-[a-z2-7]{32}$/);
    expect(a).not.toContain("abc");
  });
});

describe("room tokens", () => {
  it("are HS256 for the room, expire soon and carry the moderator flag", async () => {
    const now = new Date("2026-12-06T20:00:00Z");
    const token = await mintRoomToken({
      appId: "passerelle",
      appSecret: secret,
      domain: "meet.example.org",
      room: "passerelle-x",
      person,
      moderator: true,
      now,
    });
    const { payload, protectedHeader } = await jwtVerify(token, new TextEncoder().encode(secret), {
      audience: "jitsi",
      issuer: "passerelle",
      subject: "meet.example.org",
      currentDate: new Date(now.getTime() + 60_000),
    });
    expect(protectedHeader.alg).toBe("HS256");
    expect(payload.room).toBe("passerelle-x");
    expect(payload.moderator).toBe(true);
    expect((payload.context as { user: { name: string; moderator: boolean } }).user).toMatchObject({ name: "Dre Mentor", moderator: true });
    expect((payload.exp ?? 0) - Math.floor(now.getTime() / 1000)).toBeLessThanOrEqual(600);
    await expect(
      jwtVerify(token, new TextEncoder().encode(secret), { currentDate: new Date(now.getTime() + 11 * 60_000) }),
    ).rejects.toThrow();
    await expect(jwtVerify(token, new TextEncoder().encode("u".repeat(40)))).rejects.toThrow();
  });

  it("a mentee or attendee is not a moderator", async () => {
    const token = await mintRoomToken({
      appId: "p",
      appSecret: secret,
      domain: "meet.example.org:8443",
      room: "r",
      person,
      moderator: false,
    });
    const { payload } = await jwtVerify(token, new TextEncoder().encode(secret));
    expect(payload.moderator).toBe(false);
    expect(payload.sub).toBe("meet.example.org");
  });
});

describe("videoRoomFor", () => {
  const subject = { scope: "mentoring-session", id: "s1" } as const;
  it("says video is not configured without JITSI_DOMAIN", async () => {
    expect(await videoRoomFor({ env: {}, secret, subject, person, moderator: false })).toEqual({ configured: false });
  });
  it("gives the domain and room, and a token only with token auth configured", async () => {
    const open = await videoRoomFor({ env: { JITSI_DOMAIN: "meet.example.org" }, secret, subject, person, moderator: false });
    expect(open).toMatchObject({ configured: true, domain: "meet.example.org", roomName: roomNameFor(secret, subject) });
    expect(open).not.toHaveProperty("jwt");
    const withToken = await videoRoomFor({
      env: { JITSI_DOMAIN: "meet.example.org", JITSI_APP_ID: "p", JITSI_APP_SECRET: secret },
      secret,
      subject,
      person,
      moderator: true,
    });
    expect(withToken.configured && withToken.jwt).toMatch(/^ey/);
  });
});

describe("8x8 JaaS tokens", () => {
  const appId = "vpaas-magic-cookie-0123456789abcdef0123456789abcdef";
  const keyId = `${appId}/4f4910`;
  const keys = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const privateKeyPem = keys.privateKey.export({ type: "pkcs8", format: "pem" }).toString();

  it("are RS256 under the API key id, for the AppID and this room only, and expire soon", async () => {
    const now = new Date("2026-12-06T20:00:00Z");
    const token = await mintJaasToken({ appId, keyId, privateKeyPem, room: "passerelle-x", person, moderator: true, now });
    expect(decodeProtectedHeader(token)).toEqual({ alg: "RS256", kid: keyId, typ: "JWT" });
    const { payload } = await jwtVerify(token, keys.publicKey, {
      audience: "jitsi",
      issuer: "chat",
      subject: appId,
      currentDate: new Date(now.getTime() + 60_000),
    });
    expect(payload.room).toBe("passerelle-x");
    const context = payload.context as { user: { name: string; moderator: boolean }; features: Record<string, boolean> };
    expect(context.user).toMatchObject({ name: "Dre Mentor", moderator: true });
    // Supervision is never recorded or streamed through the token.
    expect(context.features).toMatchObject({ recording: false, livestreaming: false });
    await expect(jwtVerify(token, keys.publicKey, { currentDate: new Date(now.getTime() + 11 * 60_000) })).rejects.toThrow();
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 });
    await expect(jwtVerify(token, other.publicKey)).rejects.toThrow();
  });

  it("videoRoomFor puts the room under the AppID and signs with the JaaS key", async () => {
    const subject = { scope: "event", id: "e1" } as const;
    const room = await videoRoomFor({
      env: { JITSI_DOMAIN: "8x8.vc", JAAS_APP_ID: appId, JAAS_KEY_ID: keyId, JAAS_PRIVATE_KEY: privateKeyPem },
      secret,
      subject,
      person,
      moderator: false,
    });
    expect(room).toMatchObject({
      configured: true,
      domain: "8x8.vc",
      roomName: `${appId}/${roomNameFor(secret, subject)}`,
      moderator: false,
    });
    const jwt = room.configured ? room.jwt : undefined;
    const { payload } = await jwtVerify(jwt ?? "", keys.publicKey, { issuer: "chat", subject: appId });
    expect((payload.context as { user: { moderator: boolean } }).user.moderator).toBe(false);
  });
});
