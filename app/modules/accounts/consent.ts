// Versions of the notices people consent to (Law 25: consent is recorded with the
// version of the notice shown). Bump a version when the notice's text changes:
// members are then asked again.
export const TERMS_VERSION = "2026-11-01";
export const PRIVACY_VERSION = "2026-11-01";
