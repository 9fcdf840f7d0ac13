/**
 * Doctor check: the process holds the capabilities that loading and
 * attaching the probe needs (CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN),
 * and says whether the sigstop actuator could send SIGCONT to other users'
 * processes (CAP_KILL).
 *
 * @module
 */
import type { CheckOutcome, DoctorCheck } from "./doctor_check.ts";

/** Capability numbers from linux/capability.h. */
export const CAPABILITY = {
  CAP_KILL: 5,
  CAP_SYS_ADMIN: 21,
  CAP_PERFMON: 38,
  CAP_BPF: 39,
} as const;

/** What a failing capabilities check tells the operator to do. */
export const CAPABILITIES_FIX =
  "Run ghost-hunter as root, or give it CAP_BPF and CAP_PERFMON (systemd: AmbientCapabilities=CAP_BPF CAP_PERFMON)";

/** The effective capability mask from the text of /proc/<pid>/status; undefined if absent. */
export function parseEffectiveCapabilities(status: string): bigint | undefined {
  const match = /^CapEff:\s*([0-9a-fA-F]+)\s*$/m.exec(status);
  return match === null ? undefined : BigInt(`0x${match[1]}`);
}

/** Whether `capability` (a {@linkcode CAPABILITY} value) is set in `mask`. */
export function hasCapability(mask: bigint, capability: number): boolean {
  return (mask >> BigInt(capability) & 1n) === 1n;
}

/** The check's verdict on an effective capability mask. */
export function capabilitiesOutcome(effective: bigint): CheckOutcome {
  const held = (Object.keys(CAPABILITY) as (keyof typeof CAPABILITY)[])
    .filter((name) => hasCapability(effective, CAPABILITY[name]));
  const ok = (hasCapability(effective, CAPABILITY.CAP_BPF) &&
    hasCapability(effective, CAPABILITY.CAP_PERFMON)) ||
    hasCapability(effective, CAPABILITY.CAP_SYS_ADMIN);
  const kill = hasCapability(effective, CAPABILITY.CAP_KILL)
    ? ""
    : "; without CAP_KILL the sigstop actuator cannot run";
  const shown = `effective: ${held.length === 0 ? "none of the needed" : held.join(" ")}`;
  if (ok) return { ok, detail: `${shown}${kill}` };
  const missing = (["CAP_BPF", "CAP_PERFMON"] as const).filter((name) =>
    !hasCapability(effective, CAPABILITY[name])
  );
  return {
    ok,
    detail: `${shown}; missing ${missing.join(" ")} (or CAP_SYS_ADMIN)${kill}`,
    fix: CAPABILITIES_FIX,
  };
}

/** Passes when this process could load and attach the probe. */
export const capabilitiesCheck: DoctorCheck = {
  name: "capabilities",
  async run() {
    const effective = parseEffectiveCapabilities(await Deno.readTextFile("/proc/self/status"));
    if (effective === undefined) {
      return {
        ok: false,
        detail: "no CapEff line in /proc/self/status",
        fix: "Mount /proc (procfs) so ghost-hunter can read its capabilities",
      };
    }
    return capabilitiesOutcome(effective);
  },
};
