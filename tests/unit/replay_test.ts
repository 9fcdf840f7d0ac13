import assert from "node:assert/strict";
import { UsageError } from "../../src/errors.ts";
import { parseReplayArgs, replayCommand } from "../../src/cli/replay_command.ts";
import { ecsAlert } from "../../src/alerts/ecs_alert.ts";
import { replay, type ReplayOptions } from "../../src/pipeline/replay.ts";

async function run(options: Omit<ReplayOptions, "now">) {
  const lines: string[] = [];
  const result = await replay(
    { ...options, now: () => new Date("2026-01-02T03:04:05Z") },
    (line) => lines.push(line),
  );
  return { lines, result };
}

// Where in its 60 events the robot first alerts moves a little with each calibration.
const ROBOT_ALERTS_BY = 30;

Deno.test("interleaved fixture: the robot alerts within its first 30 events, the human never", async () => {
  const { lines } = await run({
    path: "tests/fixtures/interleaved.jsonl",
    format: "json",
  });
  const objects = lines.map((l) => JSON.parse(l));
  const alerts = objects.filter((o) => o.type === undefined);
  const summaries = objects.filter((o) => o.type === "session_summary");
  assert.equal(alerts.length, 1);
  assert.deepEqual(summaries.map((s) => [s.session, s.alerted]), [
    ["pts/1", false],
    ["pts/2", true],
  ]);
  assert.equal(summaries[0].first_alert_event, null);
  const first = summaries[1].first_alert_event;
  assert.ok(first >= 1 && first <= ROBOT_ALERTS_BY, `first alert at event ${first}`);
  assert.deepEqual(Object.keys(summaries[0]), [
    "type",
    "session",
    "events",
    "max_score",
    "alerted",
    "first_alert_event",
  ]);
  assert.equal(summaries[0].events, 240);
  assert.equal(summaries[1].events, 60);
  // Summaries come last, after every alert.
  assert.equal(objects.at(-1).type, "session_summary");
  const alert = alerts[0];
  assert.equal(alert["@timestamp"], "2026-01-02T03:04:05.000Z");
  assert.equal(alert.event.kind, "alert");
  assert.equal(alert.event.action, "ghost-hunter-anomaly");
  assert.deepEqual(alert.event.category, ["intrusion_detection"]);
  assert.equal(alert.process.tty.name, "pts/2");
  assert.equal(alert.ghost_hunter.session, "pts/2");
  assert.equal(alert.ghost_hunter.event_index, first);
  assert.equal(alert.ghost_hunter.threshold, 0.72);
  assert.equal(alert.ghost_hunter.dry_run, true);
  assert.ok(alert.ghost_hunter.score >= 0.72);
  assert.equal(typeof alert.ghost_hunter.features.typing_evidence_nats, "number");
});

Deno.test("fixtures give the expected verdicts, and the threshold matters", async () => {
  const human = await run({ path: "tests/fixtures/human_only.jsonl", format: "json" });
  assert.equal(human.result.alerts, 0);
  assert.equal(human.result.sessions[0]!.alerted, false);
  const lines = await run({ path: "tests/fixtures/line_at_once.jsonl", format: "json" });
  assert.equal(lines.result.sessions[0]!.alerted, true);
  const strict = await run({
    path: "tests/fixtures/human_only.jsonl",
    format: "json",
    threshold: human.result.sessions[0]!.max_score,
  });
  assert.equal(strict.result.sessions[0]!.alerted, true);
});

