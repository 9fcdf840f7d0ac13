/**
 * Doctor checks: the cgroup v2 hierarchy is mounted (on hybrid layouts at
 * /sys/fs/cgroup/unified, found from /proc/mounts), and its freezer works
 * for this process: a child cgroup can be created and has `cgroup.freeze`.
 * The child is removed again, whatever happens.
 *
 * @module
 */
import type { DoctorCheck } from "./doctor_check.ts";
import { findMounts } from "../actuation/mounts.ts";

const MOUNT_FIX =
  "Mount cgroup v2: mount -t cgroup2 cgroup2 /sys/fs/cgroup/unified (or boot with systemd.unified_cgroup_hierarchy=1).";

/** Passes when a cgroup2 file system is mounted. */
export const cgroupV2Check: DoctorCheck = {
  name: "cgroup v2",
  async run() {
    const [mount] = await findMounts("cgroup2");
    return mount === undefined
      ? { ok: false, detail: "no cgroup2 mount in /proc/mounts", fix: MOUNT_FIX }
      : { ok: true, detail: `mounted at ${mount}` };
  },
};

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Passes when a child cgroup can be made under the cgroup2 mount and offers `cgroup.freeze`. */
export const cgroupFreezerCheck: DoctorCheck = {
  name: "cgroup freezer",
  async run() {
    const [mount] = await findMounts("cgroup2");
    if (mount === undefined) {
      return { ok: false, detail: "no cgroup2 mount in /proc/mounts", fix: MOUNT_FIX };
    }
    const probe = `${mount}/ghost-hunter-doctor-${Deno.pid}`;
    try {
      await Deno.mkdir(probe);
    } catch (error) {
      return {
        ok: false,
        detail: `cannot create a cgroup under ${mount}: ${reasonOf(error)}`,
        fix:
          `Run ghost-hunter as root, with CAP_DAC_OVERRIDE if ${mount} is mode 0555, and with it writable (systemd: leave ProtectControlGroups off).`,
      };
    }
    // Nothing between mkdir and remove can throw, so the cgroup is always removed.
    const hasFreeze = await Deno.stat(`${probe}/cgroup.freeze`).then(
      (info) => info.isFile,
      () => false,
    );
    try {
      await Deno.remove(probe);
    } catch (error) {
      return {
        ok: false,
        detail: `cannot remove the test cgroup ${probe}: ${reasonOf(error)}`,
        fix: `Remove it with: rmdir ${probe}`,
      };
    }
    return hasFreeze ? { ok: true, detail: `a child of ${mount} has cgroup.freeze` } : {
      ok: false,
      detail: `a child of ${mount} has no cgroup.freeze`,
      fix: "Upgrade to Linux 5.2 or later, which has the cgroup v2 freezer.",
    };
  },
};
