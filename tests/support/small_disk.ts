/**
 * A real, tiny file system for tests of what a full disk does: a tmpfs of a
 * given size mounted under /tmp (needs root), unmounted and removed after.
 *
 * @module
 */

function run(command: string, ...args: string[]): void {
  const result = new Deno.Command(command, { args, stderr: "piped" }).outputSync();
  if (!result.success) {
    throw new Error(`Cannot run ${command}: ${new TextDecoder().decode(result.stderr).trim()}`);
  }
}

/** Runs `body` with a fresh tmpfs of `bytes` (rounded up to pages) mounted at the path it gets. */
export async function withSmallDisk(
  bytes: number,
  body: (dir: string) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ dir: "/tmp", prefix: "ghost-hunter-full-" });
  try {
    run("mount", "-t", "tmpfs", "-o", `size=${bytes},mode=0700`, "tmpfs", dir);
    try {
      await body(dir);
    } finally {
      run("umount", dir);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
