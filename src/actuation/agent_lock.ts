/**
 * One acting agent per machine. An agent that delays sessions pins its
 * stopped-writer map at one path, and `release` removes whatever is pinned
 * there: a second acting agent, or a `release` run while an agent acts,
 * would take the first agent's pin away, and a writer it held when it then
 * died would stay stopped with nothing left to find it. So the acting agent
 * holds an exclusive lock (flock) on {@linkcode AGENT_LOCK_PATH} for its
 * whole life, and `release` takes the same lock for the time it works. The
 * kernel drops the lock when its holder exits in any way (SIGKILL
 * included), so a dead agent never blocks the next one. A dry run acts on
 * nothing and takes no lock.
 *
 * @module
 */

import { EnvironmentError } from "../errors.ts";

/** The lock file; it holds the pid of the process that holds the lock. */
export const AGENT_LOCK_PATH = "/run/ghost-hunter/agent.lock";

/** How often a waiting process tries the lock again, ms. */
const RETRY_MS = 100;

/** Options of {@linkcode AgentLock.acquire}. */
export interface AgentLockOptions {
  /** The lock file (default {@linkcode AGENT_LOCK_PATH}). */
  path?: string;
  /** How long to keep trying while another process holds it, ms (default 0). */
  waitMs?: number;
}

/** The agent lock, held until closed or until this process exits. */
export class AgentLock {
  #file: Deno.FsFile | undefined;

  private constructor(file: Deno.FsFile) {
    this.#file = file;
  }

  /**
   * Takes the lock and writes this process's pid into the file, or returns
   * the pid written by the process that holds it (undefined if unreadable).
   * Throws when the file cannot be created or opened.
   */
  static async acquire(
    options: AgentLockOptions = {},
  ): Promise<AgentLock | { heldBy: number | undefined }> {
    const path = options.path ?? AGENT_LOCK_PATH;
    Deno.mkdirSync(path.slice(0, path.lastIndexOf("/")), { recursive: true, mode: 0o700 });
    const file = Deno.openSync(path, { read: true, write: true, create: true, mode: 0o600 });
    const deadline = Date.now() + (options.waitMs ?? 0);
    while (!file.tryLockSync(true)) {
      if (Date.now() >= deadline) {
        file.close();
        return { heldBy: lockHolder(path) };
      }
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
    file.truncateSync(0);
    file.writeSync(new TextEncoder().encode(`${Deno.pid}\n`));
    return new AgentLock(file);
  }

  /** Releases the lock. Idempotent. */
  close(): void {
    this.#file?.close();
    this.#file = undefined;
  }

  /** Same as {@link close}. */
  [Symbol.dispose](): void {
    this.close();
  }
}

/** The pid a lock file names, or undefined. */
function lockHolder(path: string): number | undefined {
  try {
    const pid = Number(Deno.readTextFileSync(path).trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Takes the agent lock at {@linkcode AGENT_LOCK_PATH} for a command, waiting
 * up to `waitMs`. Throws an EnvironmentError when the lock file cannot be
 * made (not root), or `busy(holder)` when another process keeps the lock
 * (`holder`: "pid N", or "a process" when the file does not say).
 */
export async function takeAgentLock(
  waitMs: number,
  busy: (holder: string) => EnvironmentError,
): Promise<AgentLock> {
  let lock;
  try {
    lock = await AgentLock.acquire({ waitMs });
  } catch (error) {
    throw new EnvironmentError(
      `Cannot take the agent lock ${AGENT_LOCK_PATH}: ${
        error instanceof Error ? error.message : String(error)
      }`,
      { fix: "run as root" },
    );
  }
  if (lock instanceof AgentLock) return lock;
  throw busy(lock.heldBy === undefined ? "a process" : `pid ${lock.heldBy}`);
}
