/**
 * Doctor check: the kernel is recent enough for the probe (BTF-typed
 * tracepoints, ring buffers, bpf_send_signal_thread).
 *
 * @module
 */
import type { DoctorCheck } from "./doctor_check.ts";

/** The oldest kernel ghost-hunter supports, as [major, minor]. */
export const MINIMUM_KERNEL: readonly [number, number] = [5, 15];

/** [major, minor, patch] of a kernel release string such as "6.1.0-18-amd64"; undefined if unparsable. */
export function parseKernelRelease(release: string): [number, number, number] | undefined {
  const match = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(release);
  if (match === null) return undefined;
  return [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)];
}

/** Passes on Linux {@linkcode MINIMUM_KERNEL} or later. */
export const kernelVersionCheck: DoctorCheck = {
  name: "kernel version",
  run() {
    const release = Deno.osRelease();
    const version = parseKernelRelease(release);
    const [needMajor, needMinor] = MINIMUM_KERNEL;
    const need = `${needMajor}.${needMinor}`;
    const ok = version !== undefined &&
      (version[0] > needMajor || (version[0] === needMajor && version[1] >= needMinor));
    return Promise.resolve({
      ok,
      detail: `Linux ${release} (need ${need} or later)`,
      ...(ok ? {} : { fix: `Upgrade the kernel to Linux ${need} or later` }),
    });
  },
};
