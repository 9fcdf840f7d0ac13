/**
 * `ghost-hunter top` on a real terminal against the real agent: a scripted
 * pty session appears on its screen as alerted (or jittered), under a
 * header naming the agent, and SIGTERM gives the terminal back.
 */
import assert from "node:assert/strict";
import { AGENT_PATH, AgentOnPty, sleep } from "../support/agent.ts";
import { kernelBlocker, skipOrFail } from "../support/gate.ts";
import { Pty } from "../support/pty.ts";
import { freeLoopbackPort } from "../support/loopback_port.ts";

const ROWS = 30;
const COLUMNS = 120;
const SCREEN_TIMEOUT_MS = 20_000;

/**
 * The lines of the last frame drawn: what follows the last cursor-home,
 * escape sequences removed.
 */
function lastFrame(output: string): string[] {
  const start = output.lastIndexOf("\x1b[H");
  if (start === -1) return [];
  return output.slice(start + 3)
    // deno-lint-ignore no-control-regex
    .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "")
    .split(/\r*\n/)
    .filter((line) => line !== "");
}

/** Resolves to the last frame once `accept` holds for it; rejects after the timeout. */
async function waitForFrame(
  terminal: Pty,
  accept: (lines: string[]) => boolean,
): Promise<string[]> {
  const deadline = Date.now() + SCREEN_TIMEOUT_MS;
  for (;;) {
    const lines = lastFrame(terminal.output);
    if (accept(lines)) return lines;
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out waiting for the top screen; last frame:\n${lines.join("\n")}\nraw tail: ${
          JSON.stringify(terminal.output.slice(-2000))
        }`,
      );
    }
    await sleep(100);
  }
}

Deno.test({
  name: "top: the running agent's scripted session shows as alerted on a real terminal",
  ignore: skipOrFail("top live view", kernelBlocker()),
  async fn() {
    const port = freeLoopbackPort();
    const agent = await AgentOnPty.start(
      ["--dry-run", "--metrics-listen", `127.0.0.1:${port}`],
      "Probe attached",
    );
    const scripted = new Pty();
    const viewer = new Pty();
    try {
      scripted.spawn("exec bash --norc --noprofile -i");
      await sleep(200);
      for (let i = 0; i < 25; i++) {
        scripted.type(`echo x${i}\r`);
        await sleep(150);
      }
      const top = viewer.spawn(
        `stty rows ${ROWS} cols ${COLUMNS} && exec ${AGENT_PATH} top --agent 127.0.0.1:${port}`,
      );
      const rowPattern = new RegExp(
        `^${scripted.sessionName} +(\\S+) +(\\d\\.\\d\\d) +([▁▂▃▄▅▆▇█]+) +(alerted|jittered) +`,
      );
      const lines = await waitForFrame(viewer, (frame) => frame.some((l) => rowPattern.test(l)));

      assert.match(
        lines[0]!,
        new RegExp(
          `^agent pid ${agent.pid} · dry-run yes · threshold 0\\.72 · \\d+ sessions? · updated \\d\\d:\\d\\d:\\d\\d$`,
        ),
      );
      assert.match(lines[1]!, /^TERMINAL +USER +SCORE +HISTORY +VERDICT +λ +INPUTS$/);
      const [, user, score] = rowPattern.exec(lines.find((l) => rowPattern.test(l))!)!;
      assert.equal(user, "root", "uid 0 shown by name");
      assert.ok(Number(score) >= 0.72, `score ${score} at or past the threshold`);
      assert.ok(lines.length <= ROWS, `${lines.length} lines fit ${ROWS} rows`);
      for (const line of lines) {
        assert.ok(Array.from(line).length <= COLUMNS, `"${line}" fits ${COLUMNS} columns`);
      }

      top.kill("SIGTERM");
      const viewerStatus = await top.status;
      assert.equal(viewerStatus.code, 0, `top exit status; screen: ${viewer.output.slice(-1000)}`);
      assert.ok(
        viewer.output.endsWith("\x1b[?25h\x1b[?1049l"),
        "the cursor is shown again and the main screen restored",
      );
    } finally {
      await viewer.close();
      await scripted.close();
      const status = await agent.stop();
      assert.equal(
        status.code,
        0,
        `agent exit status; output: ${agent.terminal.output.slice(-2000)}`,
      );
    }
  },
});
