/**
 * What the freezer has moved where, on disk, so that a later process (the
 * guardian when the agent dies, or the next agent at start) can put every
 * process back and thaw it. Written atomically (temporary file, rename),
 * mode 0600.
 *
 * @module
 */

/** One held session: its cgroup and where each of its processes came from. */
export interface HeldSession {
  /** The cgroup directory made for the session. */
  cgroup: string;
  /** pid → the cgroup directory it was moved out of. */
  origins: Record<string, string>;
}

/** Everything held, by session name. */
export type HeldState = Record<string, HeldSession>;

/** Where the state lives: `$GHOST_HUNTER_STATE_DIR/held.json`, default /run/ghost-hunter. */
export function heldStatePath(): string {
  return `${Deno.env.get("GHOST_HUNTER_STATE_DIR") ?? "/run/ghost-hunter"}/held.json`;
}

/** Reads the state; an absent or unreadable file is empty state. */
export async function readHeldState(path = heldStatePath()): Promise<HeldState> {
  try {
    const parsed = JSON.parse(await Deno.readTextFile(path));
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? parsed : {};
  } catch {
    return {};
  }
}

/** Replaces the state on disk in one rename; an empty state removes the file. */
export async function writeHeldState(state: HeldState, path = heldStatePath()): Promise<void> {
  if (Object.keys(state).length === 0) {
    await Deno.remove(path).catch(() => {});
    return;
  }
  await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${Deno.pid}.tmp`;
  await Deno.writeTextFile(temporary, JSON.stringify(state), { mode: 0o600 });
  await Deno.rename(temporary, path);
}
