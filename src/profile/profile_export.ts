/**
 * The JSON form of profiles, for moving them between hosts: counters and
 * per-feature means and weights by feature name, nothing else (no session
 * history, nothing typed). Parsing checks every field and names the first
 * bad one; a feature the file lacks (written by an older build) is taken as
 * not learnt yet, as the database does.
 *
 *     {"ghost_hunter_profiles": 1, "features": [...names...],
 *      "profiles": [{"user": "alice", "sessions": 3, ..., "mean": {...}, "weight": {...}}]}
 *
 * @module
 */
import { UsageError } from "../errors.ts";
import { FEATURE_COUNT, FEATURE_NAMES } from "./timing_window.ts";
import type { UserProfile } from "./user_profile.ts";

/** The export format version this code writes and reads. */
export const EXPORT_FORMAT_VERSION = 1;

/** Profiles as the export document. */
export function exportProfiles(profiles: readonly UserProfile[]): Record<string, unknown> {
  return {
    ghost_hunter_profiles: EXPORT_FORMAT_VERSION,
    features: FEATURE_NAMES,
    profiles: profiles.map((p) => ({
      user: p.user,
      sessions: p.sessions,
      inputs: p.inputs,
      impostor_alerts: p.impostorAlerts,
      disagreements: p.disagreements,
      shared: p.shared,
      created_at: p.createdAt,
      updated_at: p.updatedAt,
      mean: Object.fromEntries(
        FEATURE_NAMES.map((name, f) => [name, Number.isNaN(p.mean[f]!) ? null : p.mean[f]!]),
      ),
      weight: Object.fromEntries(FEATURE_NAMES.map((name, f) => [name, p.weight[f]!])),
    })),
  };
}

/** Parses an export document; a bad one throws a one-line UsageError naming `source` and the field. */
export function parseProfileExport(text: string, source: string): UserProfile[] {
  const fail = (what: string): never => {
    throw new UsageError(
      `Cannot import profiles from ${source}: ${what}; give a file written by "ghost-hunter profile export"`,
    );
  };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    fail("not JSON");
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) fail("not a JSON object");
  const root = doc as Record<string, unknown>;
  if (root.ghost_hunter_profiles !== EXPORT_FORMAT_VERSION) {
    fail(`format version ${JSON.stringify(root.ghost_hunter_profiles)} (this build reads 1)`);
  }
  if (!Array.isArray(root.profiles)) fail('"profiles" is not a list');
  const count = (value: unknown, field: string): number => {
    if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
      fail(`${field} must be an integer ≥ 0`);
    }
    return value as number;
  };
  return (root.profiles as unknown[]).map((item, i) => {
    const at = `profiles[${i}]`;
    if (typeof item !== "object" || item === null) fail(`${at} is not an object`);
    const p = item as Record<string, unknown>;
    if (typeof p.user !== "string" || !/^[A-Za-z0-9._@-]{1,64}$/.test(p.user)) {
      fail(`${at}.user must be a user name (letters, digits, . _ @ -)`);
    }
    if (typeof p.shared !== "boolean") fail(`${at}.shared must be true or false`);
    const byName = (field: "mean" | "weight"): number[] => {
      const map = p[field];
      if (typeof map !== "object" || map === null) fail(`${at}.${field} is not an object`);
      const values = new Array<number>(FEATURE_COUNT);
      FEATURE_NAMES.forEach((name, f) => {
        const v = (map as Record<string, unknown>)[name];
        if (v === undefined) {
          // Exported by a build without this feature: not learnt yet.
          values[f] = field === "mean" ? NaN : 0;
        } else if (field === "mean" && v === null) {
          values[f] = NaN;
        } else if (typeof v !== "number" || !Number.isFinite(v) || (field === "weight" && v < 0)) {
          fail(`${at}.${field}.${name} must be a ${field === "weight" ? "number ≥ 0" : "number"}`);
        } else {
          values[f] = v;
        }
      });
      return values;
    };
    return {
      user: p.user as string,
      sessions: count(p.sessions, `${at}.sessions`),
      inputs: count(p.inputs, `${at}.inputs`),
      impostorAlerts: count(p.impostor_alerts, `${at}.impostor_alerts`),
      disagreements: count(p.disagreements, `${at}.disagreements`),
      shared: p.shared as boolean,
      createdAt: count(p.created_at, `${at}.created_at`),
      updatedAt: count(p.updated_at, `${at}.updated_at`),
      mean: byName("mean"),
      weight: byName("weight"),
    };
  });
}
