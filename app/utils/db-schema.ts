// Row types of the public schema as Kysely sees them. Kept by hand next to the
// migrations: a column added in SQL is added here in the same commit.
import type { ColumnType, Generated } from "kysely";

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** A timestamp with a database default (DefaultTimestamp would nest ColumnTypes). */
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface RegionsTable { code: string; name_fr: string; name_en: string }
export interface DisciplinesTable {
  code: string; name_fr: string; name_en: string; has_order: boolean;
  verified_by_sponsor: boolean; sort_order: number;
}
export interface ProfessionalOrdersTable { code: string; name_fr: string; disciplines: string[] }
export interface EstablishmentKindsTable { code: string; name_fr: string; name_en: string; sort_order: number }
export interface TopicsTable { code: string; name_fr: string; name_en: string; sort_order: number }
export interface OrganisationsTable { code: string; name_fr: string }

export type VerificationStatus = "unverified" | "verified";
export type Locale = "fr-CA" | "en-CA";
export type Role = "mentor" | "moderator" | "curator" | "admin";

export interface ProfilesTable {
  id: string;
  display_name: string;
  discipline: string;
  region_code: string;
  establishment: string | null;
  establishment_kind: string | null;
  languages: string[];
  topics: string[];
  bio: string | null;
  directory_opt_in: Generated<boolean>;
  locale: Generated<Locale>;
  verification_status: Generated<VerificationStatus>;
  verified_at: Timestamp | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}
export interface ProfilePrivateTable {
  user_id: string;
  contact_email: string;
  order_code: string | null;
  permit_number: string | null;
  updated_at: DefaultTimestamp;
}
export interface UserRolesTable {
  user_id: string; role: Role; granted_by: string | null; granted_at: DefaultTimestamp;
}
export interface VerificationsTable {
  id: Generated<number>;
  user_id: string;
  decision: "verified" | "revoked";
  method: "order_register" | "admin_review" | "sponsor";
  verified_by: string;
  note: string;
  created_at: DefaultTimestamp;
}
export interface ConsentsTable {
  id: Generated<number>; user_id: string; kind: "terms" | "privacy"; version: string;
  granted: boolean; created_at: DefaultTimestamp;
}
export interface AuditLogTable {
  id: Generated<number>; actor_id: string | null; action: string; target_type: string;
  target_id: string | null; details: ColumnType<Record<string, unknown>, string | undefined, string>;
  created_at: DefaultTimestamp;
}
export interface AuthSessionsTable {
  id: string; user_id: string; created_at: DefaultTimestamp; expires_at: Timestamp; user_agent: string | null;
}
export interface PasswordResetTokensTable {
  id: string; user_id: string; created_at: DefaultTimestamp; expires_at: Timestamp; used_at: Timestamp | null;
}
export interface LoginFailuresTable {
  email: string; failures: number; locked_until: Timestamp | null; updated_at: DefaultTimestamp;
}
export interface OutboxTable {
  id: Generated<number>; to_email: string; subject: string; body_text: string; kind: string;
  created_at: DefaultTimestamp; sent_at: Timestamp | null; attempts: Generated<number>; last_error: string | null;
}
export interface ToolsTable {
  id: Generated<string>; title: string; publisher: string | null; published_on: string | null; kind: string;
  topics: string[]; url: string | null; status: Generated<"draft" | "in_review" | "published" | "archived">;
  created_at: DefaultTimestamp;
}
export interface EventsTable {
  id: Generated<string>; title: string; kind: "webinar" | "managers_meeting" | "virtual_event" | "training" | "conference";
  series: string | null; starts_on: ColumnType<string, string, string>; start_time: string | null;
  end_time: string | null; topics: string[]; created_at: DefaultTimestamp;
}
export interface AuthUsersTable {
  id: Generated<string>; email: string | null; encrypted_password: string | null;
  email_confirmed_at: Timestamp | null; raw_user_meta_data: ColumnType<unknown, string | undefined, string>;
  banned_until: Timestamp | null; last_sign_in_at: Timestamp | null;
  created_at: DefaultTimestamp; updated_at: DefaultTimestamp;
}

export interface DB {
  regions: RegionsTable;
  disciplines: DisciplinesTable;
  professional_orders: ProfessionalOrdersTable;
  establishment_kinds: EstablishmentKindsTable;
  topics: TopicsTable;
  organisations: OrganisationsTable;
  profiles: ProfilesTable;
  profile_private: ProfilePrivateTable;
  user_roles: UserRolesTable;
  verifications: VerificationsTable;
  consents: ConsentsTable;
  audit_log: AuditLogTable;
  auth_sessions: AuthSessionsTable;
  password_reset_tokens: PasswordResetTokensTable;
  login_failures: LoginFailuresTable;
  outbox: OutboxTable;
  tools: ToolsTable;
  events: EventsTable;
  "auth.users": AuthUsersTable;
}
