/**
 * Doctor check: the probe itself loads and attaches here, then is detached
 * at once. The final word on every kernel feature it needs.
 *
 * @module
 */
import { Probe, readBuiltObject } from "../kernel/probe.ts";
import { EnvironmentError } from "../errors.ts";
import type { DoctorCheck } from "./doctor_check.ts";

const SMALLEST_RING_BYTES = 4096;

/** Passes when the probe loads, attaches and detaches. */
export const probeCheck: DoctorCheck = {
  name: "probe loads",
  async run() {
    try {
      const probe = Probe.open({
        objectBytes: await readBuiltObject("probe.bpf.o"),
        agentTgid: Deno.pid,
        ringBufferBytes: SMALLEST_RING_BYTES,
        jitterMapEntries: 1,
      });
      probe.close();
      return {
        ok: true,
        detail: "tp_btf/sys_enter and sched_process_exit programs loaded, attached and detached",
      };
    } catch (error) {
      return {
        ok: false,
        detail: error instanceof EnvironmentError
          ? error.problem
          : error instanceof Error
          ? error.message
          : String(error),
        fix: (error instanceof EnvironmentError ? error.fix : undefined) ??
          "Run with GHOST_HUNTER_LIBBPF_DEBUG=1 for libbpf's log",
      };
    }
  },
};
