/**
 * Decides whether a test that needs the real kernel can run here. Outside CI
 * it skips with the reason; in CI (GHOST_HUNTER_CI=1) a test that would skip
 * fails instead, so a green CI always means the kernel tests ran.
 *
 * @module
 */
import { findDataDir } from "../../tools/sessions/human_sessions.ts";

/** Why kernel tests cannot run here, or undefined when they can. */
export function kernelTestBlocker(): string | undefined {
  if (Deno.uid() !== 0) return "not running as root";
  try {
    Deno.statSync("/sys/kernel/btf/vmlinux");
  } catch {
    return "no BTF at /sys/kernel/btf/vmlinux";
  }
  try {
    Deno.statSync(new URL("../../ghost-hunter", import.meta.url));
  } catch {
    return "./ghost-hunter is not built (run make)";
  }
  return undefined;
}

/**
 * `ignore` value for Deno.test: true (with a printed reason) where kernel
 * tests cannot run; throws in CI, where they must.
 */
export function skipWithoutKernel(testName: string): boolean {
  const blocker = kernelTestBlocker();
  if (blocker === undefined) return false;
  if (Deno.env.get("GHOST_HUNTER_CI") === "1") {
    throw new Error(`Kernel test "${testName}" cannot run in CI: ${blocker}`);
  }
  console.error(`skipping "${testName}": ${blocker}`);
  return true;
}

/**
 * `ignore` value for a test that replays real human typing: true (printed)
 * where ../shared/data/aalto-136m-sample is absent; throws in CI, where it
 * must be there.
 */
export function skipWithoutHumanData(testName: string): boolean {
  if (findDataDir() !== undefined) return false;
  if (Deno.env.get("GHOST_HUNTER_CI") === "1") {
    throw new Error(
      `Test "${testName}" cannot run in CI: the Aalto sample is missing (../shared/data/aalto-136m-sample)`,
    );
  }
  console.error(`skipping "${testName}": ../shared/data/aalto-136m-sample is absent`);
  return true;
}
