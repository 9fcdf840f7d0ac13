/**
 * A temporary folder under /tmp (where the unit tests may write) for the
 * length of one test body, removed with everything in it afterwards.
 *
 * @module
 */

/** Runs `body` with a new folder under /tmp, then removes the folder. */
export async function withTempDir(body: (dir: string) => void | Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ dir: "/tmp" });
  try {
    await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
