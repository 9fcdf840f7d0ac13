/**
 * Writes on a full disk: a line that does not fit whole is taken back, so a
 * file of JSON lines (alerts, recorded traces) never ends in half a line.
 * The disk is a real one-page tmpfs (mounting it needs root with CAP_SYS_ADMIN).
 */
import assert from "node:assert/strict";
import { EnvironmentError } from "../../src/errors.ts";
import { AlertSink } from "../../src/alerts/alert_sink.ts";
import { appendWhole } from "../../src/write_all.ts";
import { mountBlocker, skipOrFail } from "../support/gate.ts";
import { withSmallDisk } from "../support/small_disk.ts";

/** Size of the tmpfs: one page. */
const DISK_BYTES = 4096;

const encoder = new TextEncoder();

Deno.test({
  name: "appendWhole: a line the disk can only take part of is taken back, the next one lands",
  ignore: skipOrFail("appendWhole on a full disk", mountBlocker()),
  async fn() {
    await withSmallDisk(DISK_BYTES, async (dir) => {
      const path = `${dir}/lines`;
      using file = await Deno.open(path, { append: true, create: true });
      await appendWhole(file, encoder.encode("first\n"));
      await assert.rejects(
        appendWhole(file, encoder.encode(`${"x".repeat(2 * DISK_BYTES)}\n`)),
        /No space left on device/,
      );
      assert.equal(await Deno.readTextFile(path), "first\n");
      await appendWhole(file, encoder.encode("second\n"));
      assert.equal(await Deno.readTextFile(path), "first\nsecond\n");
    });
  },
});

Deno.test({
  name: "appendWhole: a file written at its position (not O_APPEND) gets no hole after a failure",
  ignore: skipOrFail("appendWhole without O_APPEND", mountBlocker()),
  async fn() {
    await withSmallDisk(DISK_BYTES, async (dir) => {
      const path = `${dir}/trace`;
      using file = await Deno.open(path, { write: true, create: true, truncate: true });
      await appendWhole(file, encoder.encode("header\n"));
      await assert.rejects(appendWhole(file, new Uint8Array(2 * DISK_BYTES).fill(0x61)));
      await appendWhole(file, encoder.encode("next\n"));
      assert.equal(await Deno.readTextFile(path), "header\nnext\n");
    });
  },
});

Deno.test({
  name: "AlertSink: an alert the disk cannot hold is one error naming the file; no half line stays",
  ignore: skipOrFail("AlertSink on a full disk", mountBlocker()),
  async fn() {
    await withSmallDisk(DISK_BYTES, async (dir) => {
      const path = `${dir}/alerts.jsonl`;
      await using sink = AlertSink.open(path);
      await sink.write({ n: 1 });
      const error = await sink.write({ n: 2, padding: "p".repeat(2 * DISK_BYTES) }).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(error instanceof EnvironmentError, String(error));
      assert.match(error.message, /^Cannot write an alert to .*alerts\.jsonl \(No space left/);
      await sink.write({ n: 3 });
      const lines = (await Deno.readTextFile(path)).split("\n");
      assert.deepEqual(lines.slice(0, -1).map((line) => JSON.parse(line)), [{ n: 1 }, { n: 3 }]);
      assert.equal(lines.at(-1), "", "the file ends with a whole line");
    });
  },
});
