import assert from "node:assert/strict";
import { parseReplayArgs } from "../../src/cli/replay_command.ts";
import { MAX_IMPORT_BYTES, profileCommand } from "../../src/cli/profile_command.ts";
import { replay } from "../../src/pipeline/replay.ts";
import { ImpostorMonitor } from "../../src/profile/impostor_monitor.ts";
import { ProfileStore } from "../../src/profile/profile_store.ts";
import { FEATURE_NAMES } from "../../src/profile/timing_window.ts";
import { InputShape } from "../../src/score/input_shape.ts";
import { UsageError } from "../../src/errors.ts";
import { seededRandom } from "../../tools/sessions/seeded_random.ts";
import { symlink } from "../support/symlink.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

function ghostHunter(...args: string[]) {
  const out = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-write=/tmp", "--allow-env", MAIN, ...args],
  }).outputSync();
  const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes).trim();
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

/**
 * A trace of `inputs` inputs of one session: log-normal gaps around
 * `medianMs`, some pauses, an Enter every 25 inputs.
 */
function trace(path: string, medianMs: number, inputs: number, seed: number): void {
  const random = seededRandom(seed);
  let t = 0;
  const lines = [];
  for (let i = 0; i < inputs; i++) {
    const z = Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
    t += medianMs * Math.exp(0.5 * z) + (random.next() < 0.04 ? 2000 : 0);
    const shape = i % 25 === 24 ? InputShape.ENTER : InputShape.SINGLE;
    lines.push(JSON.stringify({ t, session: "pts/4", dir: "in", bytes: 1, uid: 0, shape }));
  }
  Deno.writeTextFileSync(path, lines.join("\n") + "\n");
}

