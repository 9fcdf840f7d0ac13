/**
 * `ghost-hunter record` refuses what it cannot do with one line naming the
 * cause and the fix, a non-zero exit, and no file left behind.
 */
import assert from "node:assert/strict";
import { AGENT_PATH, sleep, waitForFirstLine } from "../support/agent.ts";
import { kernelBlocker, mountBlocker, skipOrFail } from "../support/gate.ts";
import { Pty } from "../support/pty.ts";
import { type FinishedCommand, runToEnd } from "../support/run_to_end.ts";
import { withSmallDisk } from "../support/small_disk.ts";

function runAgent(args: string[], prefix: string[] = []): Promise<FinishedCommand> {
  const [command, ...rest] = [...prefix, AGENT_PATH, ...args];
  return runToEnd(command!, rest);
}

const DROP_BPF_CAPS = [
  "setpriv",
  "--inh-caps=-bpf,-perfmon,-sys_admin",
  "--bounding-set=-bpf,-perfmon,-sys_admin",
  "--",
];

Deno.test({
  name: "record: without CAP_BPF it names the cause and the fix, and leaves no file",
  ignore: skipOrFail("record without capabilities", kernelBlocker()),
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      const output = `${dir}/trace.jsonl`;
      const result = await runAgent(["record", "-o", output], DROP_BPF_CAPS);
      assert.equal(result.code, 1);
      assert.equal(
        result.stderr.trim(),
        "ghost-hunter: Cannot load the probe into the kernel: Operation not permitted (EPERM); " +
          "run as root, or grant CAP_BPF and CAP_PERFMON (see ghost-hunter doctor)",
      );
      assert.deepEqual([...Deno.readDirSync(dir)], [], "no trace file was created");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "record: an output path it cannot write names the path and the fix, exits 2",
  ignore: skipOrFail("record unwritable output", kernelBlocker()),
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      const output = `${dir}/missing/trace.jsonl`;
      const result = await runAgent(["record", "-o", output]);
      assert.equal(result.code, 2);
      assert.equal(result.stdout, "");
      assert.equal(
        result.stderr,
        `ghost-hunter: Cannot open the trace file ${output} (No such file or directory (os error 2): open '${output}'); ` +
          "check that its directory exists and is writable, or leave out --output to write to stdout\n",
      );
      assert.deepEqual([...Deno.readDirSync(dir)], [], "nothing was created");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "record: a full disk (/dev/full) is one line naming the output and the fix, exit 1",
  ignore: skipOrFail("record full output", kernelBlocker()),
  async fn() {
    const result = await runAgent(["record", "-o", "/dev/full", "--duration", "5"]);
    assert.equal(result.code, 1, result.stderr);
    assert.equal(
      result.stderr,
      "ghost-hunter: Cannot write the trace to /dev/full: No space left on device (os error 28); free some space, or give --output another path\n",
    );
    assert.ok(Deno.statSync("/dev/full").isCharDevice, "/dev/full is still the device");
  },
});

Deno.test({
  name:
    "record: a disk that fills up mid-recording ends it in one line; the trace keeps whole lines and replays",
  ignore: skipOrFail("record onto a filling disk", kernelBlocker(), mountBlocker()),
  async fn() {
    await withSmallDisk(8192, async (dir) => {
      const output = `${dir}/trace.jsonl`;
      const recorder = new Deno.Command(AGENT_PATH, {
        args: ["record", "-o", output, "--duration", "60"],
        stdin: "null",
        stdout: "null",
        stderr: "piped",
      }).spawn();
      await using pty = new Pty();
      try {
        await waitForFirstLine(output);
        pty.spawn("stty -icanon echo min 1 time 0 && echo READY && exec cat");
        await pty.waitForOutput("READY");
        // Each key is an in and an echoed out event (about 200 bytes of trace):
        // 8 KiB fills well before the last key.
        for (let i = 0; i < 200; i++) {
          pty.type("k");
          await sleep(5);
        }
      } catch (error) {
        recorder.kill();
        throw error;
      }
      const result = await recorder.output();
      const stderr = new TextDecoder().decode(result.stderr);
      assert.equal(result.code, 1, stderr);
      assert.equal(
        stderr,
        `ghost-hunter: Cannot write the trace to ${output}: No space left on device (os error 28); free some space, or give --output another path\n`,
      );
      const trace = await Deno.readTextFile(output);
      assert.ok(trace.endsWith("\n"), "the trace ends with a whole line");
      assert.ok(trace.split("\n").length > 10, "the trace holds what fitted");
      const replayed = await runAgent(["replay", "--format", "json", output]);
      assert.equal(replayed.code, 0, replayed.stderr);
    });
  },
});

Deno.test({
  name: "record: bad flags exit 2 with one line",
  ignore: skipOrFail("record bad flags", kernelBlocker()),
  async fn() {
    const unknown = await runAgent(["record", "--bogus"]);
    assert.equal(unknown.code, 2);
    assert.equal(
      unknown.stderr.trim(),
      `ghost-hunter: Unknown option --bogus: see "ghost-hunter record --help" for the options`,
    );
    const ring = await runAgent(["record", "--ring-buffer-bytes", "5000"]);
    assert.equal(ring.code, 2);
    assert.equal(
      ring.stderr.trim(),
      'ghost-hunter: Option --ring-buffer-bytes expects a power of two from 4096 to 1073741824, got "5000"',
    );
  },
});

Deno.test({
  name: "record: --duration stops by itself, writes a 0600 trace with its header, exits 0",
  ignore: skipOrFail("record duration", kernelBlocker()),
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      const output = `${dir}/trace.jsonl`;
      const result = await runAgent(["record", "--duration", "0.5", "-o", output]);
      assert.equal(result.code, 0, result.stderr);
      assert.equal((await Deno.stat(output)).mode! & 0o777, 0o600);
      const [header] = (await Deno.readTextFile(output)).split("\n");
      assert.equal(JSON.parse(header!).ghost_hunter_trace, 1);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "record: an output path that is a symbolic link is refused; the file it points to is untouched",
  ignore: skipOrFail("record symlinked output", kernelBlocker()),
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      const target = `${dir}/precious`;
      const output = `${dir}/trace.jsonl`;
      await Deno.writeTextFile(target, "not a trace\n");
      await Deno.symlink(target, output);
      const result = await runAgent(["record", "-o", output, "--duration", "5"]);
      assert.equal(result.code, 2);
      assert.equal(result.stdout, "");
      assert.equal(
        result.stderr,
        `ghost-hunter: Cannot open the trace file ${output}: it is a symbolic link, which is not followed; ` +
          "give the path of the file itself, or leave out --output to write to stdout\n",
      );
      assert.equal(await Deno.readTextFile(target), "not a trace\n", "the target is untouched");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
