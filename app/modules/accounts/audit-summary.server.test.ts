// The audit log reads as sentences a person understands, in their language: no JSON,
// no codes, no ids; and every detail the database's audit triggers record is either
// shown or deliberately left out (a new key must be decided on, not leak as raw data).
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { describeAudit, HIDDEN_AUDIT_KEYS, SHOWN_AUDIT_KEYS, type AuditLookups } from "./audit-summary.server";

const migrationsDir = new URL("../../../supabase/migrations/", import.meta.url);
const person = "0b6a1c1e-3f1d-4a51-9d4e-7c3b1f9a2e10";
const category = "5f0c2a7e-1b2c-4d3e-8f9a-0b1c2d3e4f50";
const lookups: AuditLookups = { people: new Map([[person, "Isabelle Tremblay"]]), categories: new Map([[category, "Méthadone"]]) };

const text = (action: string, details: unknown, locale: "fr-CA" | "en-CA") =>
  describeAudit(action, details, locale, lookups)
    .map((p) => `${p.label}: ${p.value}`)
    .join(" | ");

describe("describeAudit", () => {
  it("knows every detail key the audit triggers write", () => {
    const keys = new Set<string>();
    for (const file of readdirSync(migrationsDir).filter((f) => f.endsWith(".sql"))) {
      const sql = readFileSync(new URL(file, migrationsDir), "utf8");
      for (const insert of sql.matchAll(/insert into public\.audit_log[\s\S]*?;/g)) {
        for (const object of insert[0].matchAll(/jsonb_build_object\(([\s\S]*?)\)\)?;?$/gm)) {
          for (const key of (object[1] ?? "").matchAll(/'([a-z_]+)',/g)) keys.add(key[1] ?? "");
        }
      }
    }
    expect(keys.size).toBeGreaterThan(20);
    const decided = new Set<string>([...SHOWN_AUDIT_KEYS, ...HIDDEN_AUDIT_KEYS]);
    expect([...keys].filter((k) => !decided.has(k))).toEqual([]);
  });

  it("summarises each kind of detail in French and in English, without JSON, codes or ids", () => {
    const cases: Array<[string, unknown, string, string]> = [
      ["role.granted", { role: "moderator" }, "Rôle\u00a0: Modération", "Role: Moderation"],
      [
        "member.verified",
        { method: "order_register", note: "Permis actif" },
        "Méthode\u00a0: Registre de l'ordre | Note\u00a0: «\u00a0Permis actif\u00a0»",
        "Method: Order register | Note: “Permis actif”",
      ],
      ["member.verified", JSON.stringify({ method: "seed", note: null }), "Premier compte", "First account"],
      ["member.unverified_by_change", { table: "profile_private" }, "ordre ou numéro de permis modifié", "order or permit number changed"],
      ["space.member_added", { user_id: person, role: "moderator" }, "Membre\u00a0: Isabelle Tremblay", "Member: Isabelle Tremblay"],
      ["forum.member.silence", { reason: "Propos", days: 7, sanction_id: 3 }, "Durée\u00a0: 7\u00a0jours", "Duration: 7 days"],
      [
        "forum.topic.move",
        { from_category: category, to_category: "00000000-0000-4000-8000-000000000000", note: null },
        "Depuis\u00a0: Méthadone | Vers\u00a0: catégorie introuvable",
        "From: Méthadone | To: category not found",
      ],
      [
        "tool.published",
        { from: "in_review", title: "Guide TAO" },
        "Titre\u00a0: «\u00a0Guide TAO\u00a0» | Statut précédent\u00a0: En révision",
        "Title: “Guide TAO” | Previous status: In review",
      ],
      [
        "forum.topic.retitled",
        { from: "Avant", to: "Après", author_id: person },
        "Ancien titre\u00a0: «\u00a0Avant\u00a0» | Nouveau titre\u00a0: «\u00a0Après\u00a0»",
        "Previous title: “Avant” | New title: “Après”",
      ],
      [
        "case.identifier_override",
        { override_id: 4, field: "question", kind: "phone", post_id: null },
        "Champ\u00a0: Question pour le groupe | Type de donnée\u00a0: téléphone",
        "Field: Question for the group | Kind of information: phone",
      ],
      ["forum.topic.split", { new_topic_id: 12, post_ids: [4, 5] }, "Messages déplacés\u00a0: 2\u00a0messages", "Posts moved: 2 posts"],
    ];
    for (const [action, details, fr, en] of cases) {
      // French puts a non-breaking space before the colon (the page's `colon`).
      const frText = describeAudit(action, details, "fr-CA", lookups)
        .map((p) => `${p.label}\u00a0: ${p.value}`)
        .join(" | ");
      expect(frText, action).toContain(fr);
      expect(text(action, details, "en-CA"), action).toContain(en);
      for (const locale of ["fr-CA", "en-CA"] as const) {
        const summary = text(action, details, locale);
        expect(summary, `${action} ${locale}`).not.toMatch(/[{}[\]"]|_id|\b(moderator|order_register|in_review|profile_private)\b/);
        expect(summary).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
      }
    }
  });

  it("links a topic or a post instead of printing its number", () => {
    const parts = describeAudit("forum.post.hide", { topic_id: 8, author_id: person, note: "doublon" }, "en-CA", lookups);
    expect(parts).toContainEqual({ label: "Topic", value: "see the topic", href: "/forums/t/8" });
    expect(parts.map((p) => p.value)).toContain("Isabelle Tremblay");
  });
});
