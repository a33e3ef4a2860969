// The case template's choices (shared by the server schema and the form).
export const CARE_SETTINGS = [
  "emergency",
  "addiction_rehab",
  "family_medicine_group",
  "community_pharmacy",
  "street_outreach",
  "detention",
  "hospital_ward",
  "clsc",
  "other",
] as const;
export const AGE_DECADES = [10, 20, 30, 40, 50, 60, 70, 80] as const;
export const GENDERS = ["woman", "man", "non_binary", "other"] as const;
export const SUBSTANCES = [
  "fentanyl",
  "heroin",
  "prescription_opioids",
  "methamphetamine",
  "cocaine",
  "crack",
  "alcohol",
  "benzodiazepines",
  "cannabis",
  "xylazine",
  "other",
] as const;
export const TREATMENTS = [
  "none",
  "methadone",
  "buprenorphine_naloxone",
  "buprenorphine_extended",
  "sr_morphine",
  "injectable_oat",
  "other",
] as const;
export const DOSE_RANGES = ["low", "medium", "high", "very_high"] as const;
export const CONDITIONS = ["hiv", "hcv", "mental_health", "chronic_pain", "pregnancy", "cardiac", "liver", "other"] as const;
export const HOUSING = ["stable", "unstable", "homeless", "supervised", "detention", "other"] as const;
/** Settings where submitting also requires attesting that consent was obtained. */
export const CONSENT_SETTINGS: ReadonlySet<string> = new Set(["detention"]);
