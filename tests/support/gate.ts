/**
 * The one skip-or-fail gate for tests that depend on the machine: the real
 * kernel (root, BTF, the built agent), build tools and outputs, or the human
 * typing sample. Where such a test cannot run it is skipped with the reason
 * printed; in CI (GHOST_HUNTER_CI=1) it fails instead, so a green CI always
 * means every gated test ran. Each `…Blocker` says why something is missing,
 * or undefined when it is there.
 *
 * @module
 */
import { findDataDir } from "../../tools/sessions/human_sessions.ts";
import { pathExists } from "../../src/path_exists.ts";
import {
  CAPABILITY,
  hasCapability,
  parseEffectiveCapabilities,
} from "../../src/doctor/capabilities_check.ts";

/** Repository root, as a path ending in "/". */
export const REPO_ROOT = new URL("../../", import.meta.url).pathname;

function commandExists(name: string): boolean {
  try {
    return new Deno.Command("sh", {
      args: ["-c", `command -v ${name}`],
      stdout: "null",
    }).outputSync().success;
  } catch {
    return false;
  }
}

/** Why this process cannot act as root, or undefined. */
export function rootBlocker(): string | undefined {
  return Deno.uid() === 0 ? undefined : "not running as root";
}

/** Why this process cannot mount a file system (tests of a full disk mount a tmpfs), or undefined. */
export function mountBlocker(): string | undefined {
  const notRoot = rootBlocker();
  if (notRoot !== undefined) return notRoot;
  // Deno reads /proc/self only under --allow-all; a child of root has the same capabilities.
  const status = new Deno.Command("cat", { args: ["/proc/self/status"], stdout: "piped" })
    .outputSync();
  const effective = parseEffectiveCapabilities(new TextDecoder().decode(status.stdout));
  const canMount = effective !== undefined && hasCapability(effective, CAPABILITY.CAP_SYS_ADMIN);
  return canMount ? undefined : "no CAP_SYS_ADMIN to mount a tmpfs";
}

/** Why tests that load the real probe cannot run here, or undefined when they can. */
export function kernelBlocker(): string | undefined {
  return rootBlocker() ??
    (pathExists("/sys/kernel/btf/vmlinux") ? undefined : "no BTF at /sys/kernel/btf/vmlinux") ??
    (pathExists(`${REPO_ROOT}ghost-hunter`) ? undefined : "./ghost-hunter is not built (run make)");
}

/** Why tests that replay real human typing cannot run here, or undefined. */
export function humanDataBlocker(): string | undefined {
  return findDataDir() === undefined
    ? "the Aalto sample is missing (../shared/data/aalto-136m-sample, or set GHOST_HUNTER_DATA_DIR)"
    : undefined;
}

/** Why build `tools` (commands) or `files` (relative to the repository) are missing, or undefined. */
export function buildBlocker(needs: { tools?: string[]; files?: string[] }): string | undefined {
  const missing = [
    ...(needs.tools ?? []).filter((tool) => !commandExists(tool)),
    ...(needs.files ?? []).filter((file) => !pathExists(`${REPO_ROOT}${file}`)),
  ];
  return missing.length === 0 ? undefined : `missing ${missing.join(", ")} (run make)`;
}

/**
 * `ignore` value for Deno.test: false when no blocker applies; otherwise true
 * with the first reason printed, or, in CI, an Error thrown naming the test.
 */
export function skipOrFail(testName: string, ...blockers: (string | undefined)[]): boolean {
  const blocker = blockers.find((reason) => reason !== undefined);
  if (blocker === undefined) return false;
  if (Deno.env.get("GHOST_HUNTER_CI") === "1") {
    throw new Error(`Test "${testName}" cannot run in CI: ${blocker}`);
  }
  console.error(`skipping "${testName}": ${blocker}`);
  return true;
}
