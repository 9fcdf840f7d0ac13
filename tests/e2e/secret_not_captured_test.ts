/**
 * No terminal content is ever captured: while `ghost-hunter record` writes a
 * trace and `ghost-hunter --dry-run --log-level debug` scores and alerts, a
 * secret is typed into a bash on a real pty, key by key and then as whole
 * lines fast enough to be alerted. The secret passes through the terminal
 * (bash echoes it), yet appears in none of: the trace file, the alert file,
 * either agent's terminal output (logs, summaries) and, where `run` serves
 * them, the metrics. The trace and alert files are created with mode 0600.
 */
import assert from "node:assert/strict";
import { AgentOnPty, sleep, waitForFirstLine } from "../support/agent.ts";
import { kernelBlocker, skipOrFail } from "../support/gate.ts";
import { Pty } from "../support/pty.ts";

const TEST_NAME = "a secret typed into a recorded, scored pty is in no trace, log, alert or metric";
const SECRET_LINES = 30;
const LINE_GAP_MS = 100;

function randomHex(bytes: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)))
    .map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** The metrics text at `address`, or undefined when nothing listens there. */
async function scrapeMetrics(address: string): Promise<string | undefined> {
  try {
    const response = await fetch(`http://${address}/metrics`);
    return await response.text();
  } catch (error) {
    if (error instanceof TypeError && /refused/i.test(String(error.cause ?? error))) {
      return undefined;
    }
    throw error;
  }
}

function assertFileMode0600(path: string): void {
  assert.equal(Deno.statSync(path).mode! & 0o777, 0o600, `mode of ${path}`);
}

Deno.test({
  name: TEST_NAME,
  ignore: skipOrFail(TEST_NAME, kernelBlocker()),
  async fn() {
    const hex = randomHex(12);
    const secret = `GH-SECRET-${hex}`;
    // The agents create these files themselves, so their mode is theirs.
    const dir = await Deno.makeTempDir({ prefix: "gh-secret-" });
    const tracePath = `${dir}/trace.jsonl`;
    const alertsPath = `${dir}/alerts.jsonl`;
    const metricsAddress = `127.0.0.1:${20_000 + Math.floor(Math.random() * 40_000)}`;

    // record -o prints nothing when ready: start it at once, then wait for its header line.
    const recorder = await AgentOnPty.start(["record", "-o", tracePath], "");
    let scorer: AgentOnPty;
    try {
      await waitForFirstLine(tracePath);
      scorer = await AgentOnPty.start([
        "--dry-run",
        "--log-level",
        "debug",
        "--alerts",
        alertsPath,
        "--metrics-listen",
        metricsAddress,
      ], "Probe attached");
    } catch (error) {
      await recorder.stop();
      throw error;
    }
    const shell = new Pty();
    let metrics: string | undefined;
    try {
      shell.spawn("exec bash --norc --noprofile -i");
      await sleep(300);
      for (const key of `echo ${secret}\r`) {
        shell.type(key);
        await sleep(30);
      }
      for (let i = 0; i < SECRET_LINES; i++) {
        shell.type(`echo ${secret}\r`);
        await sleep(LINE_GAP_MS);
      }
      // The quotes keep the typed command from matching: only bash's echo prints END_MARK.
      shell.type('echo END_""MARK\r');
      await shell.waitForOutput("END_MARK", 10_000);
      await sleep(500);
      metrics = await scrapeMetrics(metricsAddress);
    } finally {
      await shell.close();
      const recorderStatus = await recorder.stop();
      const scorerStatus = await scorer.stop();
      assert.equal(recorderStatus.code, 0, `record: ${recorder.terminal.output.slice(-2000)}`);
      assert.equal(scorerStatus.code, 0, `run: ${scorer.terminal.output.slice(-2000)}`);
    }

    assert.ok(
      shell.output.split(secret).length > SECRET_LINES,
      "the secret passed through the pty",
    );
    const trace = await Deno.readTextFile(tracePath);
    const alerts = await Deno.readTextFile(alertsPath);
    const logs = scorer.terminal.output;

    // Not vacuous: bash echoed the secret, its keystrokes were recorded and alerted, and debug logging was on.
    const inputs = trace.split("\n").filter((line) =>
      line.includes(`"session":"${shell.sessionName}"`) && line.includes('"dir":"in"')
    );
    assert.ok(inputs.length > SECRET_LINES, `${inputs.length} input events recorded`);
    assert.ok(
      alerts.split("\n").some((line) => line.includes(`"name":"${shell.sessionName}"`)),
      `an alert for ${shell.sessionName}; alerts: ${alerts}`,
    );
    assert.ok(
      logs.split(/\r?\n/).some((line) => /"level":"debug"/i.test(line)),
      `debug log lines; logs: ${logs.slice(-2000)}`,
    );

    const places: [string, string][] = [
      ["the trace file", trace],
      ["the alert file", alerts],
      ["record's terminal output", recorder.terminal.output],
      ["run's terminal output (logs)", logs],
    ];
    if (metrics === undefined) {
      console.error(`metrics not checked: nothing serves ${metricsAddress} (--metrics-listen)`);
    } else {
      places.push(["the metrics", metrics]);
    }
    for (const [place, text] of places) {
      assert.ok(!text.includes(hex), `the secret appears in ${place}`);
    }
    assertFileMode0600(tracePath);
    assertFileMode0600(alertsPath);
    await Deno.remove(dir, { recursive: true });
  },
});
