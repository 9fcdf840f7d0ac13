/**
 * Doctor check: the kernel exposes its BTF, which CO-RE relocation and
 * `tp_btf` programs need.
 *
 * @module
 */
import type { DoctorCheck } from "./doctor_check.ts";

/** Where the kernel exposes its own BTF. */
export const KERNEL_BTF_PATH = "/sys/kernel/btf/vmlinux";

/** Passes when {@linkcode KERNEL_BTF_PATH} is a readable file. */
export const btfCheck: DoctorCheck = {
  name: "kernel BTF",
  async run() {
    try {
      const info = await Deno.stat(KERNEL_BTF_PATH);
      if (!info.isFile) throw new Error("not a file");
      (await Deno.open(KERNEL_BTF_PATH)).close();
      return { ok: true, detail: `${KERNEL_BTF_PATH} (${info.size} bytes)` };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return {
        ok: false,
        detail: `${KERNEL_BTF_PATH} unreadable: ${reason}`,
        fix: "Boot a kernel built with CONFIG_DEBUG_INFO_BTF=y (most distribution kernels are)",
      };
    }
  },
};
