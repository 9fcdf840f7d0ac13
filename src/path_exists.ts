/**
 * Whether a path exists, for checks that only need yes or no.
 *
 * @module
 */

/** True when `path` can be stat'ed (a file, folder or device; links followed). */
export function pathExists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}
