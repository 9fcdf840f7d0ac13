/**
 * `record`, `replay`, `top` and `run` check numbers with the config schema's
 * rules, so the same value is refused the same way by every command.
 */
import assert from "node:assert/strict";
import { UsageError } from "../../src/errors.ts";
import { parseRecordArgs } from "../../src/cli/record_command.ts";
import { parseReplayArgs } from "../../src/cli/replay_command.ts";
import { parseRunArgs } from "../../src/cli/run_args.ts";
import { parseTopArgs } from "../../src/cli/top_command.ts";
import { DEFAULT_CONFIG } from "../../src/config/defaults.ts";

async function refusal(parse: () => unknown): Promise<string> {
  try {
    await parse();
  } catch (error) {
    assert.ok(error instanceof UsageError, `a UsageError, got ${error}`);
    return error.message;
  }
  assert.fail("accepted");
}

const TOO_BIG_RING = String(2 ** 31);

Deno.test("record and run refuse the same ring buffer sizes with the same line", async () => {
  for (const bad of ["5000", "2048", TOO_BIG_RING, "1e3", "lots"]) {
    const fromRecord = await refusal(() => parseRecordArgs(["--ring-buffer-bytes", bad]));
    const fromRun = await refusal(() => parseRunArgs(["--ring-buffer-bytes", bad]));
    assert.equal(fromRecord, fromRun);
    assert.equal(
      fromRecord,
      `Option --ring-buffer-bytes expects a power of two from 4096 to 1073741824, got "${bad}"`,
    );
  }
  assert.equal(
    parseRecordArgs(["--ring-buffer-bytes", String(2 ** 30)]).ringBufferBytes,
    2 ** 30,
  );
  assert.equal(
    parseRecordArgs([]).ringBufferBytes,
    DEFAULT_CONFIG.limits.ring_buffer_bytes,
  );
});

Deno.test("record refuses a duration that is not a positive number", async () => {
  for (const bad of ["0", "0.0", "", "soon", "Infinity"]) {
    assert.equal(
      await refusal(() => parseRecordArgs(["--duration", bad])),
      `Option --duration expects a number greater than 0, got ${JSON.stringify(bad)}`,
    );
  }
  assert.equal(parseRecordArgs(["--duration", "0.5"]).durationSeconds, 0.5);
});

Deno.test("replay and run refuse the same thresholds and session bounds", async () => {
  for (const bad of ["2", "-0.1", "", "x"]) {
    const fromReplay = await refusal(() => parseReplayArgs(["t.jsonl", "--threshold", bad]));
    assert.equal(fromReplay, await refusal(() => parseRunArgs(["--threshold", bad])));
  }
  for (const bad of ["0", "1.5", "1000001"]) {
    const fromReplay = await refusal(() => parseReplayArgs(["t.jsonl", "--max-sessions", bad]));
    assert.equal(fromReplay, await refusal(() => parseRunArgs(["--max-sessions", bad])));
  }
  assert.equal(parseReplayArgs(["t.jsonl"]).threshold, DEFAULT_CONFIG.threshold);
});

Deno.test("top refuses an interval outside 0.1 to 3600 seconds", async () => {
  for (const bad of ["0.01", "3601", "", "soon"]) {
    assert.equal(
      await refusal(() => parseTopArgs(["--interval", bad])),
      `Option --interval expects a number from 0.1 to 3600, got ${JSON.stringify(bad)}`,
    );
  }
});
