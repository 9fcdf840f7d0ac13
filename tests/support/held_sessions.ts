/**
 * What end-to-end tests of the active response look at: the cgroups the
 * writer makes, whether one is frozen, the alerts per session, and a shell
 * to type into.
 *
 * @module
 */
import { type AgentOnPty, sleep } from "./agent.ts";
import { Pty } from "./pty.ts";

/** Where the writer makes session cgroups on these machines. */
export const CGROUP_BASE = "/sys/fs/cgroup/unified/ghost-hunter";

/** Names of the session cgroups that exist now, e.g. `pts-3`. */
export function heldCgroups(): string[] {
  try {
    return [...Deno.readDirSync(CGROUP_BASE)].filter((e) => e.isDirectory).map((e) => e.name);
  } catch {
    return [];
  }
}

/** Whether `session`'s cgroup exists and is frozen. */
export function frozen(session: string): boolean {
  try {
    const events = Deno.readTextFileSync(
      `${CGROUP_BASE}/${session.replace("/", "-")}/cgroup.events`,
    );
    return events.includes("frozen 1");
  } catch {
    return false;
  }
}

/** Polls `check` until it holds; resolves to the ms it took, rejects after `timeoutMs`. */
export async function waitUntil(
  what: string,
  check: () => boolean,
  timeoutMs: number,
): Promise<number> {
  const start = performance.now();
  while (!check()) {
    if (performance.now() - start > timeoutMs) throw new Error(`Timed out waiting until ${what}`);
    await sleep(5);
  }
  return performance.now() - start;
}

/** The `event.action` of every alert the agent printed for `session`, in order. */
export function alertActions(agent: AgentOnPty, session: string): string[] {
  return agent.jsonLines()
    .filter((line) => (line.ghost_hunter as { session?: string } | undefined)?.session === session)
    .map((line) => (line.event as { action: string }).action);
}

/** An interactive bash with prompt `$ ` on `pty` (a new one by default), ready for input. */
export async function startScriptedShell(pty = new Pty()): Promise<Pty> {
  pty.spawn("PS1='$ ' exec bash --norc --noprofile -i");
  await pty.waitForOutput("$ ");
  return pty;
}
