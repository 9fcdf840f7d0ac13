/**
 * Symbolic links for tests. Deno.symlink needs unscoped write permission,
 * and the unit tests may write /tmp only, so `ln -s` makes them.
 *
 * @module
 */
import assert from "node:assert/strict";

/** Makes `path` a symbolic link to `target` (which need not exist). */
export function symlink(target: string, path: string): void {
  const result = new Deno.Command("ln", { args: ["-s", target, path] }).outputSync();
  assert.ok(result.success, new TextDecoder().decode(result.stderr));
}