Deno.test("replay --profiles --enrol builds a profile; then another typist's trace alerts, the owner's does not", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "gh-profile-cli-" });
  const db = `${dir}/profiles.db`;
  try {
    for (let k = 0; k < 2; k++) {
      trace(`${dir}/own${k}.jsonl`, 160, 300, k);
      const enrol = ghostHunter(
        "replay",
        `${dir}/own${k}.jsonl`,
        "--profiles",
        db,
        "--user",
        "alice",
        "--enrol",
      );
      assert.equal(enrol.code, 0, enrol.stderr);
    }
    {
      using store = ProfileStore.open(db, { readOnly: true });
      const afterEnter = store.get("alice")!.mean[FEATURE_NAMES.indexOf("after_enter_gap_median")]!;
      assert.ok(Number.isFinite(afterEnter), "replay passes the input shapes on");
    }
    trace(`${dir}/other.jsonl`, 330, 400, 10);
    trace(`${dir}/own.jsonl`, 160, 400, 11);
    const lines: string[] = [];
    const run = async (path: string) => {
      lines.length = 0;
      using store = ProfileStore.open(db, { readOnly: true });
      const monitor = new ImpostorMonitor({ profiles: store, maxSessions: 10 });
      return await replay({
        path,
        format: "json",
        impostor: { monitor, userOf: () => "alice", enrol: false },
      }, (line) => lines.push(line));
    };
    await run(`${dir}/other.jsonl`);
    const alerts = lines.map((l) => JSON.parse(l)).filter((o) =>
      o.event?.action === "ghost-hunter-impostor"
    );
    assert.equal(alerts.length, 1);
    assert.equal(alerts[0].user.name, "alice");
    assert.ok(alerts[0].ghost_hunter.impostor.distance > alerts[0].ghost_hunter.impostor.bound);
    assert.equal(alerts[0].ghost_hunter.impostor.profile_sessions, 2);
    const result = await run(`${dir}/own.jsonl`);
    assert.equal(result.alerts, 0);
    assert.equal(result.sessions[0]!.impostor!.state, "scoring");

    const list = ghostHunter("profile", "list", "--profiles", db);
    assert.equal(list.code, 0, list.stderr);
    assert.match(
      list.stdout,
      /^USER +STATE +SESSIONS +INPUTS +IMPOSTOR ALERTS +UPDATED\nalice +enrolled +2 +600 +0 /,
    );
    const show = ghostHunter("profile", "show", "alice", "--profiles", db, "--format", "json");
    assert.equal(JSON.parse(show.stdout).state, "enrolled");
    assert.equal(ghostHunter("profile", "export", `${dir}/out.json`, "--profiles", db).code, 0);
    assert.equal(Deno.statSync(`${dir}/out.json`).mode! & 0o777, 0o600);
    const forget = ghostHunter("profile", "forget", "alice", "--profiles", db);
    assert.match(forget.stdout, /^Forgot the profile of alice/);
    assert.match(ghostHunter("profile", "list", "--profiles", db).stdout, /^No profiles yet\.$/);
    const imported = ghostHunter("profile", "import", `${dir}/out.json`, "--profiles", db);
    assert.match(imported.stdout, /^Imported 1 profile\(s\)/);
    assert.match(ghostHunter("profile", "list", "--profiles", db).stdout, /alice +enrolled/);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("profile and replay refuse bad command lines with one line and exit 2, changing nothing", () => {
  const dir = Deno.makeTempDirSync({ prefix: "gh-profile-cli-" });
  try {
    const cases: [string[], RegExp][] = [
      [
        ["profile"],
        /^ghost-hunter: Missing action: use list, show, forget, export or import \(see "ghost-hunter profile --help"\)$/,
      ],
      [["profile", "grow"], /^ghost-hunter: Unknown profile action "grow"/],
      [["profile", "show"], /^ghost-hunter: Missing USER/],
      [["profile", "list", "x"], /^ghost-hunter: Unexpected argument "x"/],
      [
        ["profile", "list", "--format", "xml"],
        /^ghost-hunter: Option --format expects "table" or "json", got "xml"$/,
      ],
      [["profile", "list", "--profiles", `${dir}/none.db`], /no such file/],
      [
        ["profile", "import", `${dir}/missing.json`, "--profiles", `${dir}/p.db`],
        /Cannot import profiles from .*missing\.json: no such file/,
      ],
    ];
    for (const [args, pattern] of cases) {
      const result = ghostHunter(...args);
      assert.equal(result.code, 2, `${args.join(" ")}: ${result.stderr}`);
      assert.match(result.stderr, pattern);
      assert.equal(result.stderr.split("\n").length, 1);
    }
    Deno.writeTextFileSync(`${dir}/bad.json`, '{"ghost_hunter_profiles": 2, "profiles": []}');
    const bad = ghostHunter("profile", "import", `${dir}/bad.json`, "--profiles", `${dir}/p.db`);
    assert.match(bad.stderr, /format version 2/);
    assert.throws(() => Deno.statSync(`${dir}/p.db`), "a refused import creates no database");
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
  assert.throws(
    () => parseReplayArgs(["t.jsonl", "--enrol"]),
    (e: Error) => e instanceof UsageError && /^Option --enrol needs --profiles DB/.test(e.message),
  );
  assert.throws(
    () => parseReplayArgs(["t.jsonl", "--profiles", "p.db", "--user", "a b"]),
    /--user must be a user name/,
  );
  assert.equal(parseReplayArgs(["t.jsonl", "--profiles", "p.db"]).enrol, false);
});

Deno.test("profile export writes into a FIFO in place (never renames over it) and refuses a directory; import refuses a directory and an oversized file", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "gh-profile-cli-" });
  try {
    const db = `${dir}/p.db`;
    ProfileStore.open(db).close();
    const fifo = `${dir}/fifo`;
    new Deno.Command("mkfifo", { args: [fifo] }).outputSync();
    // The reader gives up after 10 s, so a FIFO replaced by a file fails the test, not hangs it.
    const reader = new Deno.Command("timeout", { args: ["10", "cat", fifo] }).output();
    const exported = ghostHunter("profile", "export", fifo, "--profiles", db);
    assert.equal(exported.code, 0, exported.stderr);
    const read = await reader;
    assert.equal(read.code, 0, "the export went into the FIFO");
    assert.match(new TextDecoder().decode(read.stdout), /^\{"ghost_hunter_profiles":1,/);
    assert.ok(Deno.lstatSync(fifo).isFifo, "the FIFO is still a FIFO");
    assert.deepEqual(
      [...Deno.readDirSync(dir)].filter((e) => e.name.endsWith(".tmp")),
      [],
      "no temporary file left",
    );

    const cases: [string[], string][] = [
      [
        ["profile", "export", dir, "--profiles", db],
        `ghost-hunter: Cannot write the export ${dir}: it is a directory; give a writable path`,
      ],
      [
        ["profile", "import", dir, "--profiles", db],
        `ghost-hunter: Cannot import profiles from ${dir}: it is a directory; give a file written by "ghost-hunter profile export"`,
      ],
      [
        ["profile", "import", `${dir}/big.json`, "--profiles", db],
        `ghost-hunter: Cannot import profiles from ${dir}/big.json: larger than ${MAX_IMPORT_BYTES} bytes; give a file written by "ghost-hunter profile export"`,
      ],
    ];
    Deno.writeTextFileSync(`${dir}/big.json`, " ".repeat(MAX_IMPORT_BYTES + 1));
    for (const [args, message] of cases) {
      const result = ghostHunter(...args);
      assert.equal(result.code, 2, result.stderr);
      assert.equal(result.stderr, message);
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("profile export never follows a link planted at its temporary file's name", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "gh-profile-cli-" });
  try {
    const db = `${dir}/p.db`;
    ProfileStore.open(db).close();
    const out = `${dir}/export.json`;
    const victim = `${dir}/victim`;
    Deno.writeTextFileSync(victim, "kept\n");
    // In this process the temporary name is predictable: the export's path, this pid, ".tmp".
    symlink(victim, `${out}.${Deno.pid}.tmp`);
    await assert.rejects(
      async () => await profileCommand.run(["export", out, "--profiles", db]),
      (error: unknown) =>
        error instanceof UsageError && error.message.startsWith(`Cannot write the export ${out}:`),
    );
    assert.equal(Deno.readTextFileSync(victim), "kept\n", "the link's target is untouched");
    assert.throws(() => Deno.lstatSync(out), Deno.errors.NotFound);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("replay --enrol that fails on its trace leaves no database behind, and keeps one it did not create", () => {
  const dir = Deno.makeTempDirSync({ prefix: "gh-profile-cli-" });
  const db = `${dir}/profiles.db`;
  try {
    Deno.writeTextFileSync(`${dir}/bad.jsonl`, '{"t": 1, "session"\n');
    for (const path of [`${dir}/missing.jsonl`, `${dir}/bad.jsonl`]) {
      const run = ghostHunter("replay", path, "--profiles", db, "--user", "alice", "--enrol");
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, /^ghost-hunter: Cannot read trace file/);
      assert.deepEqual([...Deno.readDirSync(dir)].map((entry) => entry.name), ["bad.jsonl"]);
    }
    trace(`${dir}/own.jsonl`, 160, 300, 1);
    assert.equal(
      ghostHunter("replay", `${dir}/own.jsonl`, "--profiles", db, "--user", "alice", "--enrol")
        .code,
      0,
    );
    const failed = ghostHunter(
      "replay",
      `${dir}/bad.jsonl`,
      "--profiles",
      db,
      "--user",
      "alice",
      "--enrol",
    );
    assert.equal(failed.code, 2);
    using store = ProfileStore.open(db, { readOnly: true });
    assert.equal(store.list().length, 1, "an existing database keeps its profiles");
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
