/**
 * Time from the terminal event whose score crosses the threshold to the
 * moment the actuator holds the session, ready to delay the next input: the
 * agent's reaction time. Real agent, real probe, real ptys, one scripted
 * shell session after another. Needs root.
 *
 * Run: make bench (or: deno run --allow-all bench/response_latency.ts)
 *
 * @module
 */
import { AgentOnPty, sleep } from "../tests/support/agent.ts";
import { Pty } from "../tests/support/pty.ts";

const SESSIONS = 30;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

async function jitterOneSession(agent: AgentOnPty): Promise<number> {
  const shell = new Pty();
  // pts numbers are reused: look only at what the agent printed for this session.
  const seen = agent.jsonLines().length;
  try {
    shell.spawn("PS1='$ ' exec bash --norc --noprofile -i");
    await shell.waitForOutput("$ ");
    for (let i = 0; i < 60; i++) {
      shell.type(`echo b${i}\r`);
      await shell.waitForOutput(`\rb${i}\r\n`, 30_000);
      const lines = agent.jsonLines().slice(seen);
      const crossing = lines.find((l) =>
        (l.event as { action?: string } | undefined)?.action === "ghost-hunter-jitter-start" &&
        (l.ghost_hunter as { session: string }).session === shell.sessionName
      );
      const held = lines.find((l) =>
        l.message === "Session held for jitter" &&
        (l.properties as { session: string }).session === shell.sessionName
      );
      if (crossing !== undefined && held !== undefined) {
        return (held.properties as { t_ms: number }).t_ms -
          (crossing.ghost_hunter as { trace_t_ms: number }).trace_t_ms;
      }
      await sleep(40);
    }
    throw new Error(`Session ${shell.sessionName} was never held`);
  } finally {
    await shell.close();
    // Let the agent see the session end, so the next login on this terminal starts afresh.
    await sleep(1500);
  }
}

/** Measures the reaction time over {@link SESSIONS} sessions; returns the Markdown table. */
export async function responseLatency(): Promise<string> {
  const agent = await AgentOnPty.start(["--max-delay-ms", "100"], "Probe attached");
  const samples: number[] = [];
  try {
    for (let i = 0; i < SESSIONS; i++) samples.push(await jitterOneSession(agent));
  } finally {
    await agent.stop();
  }
  samples.sort((a, b) => a - b);
  return [
    `| threshold-crossing event → session held (${SESSIONS} scripted sessions) | ms |`,
    "|---|---:|",
    `| p50 | ${percentile(samples, 0.5).toFixed(2)} |`,
    `| p99 | ${percentile(samples, 0.99).toFixed(2)} |`,
    `| max | ${samples.at(-1)!.toFixed(2)} |`,
  ].join("\n");
}

if (import.meta.main) {
  console.log(await responseLatency());
}
