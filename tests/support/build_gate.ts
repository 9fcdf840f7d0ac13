/**
 * Tests that need build outputs or build tools (the probe object, clang,
 * bpftool) skip with the reason where they are missing, except in CI
 * (GHOST_HUNTER_CI=1), where a skip would hide a broken build and fails.
 *
 * @module
 */

/** Repository root, as a path. */
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

/** `ignore` value for Deno.test: true (printed) where `tools` or `files` are missing; throws in CI. */
export function skipWithoutBuild(
  testName: string,
  needs: { tools?: string[]; files?: string[] },
): boolean {
  const missing = [
    ...(needs.tools ?? []).filter((tool) => !commandExists(tool)),
    ...(needs.files ?? []).filter((file) => {
      try {
        Deno.statSync(`${REPO_ROOT}${file}`);
        return false;
      } catch {
        return true;
      }
    }),
  ];
  if (missing.length === 0) return false;
  const reason = `missing ${missing.join(", ")} (run make)`;
  if (Deno.env.get("GHOST_HUNTER_CI") === "1") {
    throw new Error(`Test "${testName}" cannot run in CI: ${reason}`);
  }
  console.error(`skipping "${testName}": ${reason}`);
  return true;
}
