import assert from "node:assert/strict";
import { VERSION } from "../../src/version.ts";
import { REPO_ROOT } from "../support/gate.ts";
import { type FinishedCommand, runToEnd } from "../support/run_to_end.ts";

function ghostHunter(...args: string[]): Promise<FinishedCommand> {
  return runToEnd(Deno.execPath(), ["run", "-A", "main.ts", ...args], {
    cwd: REPO_ROOT,
    env: { NO_COLOR: "1" },
  });
}

Deno.test("--help lists every command and --version, and exits 0", async () => {
  const { code, stdout } = await ghostHunter("--help");
  assert.equal(code, 0);
  assert.match(stdout, /^Usage: ghost-hunter \[command\] \[options\]/);
  for (const command of ["record", "doctor"]) {
    assert.match(stdout, new RegExp(`^  ${command} `, "m"), `${command} is listed`);
  }
  assert.match(stdout, /--version/);
});

Deno.test("help and help COMMAND print what --help and COMMAND --help print", async () => {
  for (
    const [helpArgs, flagArgs] of [[["help"], ["--help"]], [["help", "record"], ["record", "-h"]]]
  ) {
    const viaHelp = await ghostHunter(...helpArgs!);
    const viaFlag = await ghostHunter(...flagArgs!);
    assert.equal(viaHelp.code, 0);
    assert.equal(viaHelp.stdout, viaFlag.stdout);
  }
  assert.match((await ghostHunter("help", "record")).stdout, /^Usage: ghost-hunter record/);
  const unknown = await ghostHunter("help", "frobnicate");
  assert.equal(unknown.code, 2);
  assert.equal(
    unknown.stderr,
    'ghost-hunter: Unknown command "frobnicate": run "ghost-hunter --help" for the list\n',
  );
  const extra = await ghostHunter("help", "record", "x");
  assert.equal(extra.code, 2);
  assert.equal(
    extra.stderr,
    'ghost-hunter: Unexpected argument "x": write "ghost-hunter help [COMMAND]"\n',
  );
});

Deno.test("--version prints the name and the version", async () => {
  const { code, stdout } = await ghostHunter("--version");
  assert.equal(code, 0);
  assert.equal(stdout, `ghost-hunter ${VERSION}\n`);
});

Deno.test("an unknown command is refused with one line and exit 2", async () => {
  const { code, stdout, stderr } = await ghostHunter("frobnicate");
  assert.equal(code, 2);
  assert.equal(stdout, "");
  assert.equal(
    stderr,
    'ghost-hunter: Unknown command "frobnicate": run "ghost-hunter --help" for the list\n',
  );
});

Deno.test("doctor --help shows its usage, options and examples", async () => {
  const { code, stdout } = await ghostHunter("doctor", "--help");
  assert.equal(code, 0);
  assert.match(stdout, /^Usage: ghost-hunter doctor \[--format table\|json\]/);
  assert.match(stdout, /--format FORMAT {2}table or json \(default table\)/);
  assert.match(stdout, /^Examples:$/m);
});

Deno.test("doctor refuses a bad --format with one line and exit 2", async () => {
  const { code, stderr } = await ghostHunter("doctor", "--format", "xml");
  assert.equal(code, 2);
  assert.equal(stderr, 'ghost-hunter: Option --format expects "table" or "json", got "xml"\n');
});

Deno.test("doctor refuses an unknown option with exit 2", async () => {
  const { code, stderr } = await ghostHunter("doctor", "--fix");
  assert.equal(code, 2);
  assert.equal(
    stderr,
    `ghost-hunter: Unknown option --fix: see "ghost-hunter doctor --help" for the options\n`,
  );
});

Deno.test("options without a command go to run, which refuses a bad value with exit 2", async () => {
  const { code, stderr } = await ghostHunter("--threshold", "2");
  assert.equal(code, 2);
  assert.equal(stderr, 'ghost-hunter: Option --threshold expects a number from 0 to 1, got "2"\n');
});

Deno.test("run --help and options-then---help both show the run help", async () => {
  for (const args of [["run", "--help"], ["--dry-run", "--help"]]) {
    const { code, stdout } = await ghostHunter(...args);
    assert.equal(code, 0);
    assert.match(stdout, /^Usage: ghost-hunter \[run\] \[--config FILE\] \[options\]/);
  }
});

Deno.test("a reader that closes the pipe early stops replay quietly with 141, as SIGPIPE would", async () => {
  const trace = await Deno.makeTempFile({ suffix: ".jsonl" });
  try {
    // 5,000 one-event sessions: their summaries far outgrow a pipe's buffer.
    const lines = Array.from(
      { length: 5000 },
      (_, i) => JSON.stringify({ t: i, session: `pts/${i}`, dir: "in", bytes: 1 }),
    );
    await Deno.writeTextFile(trace, lines.join("\n") + "\n");
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "main.ts", "replay", trace, "--format", "json"],
      cwd: REPO_ROOT,
      env: { NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const reader = child.stdout.getReader();
    const first = await reader.read();
    assert.equal(first.done, false, "replay wrote something before the pipe closed");
    await reader.cancel();
    const [status, stderr] = await Promise.all([
      child.status,
      new Response(child.stderr).text(),
    ]);
    assert.equal(stderr, "");
    assert.equal(status.code, 141);
  } finally {
    await Deno.remove(trace);
  }
});
