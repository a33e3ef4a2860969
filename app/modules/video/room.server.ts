// Video rooms on Jitsi (decision 013). The server decides everything about a room:
// whether video is configured, the room's name and, on a self-hosted Jitsi with token
// auth (HS256) or on 8x8 JaaS (RS256), a short-lived JWT naming the person and whether
// they moderate. The page only receives the result (VideoRoomData) and hands it to
// <VideoRoom>.
import { createHmac, createPrivateKey } from "node:crypto";
import { SignJWT } from "jose";
import type { Env } from "~/utils/env.server";
import type { VideoRoomData } from "./schemas";

/** What a room is bound to: a mentoring session, an event… The scope keeps two ids of different kinds apart. */
export interface RoomSubject {
  scope: "mentoring-session" | "event";
  id: string;
}

/** Room tokens are minted per page load and only need to outlive the join. */
export const ROOM_TOKEN_TTL_SECONDS = 10 * 60;

const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

/**
 * An unguessable, stable room name bound to one session or event: an HMAC of the subject
 * under the server secret. Jitsi rooms are open to whoever knows the name (unless token
 * auth is on), so the name must not be derivable from the id alone.
 */
export function roomNameFor(secret: string, subject: RoomSubject): string {
  const digest = createHmac("sha256", secret).update(`video-room\n${subject.scope}\n${subject.id}`).digest();
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of digest) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < 32) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  // 32 characters of base32: 160 bits of the HMAC.
  return `passerelle-${out}`;
}

export interface RoomPerson {
  id: string;
  name: string;
  email?: string;
}

/**
 * An HS256 token for Jitsi's token authentication (prosody mod_auth_token): aud "jitsi",
 * iss the app id, sub the Jitsi domain, room the room name; the person in context.user,
 * with moderator set for mentors and hosts.
 */
export async function mintRoomToken(options: {
  appId: string;
  appSecret: string;
  domain: string;
  room: string;
  person: RoomPerson;
  moderator: boolean;
  now?: Date;
  ttlSeconds?: number;
}): Promise<string> {
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const ttl = options.ttlSeconds ?? ROOM_TOKEN_TTL_SECONDS;
  return new SignJWT({
    room: options.room,
    moderator: options.moderator,
    context: {
      user: {
        id: options.person.id,
        name: options.person.name,
        ...(options.person.email ? { email: options.person.email } : {}),
        moderator: options.moderator,
        affiliation: options.moderator ? "owner" : "member",
      },
    },
  })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuer(options.appId)
    .setAudience("jitsi")
    .setSubject(options.domain.replace(/:[0-9]+$/, ""))
    .setIssuedAt(now)
    .setNotBefore(now - 30)
    .setExpirationTime(now + ttl)
    .sign(new TextEncoder().encode(options.appSecret));
}

/**
 * An RS256 token for 8x8 JaaS: kid the API key id, iss "chat", sub the AppID, room "*"
 * would open every room of the AppID, so the token names this one; features are off
 * (no recording or streaming of supervision), moderator for mentors and hosts.
 */
export async function mintJaasToken(options: {
  appId: string;
  keyId: string;
  privateKeyPem: string;
  room: string;
  person: RoomPerson;
  moderator: boolean;
  now?: Date;
  ttlSeconds?: number;
}): Promise<string> {
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const ttl = options.ttlSeconds ?? ROOM_TOKEN_TTL_SECONDS;
  return new SignJWT({
    room: options.room,
    context: {
      user: {
        id: options.person.id,
        name: options.person.name,
        avatar: "",
        email: options.person.email ?? "",
        moderator: options.moderator,
        "hidden-from-recorder": false,
      },
      features: { livestreaming: false, recording: false, transcription: false, "outbound-call": false },
    },
  })
    .setProtectedHeader({ alg: "RS256", kid: options.keyId, typ: "JWT" })
    .setIssuer("chat")
    .setAudience("jitsi")
    .setSubject(options.appId)
    .setIssuedAt(now)
    .setNotBefore(now - 30)
    .setExpirationTime(now + ttl)
    .sign(createPrivateKey(options.privateKeyPem));
}

/**
 * What a room page needs, decided in its loader after the module checked that this
 * person may enter (the pair, the event's registrants). Without JITSI_DOMAIN (the
 * embedded default) the answer is { configured: false } and the page offers the other
 * ways to meet.
 */
export async function videoRoomFor(options: {
  env: Pick<Env, "JITSI_DOMAIN" | "JITSI_APP_ID" | "JITSI_APP_SECRET" | "JAAS_APP_ID" | "JAAS_KEY_ID" | "JAAS_PRIVATE_KEY">;
  secret: string;
  subject: RoomSubject;
  person: RoomPerson;
  moderator: boolean;
  now?: Date;
}): Promise<VideoRoomData> {
  const { env } = options;
  if (!env.JITSI_DOMAIN) return { configured: false };
  const name = roomNameFor(options.secret, options.subject);
  if (env.JAAS_APP_ID && env.JAAS_KEY_ID && env.JAAS_PRIVATE_KEY) {
    // JaaS rooms live under the AppID ("<AppID>/<room>" in the iframe's roomName).
    const roomName = `${env.JAAS_APP_ID}/${name}`;
    const jwt = await mintJaasToken({
      appId: env.JAAS_APP_ID,
      keyId: env.JAAS_KEY_ID,
      privateKeyPem: env.JAAS_PRIVATE_KEY,
      room: name,
      person: options.person,
      moderator: options.moderator,
      now: options.now,
    });
    return { configured: true, domain: env.JITSI_DOMAIN, roomName, jwt, displayName: options.person.name, moderator: options.moderator };
  }
  const roomName = name;
  const jwt =
    env.JITSI_APP_ID && env.JITSI_APP_SECRET
      ? await mintRoomToken({
          appId: env.JITSI_APP_ID,
          appSecret: env.JITSI_APP_SECRET,
          domain: env.JITSI_DOMAIN,
          room: roomName,
          person: options.person,
          moderator: options.moderator,
          now: options.now,
        })
      : undefined;
  return {
    configured: true,
    domain: env.JITSI_DOMAIN,
    roomName,
    ...(jwt ? { jwt } : {}),
    displayName: options.person.name,
    moderator: options.moderator,
  };
}