Deno.test("table format prints alerts and a session table", async () => {
  const { lines } = await run({
    path: "tests/fixtures/interleaved.jsonl",
    format: "table",
  });
  const event = lines[0]!.match(
    /^alert {2}pts\/2 {2}event (\d+) {2}score 0\.7\d\d {2}\(typing [\d.]+\/[\d.]+ nats/,
  )?.[1];
  assert.ok(event !== undefined && Number(event) <= ROBOT_ALERTS_BY, lines[0]);
  assert.match(lines[1]!, /^session +events +max score +alerted +first alert event$/);
  assert.match(lines[3]!, new RegExp(`^pts/2 +60 +0\\.\\d{3} +yes +${event}$`));
});

Deno.test("the table has a row for each of more sessions than a call takes arguments", async () => {
  const sessions = 150_000;
  const path = await Deno.makeTempFile({ dir: "/tmp", suffix: ".jsonl" });
  try {
    const lines = Array.from(
      { length: sessions },
      (_, i) => `{"t":${i},"session":"s${i}","dir":"in","bytes":1}`,
    );
    await Deno.writeTextFile(path, lines.join("\n"));
    const { lines: table } = await run({ path, format: "table", maxSessions: sessions });
    assert.equal(table.length, 1 + sessions);
    assert.match(table.at(-1)!, /^s149999 +1 +\d\.\d{3} +no +-$/);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("malformed line stops replay with file, line and problem; --skip-invalid counts it", async () => {
  await assert.rejects(
    run({ path: "tests/fixtures/malformed.jsonl", format: "json" }),
    (error: unknown) =>
      error instanceof UsageError &&
      error.message ===
        'Cannot read trace file tests/fixtures/malformed.jsonl: line 3: field "t" is not a number',
  );
  const { result, lines } = await run({
    path: "tests/fixtures/malformed.jsonl",
    format: "table",
    skipInvalid: true,
  });
  assert.equal(result.invalidLines.length, 2);
  assert.equal(result.events, 4);
  assert.equal(lines.at(-1), "Skipped 2 invalid line(s).");
});

Deno.test("replay arguments: defaults, values, and one-line usage errors", () => {
  assert.deepEqual(parseReplayArgs(["-"]), {
    path: "-",
    format: "table",
    threshold: 0.72,
    skipInvalid: false,
    maxSessions: 100000,
    enrol: false,
  });
  assert.deepEqual(
    parseReplayArgs(["t.jsonl", "--format", "json", "--threshold", "0.9", "--skip-invalid"]),
    {
      path: "t.jsonl",
      format: "json",
      threshold: 0.9,
      skipInvalid: true,
      maxSessions: 100000,
      enrol: false,
    },
  );
  const bad: [string[], RegExp][] = [
    [[], /^Replay needs exactly one trace FILE \(or "-" for stdin\), got 0$/],
    [["a", "b"], /got 2$/],
    [["a", "--format", "xml"], /^Option --format expects "json" or "table", got "xml"$/],
    [["a", "--threshold", "2"], /^Option --threshold expects a number from 0 to 1, got "2"$/],
    [["a", "--threshold", "x"], /got "x"$/],
    [
      ["a", "--max-sessions", "0"],
      /^Option --max-sessions expects an integer from 1 to 1000000, got "0"$/,
    ],
    [
      ["a", "--frobnicate"],
      /^Unknown option --frobnicate: see "ghost-hunter replay --help" for the options$/,
    ],
  ];
  for (const [args, message] of bad) {
    assert.throws(
      () => parseReplayArgs(args),
      (error: unknown) =>
        error instanceof UsageError && message.test(error.message) &&
        !error.message.includes("\n"),
      args.join(" "),
    );
  }
});

Deno.test("replayCommand.run rejects a malformed trace with a usage error", async () => {
  await assert.rejects(
    replayCommand.run(["tests/fixtures/malformed.jsonl", "--format", "json"]),
    UsageError,
  );
  assert.match(replayCommand.help, /--threshold X/);
});

Deno.test("ECS alerts nest fields, and optional process and user appear only when known", () => {
  const bare = ecsAlert({
    action: "ghost-hunter-test",
    session: "pts/9",
    ghostHunter: { verdict: "x" },
    timestamp: new Date(0),
  });
  assert.deepEqual(bare, {
    "@timestamp": "1970-01-01T00:00:00.000Z",
    event: {
      kind: "alert",
      category: ["intrusion_detection"],
      type: ["info"],
      action: "ghost-hunter-test",
      module: "ghost_hunter",
    },
    process: { tty: { name: "pts/9" } },
    ghost_hunter: { session: "pts/9", verdict: "x" },
  });
  const full = ecsAlert({
    action: "a",
    session: "pts/9",
    ghostHunter: {},
    process: { pid: 42, name: "bash" },
    userId: 1000,
    timestamp: new Date(0),
  });
  assert.deepEqual(full.process, { tty: { name: "pts/9" }, pid: 42, name: "bash" });
  assert.deepEqual(full.user, { id: "1000" });
  assert.ok(Object.keys(full).every((key) => key === "@timestamp" || !key.includes(".")));
});
