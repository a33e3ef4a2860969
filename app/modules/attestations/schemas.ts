// Attestation codes and the public check's input (browser and server).
import { z } from "zod";

export const ATTESTATION_KINDS = ["mentoring", "event"] as const;
export type AttestationKind = (typeof ATTESTATION_KINDS)[number];

/** Crockford base32 (no I, L, O, U): unambiguous when typed from paper. */
export const CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
export const CODE_PATTERN = /^[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){3}$/;

/**
 * A code as typed by a person: case, spaces and the letters people confuse (O→0, I/L→1)
 * are forgiven; the result is the canonical XXXXX-XXXXX-XXXXX-XXXXX or null.
 */
export function normaliseCode(input: string): string | null {
  const compact = input.toUpperCase().replace(/[\s-]/g, "").replace(/O/g, "0").replace(/[IL]/g, "1");
  if (compact.length !== 20) return null;
  const code = compact.match(/.{5}/g)?.join("-") ?? "";
  return CODE_PATTERN.test(code) ? code : null;
}

export const verifyCodeSchema = z
  .string()
  .max(60)
  .transform((v, ctx) => {
    const code = normaliseCode(v);
    if (!code) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: "attestations.verify.notFound" });
      return z.NEVER;
    }
    return code;
  });

export interface VerifiedAttestation {
  kind: AttestationKind;
  memberName: string;
  title: string;
  hours: number;
  issuedAt: string;
}
