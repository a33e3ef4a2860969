// One attestation module for every capability that attests CPD hours (mentoring,
// events; decision 013). The issuing module checks entitlement, then calls
// issueAttestation inside its system transaction; the public page checks a code
// through verify_attestation(), which reveals only name, title, hours, date and kind.
import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import type { Database, Tx, UserClaims } from "~/utils/db.server";
import { CODE_ALPHABET, type AttestationKind, type VerifiedAttestation } from "./schemas";

/** 20 characters of Crockford base32 from 100 random bits, in four groups of five. */
export function newAttestationCode(): string {
  const bytes = randomBytes(20);
  let out = "";
  for (let i = 0; i < 20; i++) {
    out += CODE_ALPHABET[(bytes[i] ?? 0) & 31];
    if (i % 5 === 4 && i < 19) out += "-";
  }
  return out;
}

export interface AttestationInput {
  kind: AttestationKind;
  memberId: string;
  /** Printed as issued: a later profile change does not alter a delivered attestation. */
  memberName: string;
  title: string;
  hours: number;
  /** What the issuing capability prints besides (accrediting body, dates…); never clinical text. */
  details?: Record<string, string | number | null>;
  /** One attestation per member and source ("pairing:<id>", "event:<id>"): issuing again returns the first. */
  sourceKey: string;
}

export interface Attestation {
  id: string;
  kind: AttestationKind;
  memberId: string;
  memberName: string;
  title: string;
  hours: number;
  issuedAt: Date;
  details: Record<string, unknown>;
  code: string;
}

type Row = {
  id: string;
  kind: AttestationKind;
  member_id: string;
  member_name: string;
  title: string;
  hours: string | number;
  issued_at: Date;
  details: Record<string, unknown>;
  code: string;
};
const toAttestation = (r: Row): Attestation => ({
  id: r.id,
  kind: r.kind,
  memberId: r.member_id,
  memberName: r.member_name,
  title: r.title,
  hours: Number(r.hours),
  issuedAt: new Date(r.issued_at),
  details: r.details,
  code: r.code,
});

/**
 * Issues (or returns the already issued) attestation. `tx` is a system transaction
 * (db.asSystem): members cannot write attestations themselves (rule 2), so the caller
 * must have checked entitlement first.
 */
export async function issueAttestation(tx: Tx, input: AttestationInput): Promise<Attestation> {
  if (!(input.hours > 0 && input.hours <= 1000)) throw new RangeError("attestation hours must be in (0, 1000]");
  const hours = Math.round(input.hours * 100) / 100;
  const inserted = await tx
    .insertInto("attestations")
    .values({
      kind: input.kind,
      member_id: input.memberId,
      member_name: input.memberName.slice(0, 120),
      title: input.title.slice(0, 300),
      hours,
      details: JSON.stringify(input.details ?? {}),
      code: newAttestationCode(),
      source_key: input.sourceKey,
    })
    .onConflict((oc) => oc.columns(["member_id", "source_key"]).doNothing())
    .returningAll()
    .executeTakeFirst();
  const row =
    inserted ??
    (await tx
      .selectFrom("attestations")
      .selectAll()
      .where("member_id", "=", input.memberId)
      .where("source_key", "=", input.sourceKey)
      .executeTakeFirstOrThrow());
  return toAttestation(row as Row);
}

/** The person's own attestations (RLS: own rows only). */
export async function listMyAttestations(db: Database, claims: UserClaims): Promise<Attestation[]> {
  const rows = await db.withUser(
    claims,
    (tx) => tx.selectFrom("attestations").selectAll().where("member_id", "=", claims.sub).orderBy("issued_at", "desc").execute(),
    { readOnly: true },
  );
  return rows.map((r) => toAttestation(r as Row));
}

/** One of the person's own attestations by id or source, else null (someone else's is invisible). */
export async function getMyAttestation(
  db: Database,
  claims: UserClaims,
  by: { id: string } | { sourceKey: string },
): Promise<Attestation | null> {
  const row = await db.withUser(
    claims,
    (tx) => {
      const q = tx.selectFrom("attestations").selectAll().where("member_id", "=", claims.sub);
      return ("id" in by ? q.where("id", "=", by.id) : q.where("source_key", "=", by.sourceKey)).executeTakeFirst();
    },
    { readOnly: true },
  );
  return row ? toAttestation(row as Row) : null;
}

/** The public check: anonymous callers reach only the narrow security definer function. */
export async function verifyAttestation(db: Database, code: string): Promise<VerifiedAttestation | null> {
  const { rows } = await db.withUser(
    null,
    (tx) =>
      sql<{ kind: AttestationKind; member_name: string; title: string; hours: string; issued_at: Date }>`
    select kind, member_name, title, hours, issued_at from public.verify_attestation(${code})`.execute(tx),
    { readOnly: true },
  );
  const r = rows[0];
  return r
    ? { kind: r.kind, memberName: r.member_name, title: r.title, hours: Number(r.hours), issuedAt: new Date(r.issued_at).toISOString() }
    : null;
}

export const attestationUrl = (publicUrl: string, code: string) => `${publicUrl}/attestations/${code}`;
