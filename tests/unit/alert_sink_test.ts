import assert from "node:assert/strict";
import { UsageError } from "../../src/errors.ts";
import { AlertSink } from "../../src/alerts/alert_sink.ts";
import { ecsAlert } from "../../src/alerts/ecs_alert.ts";
import { withTempDir } from "../support/temp_dir.ts";
import { symlink } from "../support/symlink.ts";

function sampleAlert(score: number): Record<string, unknown> {
  return ecsAlert({
    action: "ghost-hunter-anomaly",
    session: "pts/3",
    ghostHunter: { score, threshold: 0.72, note: 'quote " and\nnewline' },
    process: { pid: 4242, name: "bash" },
    userId: 1000,
    timestamp: new Date("2025-01-02T03:04:05.678Z"),
  });
}

Deno.test("the alert file is created with mode 0600, one JSON object per line", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/alerts.jsonl`;
    await using sink = AlertSink.open(path);
    await sink.write(sampleAlert(0.8));
    await sink.write(sampleAlert(0.9));
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
    const text = await Deno.readTextFile(path);
    assert.ok(text.endsWith("\n"), "every line is terminated");
    const lines = text.split("\n").slice(0, -1);
    assert.deepEqual(lines.map((line) => JSON.parse(line)), [sampleAlert(0.8), sampleAlert(0.9)]);
  });
});

Deno.test("alert lines carry Elastic Common Schema names and the ghost_hunter namespace", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/alerts.jsonl`;
    await using sink = AlertSink.open(path);
    await sink.write(sampleAlert(0.8));
    const alert = JSON.parse(await Deno.readTextFile(path));
    assert.equal(alert["@timestamp"], "2025-01-02T03:04:05.678Z");
    assert.equal(alert.event.kind, "alert");
    assert.equal(alert.event.action, "ghost-hunter-anomaly");
    assert.deepEqual(alert.event.category, ["intrusion_detection"]);
    assert.equal(alert.process.pid, 4242);
    assert.equal(alert.process.name, "bash");
    assert.equal(alert.process.tty.name, "pts/3");
    assert.equal(alert.user.id, "1000");
    assert.equal(alert.ghost_hunter.score, 0.8);
    assert.equal(alert.ghost_hunter.session, "pts/3");
  });
});

Deno.test("an existing alert file is appended to, in write order", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/alerts.jsonl`;
    await Deno.writeTextFile(path, '{"earlier":true}\n', { mode: 0o600 });
    const sink = AlertSink.open(path);
    // Not awaited one by one: the sink must still keep them whole and in order.
    await Promise.all([1, 2, 3, 4, 5].map((n) => sink.write({ n })));
    await sink.close();
    await sink.close();
    const lines = (await Deno.readTextFile(path)).trimEnd().split("\n");
    assert.deepEqual(lines.map((line) => JSON.parse(line)), [
      { earlier: true },
      { n: 1 },
      { n: 2 },
      { n: 3 },
      { n: 4 },
      { n: 5 },
    ]);
  });
});

Deno.test("an alert file that cannot be opened is refused in one line, creating nothing", async () => {
  await withTempDir((dir) => {
    const path = `${dir}/missing/alerts.jsonl`;
    assert.throws(
      () => AlertSink.open(path),
      (error) =>
        error instanceof UsageError &&
        error.message.startsWith(`Cannot open the alert file ${path} (`) &&
        error.message.endsWith(
          "); check that its directory exists and is writable, or use --alerts -",
        ) && !error.message.includes("\n"),
    );
    assert.deepEqual([...Deno.readDirSync(dir)], []);
  });
});

Deno.test("an alert file that is a symbolic link is a usage error naming it and the fix", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/target`, "");
    symlink(`${dir}/target`, `${dir}/alerts.jsonl`);
    assert.throws(
      () => AlertSink.open(`${dir}/alerts.jsonl`),
      (error: unknown) =>
        error instanceof UsageError &&
        error.message ===
          `Cannot open the alert file ${dir}/alerts.jsonl: it is a symbolic link, which is not followed; give the path of the file itself, or use --alerts -`,
    );
    assert.equal(await Deno.readTextFile(`${dir}/target`), "");
  });
});
