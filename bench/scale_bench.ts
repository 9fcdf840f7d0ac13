/**
 * Scale: memory with 10,000 tracked sessions, and the session bound.
 *
 *     deno run --allow-all --v8-flags=--expose-gc bench/scale_bench.ts
 *
 * In one process, measures `Deno.memoryUsage()` (RSS, and heap used plus
 * external) after a garbage collection before and after a `ScoringEngine`
 * is fed 10,000 sessions × 30 human-like inputs, and reports bytes per
 * session against the scorer's own estimate. Then feeds the same sessions,
 * one after another, to an engine bounded at 4,096 sessions and shows that
 * the least recently active ones are evicted and counted (5,904). Last, as
 * root, starts the live agent (`./ghost-hunter --dry-run`) and reports its
 * idle RSS; elsewhere that row says why it was skipped. Prints Markdown
 * tables for README.md.
 *
 * @module
 */
import { syntheticHumanTyping } from "../tools/sessions/automation_sessions.ts";
import { ScoringEngine } from "../src/score/scoring_engine.ts";
import { AgentOnPty, sleep } from "../tests/support/agent.ts";
import { kernelBlocker } from "../tests/support/gate.ts";
import { DEFAULT_CONFIG } from "../src/config/defaults.ts";

const SESSIONS = 10_000;
const INPUTS_PER_SESSION = 30;
const BOUNDED_MAX_SESSIONS = DEFAULT_CONFIG.limits.max_sessions;
/** How long the live agent runs before its RSS is read. */
const AGENT_SETTLE_MS = 3000;

const collectGarbage = (globalThis as { gc?: () => void }).gc;
if (collectGarbage === undefined) {
  console.error("scale_bench: run with --v8-flags=--expose-gc (memory is read after a collection)");
  Deno.exit(2);
}

function memory(): { rss: number; heapAndExternal: number } {
  collectGarbage!();
  const usage = Deno.memoryUsage();
  return { rss: usage.rss, heapAndExternal: usage.heapUsed + usage.external };
}

/** Feeds every session's inputs, session after session, to `engine`. */
function feed(engine: ScoringEngine): void {
  for (let s = 0; s < SESSIONS; s++) {
    const session = `pts/${s}`;
    for (const input of syntheticHumanTyping({ inputs: INPUTS_PER_SESSION, seed: s })) {
      engine.observe({ t: input.t, session, dir: "in", bytes: input.bytes });
    }
  }
}

/** VmRSS of `pid` in bytes. */
function rssOf(pid: number): number {
  const match = Deno.readTextFileSync(`/proc/${pid}/status`).match(/^VmRSS:\s+(\d+) kB$/m);
  if (match === null) throw new Error(`Cannot read VmRSS of process ${pid}`);
  return Number(match[1]) * 1024;
}

async function liveAgentIdleRss(): Promise<string> {
  const blocker = kernelBlocker();
  if (blocker !== undefined) return `skipped: ${blocker}`;
  const agent = await AgentOnPty.start(["--dry-run"], "Probe attached");
  try {
    await sleep(AGENT_SETTLE_MS);
    return `${mib(rssOf(agent.pid))} MiB`;
  } finally {
    await agent.stop();
  }
}

const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
const count = (n: number) => n.toLocaleString("en-US");

const before = memory();
const engine = new ScoringEngine({ maxSessions: SESSIONS });
feed(engine);
const after = memory();
if (engine.sessionCount !== SESSIONS || engine.evictions !== 0) {
  throw new Error(`expected ${SESSIONS} sessions tracked, got ${engine.sessionCount}`);
}

const bounded = new ScoringEngine({ maxSessions: BOUNDED_MAX_SESSIONS });
feed(bounded);
const [leastRecent] = bounded.sessions();

console.log(
  `| ${count(SESSIONS)} tracked sessions × ${INPUTS_PER_SESSION} inputs (one process) | Value |`,
);
console.log("| --- | ---: |");
console.log(`| RSS before → after | ${mib(before.rss)} → ${mib(after.rss)} MiB |`);
console.log(
  `| heap + external before → after | ${mib(before.heapAndExternal)} → ${
    mib(after.heapAndExternal)
  } MiB |`,
);
console.log(
  `| bytes per session, heap + external | ${
    count(Math.round((after.heapAndExternal - before.heapAndExternal) / SESSIONS))
  } |`,
);
console.log(
  `| bytes per session, RSS | ${count(Math.round((after.rss - before.rss) / SESSIONS))} |`,
);
console.log(
  `| bytes per session, estimate (\`stateBytesPerSession\`) | ${
    count(engine.stateBytesPerSession)
  } |`,
);
console.log(
  `| live agent (\`./ghost-hunter --dry-run\`), idle RSS | ${await liveAgentIdleRss()} |`,
);
console.log();
console.log(`| Bounded engine, ${count(SESSIONS)} sessions in turn | Value |`);
console.log("| --- | ---: |");
console.log(`| maxSessions | ${count(BOUNDED_MAX_SESSIONS)} |`);
console.log(`| sessions tracked | ${count(bounded.sessionCount)} |`);
console.log(`| evictions counted | ${count(bounded.evictions)} |`);
console.log(`| least recently active session kept | ${leastRecent?.session ?? "none"} |`);
