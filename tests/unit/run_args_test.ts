import assert from "node:assert/strict";
import { UsageError } from "../../src/errors.ts";
import { parseRunArgs, RUN_HELP } from "../../src/cli/run_args.ts";
import { DEFAULT_CONFIG } from "../../src/config/defaults.ts";

async function refusal(args: string[]): Promise<string> {
  try {
    await parseRunArgs(args);
  } catch (error) {
    assert.ok(error instanceof UsageError, `a UsageError, got ${error}`);
    return error.message;
  }
  assert.fail(`accepted ${args.join(" ")}`);
}

Deno.test("no flags give the defaults", async () => {
  assert.deepEqual(await parseRunArgs([]), DEFAULT_CONFIG);
});

Deno.test("every flag sets its key", async () => {
  const config = await parseRunArgs([
    "--threshold",
    "0.9",
    "--dry-run",
    "--alerts",
    "/tmp/gh/alerts.jsonl",
    "--log-level",
    "debug",
    "--metrics-listen",
    "[::1]:9464",
    "--actuator",
    "sigstop",
    "--max-delay-ms",
    "500",
    "--max-sessions",
    "10",
    "--ring-buffer-bytes=65536",
  ]);
  assert.equal(config.threshold, 0.9);
  assert.equal(config.dry_run, true);
  assert.equal(config.alerts, "/tmp/gh/alerts.jsonl");
  assert.equal(config.log_level, "debug");
  assert.equal(config.metrics_listen, "[::1]:9464");
  assert.equal(config.actuator, "sigstop");
  assert.equal(config.max_delay_ms, 500);
  assert.equal(config.limits.max_sessions, 10);
  assert.equal(config.limits.ring_buffer_bytes, 65536);
});

Deno.test("--metrics-listen off turns metrics off", async () => {
  assert.equal((await parseRunArgs(["--metrics-listen", "off"])).metrics_listen, null);
});

Deno.test("bad flags and values are refused with one line naming the flag", async () => {
  const cases: [string[], string][] = [
    [
      ["--frobnicate"],
      'Unknown option --frobnicate: see "ghost-hunter run --help" for the options',
    ],
    [["-x"], 'Unknown option -x: see "ghost-hunter run --help" for the options'],
    [
      ["extra"],
      'Unexpected argument "extra": run takes options only; see "ghost-hunter run --help"',
    ],
    [
      ["--threshold"],
      'Option --threshold needs a value (a number from 0 to 1); write --threshold=VALUE for one starting with "-"',
    ],
    [
      ["--max-sessions", "-3"],
      'Option --max-sessions needs a value (an integer from 1 to 1000000); write --max-sessions=VALUE for one starting with "-"',
    ],
    [["--dry-run=yes"], "Option --dry-run takes no value; write --dry-run alone"],
    [["--threshold", "1.5"], 'Option --threshold expects a number from 0 to 1, got "1.5"'],
    [["--threshold", "0x1"], 'Option --threshold expects a number from 0 to 1, got "0x1"'],
    [["--threshold", ""], 'Option --threshold expects a number from 0 to 1, got ""'],
    [
      ["--max-sessions=-3"],
      'Option --max-sessions expects an integer from 1 to 1000000, got "-3"',
    ],
    [
      ["--max-delay-ms", "1e9"],
      'Option --max-delay-ms expects an integer from 1 to 60000, got "1e9"',
    ],
    [
      ["--ring-buffer-bytes", "5000"],
      'Option --ring-buffer-bytes expects a power of two from 4096 to 1073741824, got "5000"',
    ],
    [["--actuator", "kill"], 'Option --actuator expects one of "sigstop", got "kill"'],
    [
      ["--log-level", "loud"],
      'Option --log-level expects one of "debug", "info", "warning", "error", got "loud"',
    ],
    [["--alerts", ""], 'Option --alerts expects a file path, or "-" for stdout, got ""'],
    [
      ["--metrics-listen", "0.0.0.0:9464"],
      'Option --metrics-listen must be a loopback address (127.0.0.1, [::1] or localhost) unless "metrics_allow_remote" is true, got "0.0.0.0:9464"',
    ],
    [
      ["--metrics-listen", "127.0.0.1:99999"],
      'Option --metrics-listen expects null (no metrics) or HOST:PORT with HOST an IP address or "localhost" (IPv6 in brackets) and PORT from 1 to 65535, got "127.0.0.1:99999"',
    ],
    [["--config="], "Option --config expects a file path, got an empty string"],
  ];
  for (const [args, message] of cases) {
    const got = await refusal(args);
    assert.equal(got, message, `for ${args.join(" ")}`);
    assert.ok(!got.includes("\n"), "one line");
  }
});

Deno.test("a non-loopback --metrics-listen is allowed when the file sets metrics_allow_remote", async () => {
  const dir = await Deno.makeTempDir({ dir: "/tmp" });
  try {
    const path = `${dir}/config.json`;
    await Deno.writeTextFile(path, JSON.stringify({ metrics_allow_remote: true }));
    const config = await parseRunArgs(["--config", path, "--metrics-listen", "0.0.0.0:9464"]);
    assert.equal(config.metrics_listen, "0.0.0.0:9464");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a bad config file given with --config is refused naming the file", async () => {
  const dir = await Deno.makeTempDir({ dir: "/tmp" });
  try {
    const path = `${dir}/config.json`;
    await Deno.writeTextFile(path, JSON.stringify({ limits: { max_sessions: -3 } }));
    assert.equal(
      await refusal(["--config", path, "--max-sessions", "5"]),
      `Config file ${path}: "limits.max_sessions" must be an integer from 1 to 1000000, got -3`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("RUN_HELP shows every flag with its default, and examples", () => {
  for (
    const flag of [
      "--config FILE",
      "--threshold SCORE",
      "--dry-run",
      "--alerts FILE",
      "--log-level LEVEL",
      "--metrics-listen ADDR",
      "--actuator NAME",
      "--max-delay-ms MS",
      "--max-sessions N",
      "--ring-buffer-bytes N",
    ]
  ) {
    assert.ok(RUN_HELP.includes(`      ${flag} `), `${flag} is documented`);
  }
  assert.match(RUN_HELP, /\(default 0\.72\)/);
  assert.match(RUN_HELP, /\(default 4096\)/);
  assert.match(RUN_HELP, /^Examples:$/m);
});
