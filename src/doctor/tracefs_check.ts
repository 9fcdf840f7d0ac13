/**
 * Doctor check: tracefs. The probe attaches `tp_btf` programs, which the
 * kernel resolves through BTF, not tracefs; so this always passes and only
 * reports whether tracefs is mounted.
 *
 * @module
 */
import type { DoctorCheck } from "./doctor_check.ts";
import { findMounts } from "../actuation/mounts.ts";

/** Passes; the detail says where tracefs is mounted, if anywhere. */
export const tracefsCheck: DoctorCheck = {
  name: "tracefs",
  async run() {
    const [mount] = await findMounts("tracefs");
    const where = mount === undefined ? "not mounted" : `mounted at ${mount}`;
    return { ok: true, detail: `not needed (the probe uses tp_btf programs); ${where}` };
  },
};
