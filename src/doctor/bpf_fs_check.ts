/**
 * Doctor check: the BPF file system, where the agent pins the map of pty
 * writers its probe stopped so that its guardian can resume them if the
 * agent dies. The agent mounts it at start when it is missing, which needs
 * CAP_SYS_ADMIN.
 *
 * @module
 */
import { BPF_FS, bpfFsMounted } from "../actuation/stopped_writers.ts";
import type { DoctorCheck } from "./doctor_check.ts";

/** Passes when the BPF file system is mounted at /sys/fs/bpf, or can be. */
export const bpfFsCheck: DoctorCheck = {
  name: "BPF file system",
  async run() {
    if (await bpfFsMounted()) return { ok: true, detail: `mounted at ${BPF_FS}` };
    try {
      if ((await Deno.stat(BPF_FS)).isDirectory) {
        return { ok: true, detail: `not mounted; the agent mounts it at ${BPF_FS} on start` };
      }
    } catch {
      // no mount point
    }
    return {
      ok: false,
      detail: `${BPF_FS} does not exist`,
      fix: `Mount it: mkdir -p ${BPF_FS} && mount -t bpf bpf ${BPF_FS}`,
    };
  },
};
