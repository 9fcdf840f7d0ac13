/**
 * The live agent on a disk that cannot take its next alert: it stops in one
 * line naming the alert file, exit 1; the file keeps only whole lines; and
 * the bot it was about to act on is left running, with no pinned map behind.
 */
import assert from "node:assert/strict";
import { AgentOnPty } from "../support/agent.ts";
import { startFastBot } from "../support/fast_bot.ts";
import { kernelBlocker, mountBlocker, skipOrFail } from "../support/gate.ts";
import { processState, stoppedWritersPinned, waitUntil } from "../support/held_sessions.ts";
import { withSmallDisk } from "../support/small_disk.ts";

const PAGE_BYTES = 4096;

Deno.test({
  name:
    "run: an alert the disk cannot hold ends the agent in one line, exit 1; no half line, no stopped writer",
  ignore: skipOrFail("alerts on a full disk", kernelBlocker(), mountBlocker()),
  async fn() {
    await withSmallDisk(PAGE_BYTES, async (dir) => {
      const path = `${dir}/alerts.jsonl`;
      // An earlier line leaves room on the disk's one page for part of an alert, not all.
      const earlier = `${JSON.stringify({ earlier: "x".repeat(PAGE_BYTES - 120) })}\n`;
      await Deno.writeTextFile(path, earlier, { mode: 0o600 });
      const agent = await AgentOnPty.start(["--alerts", path], "Probe attached");
      const bot = await startFastBot(60);
      try {
        let status: Deno.CommandStatus | undefined;
        agent.process.status.then((s) => status = s);
        await waitUntil("the agent stopped by itself", () => status !== undefined, 30_000);
        assert.equal(status!.code, 1);
        assert.ok(
          agent.terminal.output.includes(
            `ghost-hunter: Cannot write an alert to ${path} (No space left on device (os error 28)); check the disk and the reader of the output`,
          ),
          agent.terminal.output.slice(-1500),
        );
        assert.equal(
          await Deno.readTextFile(path),
          earlier,
          "the half-written alert was taken back",
        );
        assert.notEqual(processState(bot.process.pid), "T", "the bot is not left stopped");
        assert.ok(!stoppedWritersPinned(), "no pinned map is left");
      } finally {
        bot.process.kill("SIGKILL");
        await bot.process.status;
        await agent.stop();
      }
    });
  },
});
