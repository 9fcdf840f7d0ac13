/**
 * `ghost-hunter top`: the frame it renders (exact text, sparkline, order,
 * truncation, user names, bounds for any snapshot), the bounded score
 * history, and the command against a fake agent endpoint.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  MAX_SPARKLINE_WIDTH,
  renderTopFrame,
  ScoreHistory,
  sparkline,
  sparklineWidth,
  userNamesFromPasswd,
} from "../../src/cli/top_view.ts";
import {
  SESSION_VERDICTS,
  type SessionRow,
  type SessionsDocument,
} from "../../src/pipeline/sessions_document.ts";
import { fetchSessionsDocument, parseTopArgs } from "../../src/cli/top_command.ts";
import { EnvironmentError, UsageError } from "../../src/errors.ts";
import { type FinishedCommand, runToEnd } from "../support/run_to_end.ts";

const PASSWD = "root:x:0:0:root:/root:/bin/sh\n" +
  "alice:x:1000:1000:Alice:/home/alice:/bin/bash\n";
const REFRESHED_AT = new Date(2026, 10, 26, 5, 15, 39); // local time, as shown

function session(overrides: Partial<SessionRow>): SessionRow {
  return {
    session: "pts/1",
    uid: 1000,
    comm: "sshd",
    score: 0.5,
    inputs: 10,
    outputs: 10,
    verdict: "normal",
    lambda: null,
    ...overrides,
  };
}

function snapshotOf(sessions: SessionRow[]): SessionsDocument {
  return { agent: { pid: 1234, dry_run: true, threshold: 0.72 }, sessions };
}

function render(
  snapshot: SessionsDocument,
  size: { width: number; height: number },
  history = new ScoreHistory(),
): string {
  if (history.size === 0) history.record(snapshot.sessions, sparklineWidth(size.width));
  return renderTopFrame({
    snapshot,
    history,
    userNames: userNamesFromPasswd(PASSWD),
    refreshedAt: REFRESHED_AT,
    ...size,
  });
}

Deno.test("renderTopFrame: an 80×24 frame, exactly", () => {
  const sessions = [
    session({ session: "pts/3", uid: 1000, score: 0.81, inputs: 42, verdict: "alerted" }),
    session({ session: "pts/7", uid: 0, score: 0.12, inputs: 5 }),
    session({
      session: "pts/9",
      uid: 1001,
      score: 0.95,
      inputs: 300,
      verdict: "jittered",
      lambda: 2.35,
    }),
  ];
  const history = new ScoreHistory();
  for (const score of [0.1, 0.5, 0.81]) {
    history.record(
      sessions.map((s) => s.session === "pts/3" ? { ...s, score } : s),
      sparklineWidth(80),
    );
  }
  assert.equal(
    render(snapshotOf(sessions), { width: 80, height: 24 }, history),
    [
      "agent pid 1234 · dry-run yes · threshold 0.72 · 3 sessions · updated 05:15:39",
      "TERMINAL   USER       SCORE  HISTORY      VERDICT                    λ    INPUTS",
      "pts/9      1001        0.95  ███          jittered                2.35       300",
      "pts/3      alice       0.81  ▁▅▇          alerted                    -        42",
      "pts/7      root        0.12  ▁▁▁          normal                     -         5",
    ].join("\n"),
  );
});

Deno.test("renderTopFrame: no sessions, one session, a live agent", () => {
  const empty = { agent: { pid: 7, dry_run: false, threshold: 0.8 }, sessions: [] };
  assert.deepEqual(render(empty, { width: 80, height: 24 }).split("\n"), [
    "agent pid 7 · dry-run no · threshold 0.80 · 0 sessions · updated 05:15:39",
    "TERMINAL   USER       SCORE  HISTORY      VERDICT                    λ    INPUTS",
    "(no terminal sessions yet)",
  ]);
  const one = render(snapshotOf([session({})]), { width: 80, height: 24 });
  assert.match(one.split("\n")[0]!, / 1 session · /);
});

Deno.test("renderTopFrame: sorted by score, highest first; ties by terminal; no score last", () => {
  const frame = render(
    snapshotOf([
      session({ session: "pts/2", score: 0.3 }),
      session({ session: "pts/5", score: null }),
      session({ session: "pts/4", score: 0.9 }),
      session({ session: "pts/1", score: 0.3 }),
    ]),
    { width: 80, height: 24 },
  );
  const terminals = frame.split("\n").slice(2).map((line) => line.split(" ")[0]);
  assert.deepEqual(terminals, ["pts/4", "pts/1", "pts/2", "pts/5"]);
  assert.match(frame.split("\n").at(-1)!, /^pts\/5 +alice +- +normal/);
});

Deno.test("renderTopFrame: cut to the height with '… N more'", () => {
  const sessions = Array.from(
    { length: 10 },
    (_, i) => session({ session: `pts/${i}`, score: i / 10 }),
  );
  const lines = render(snapshotOf(sessions), { width: 80, height: 6 }).split("\n");
  assert.equal(lines.length, 6);
  assert.deepEqual(lines.slice(2, 5).map((line) => line.split(" ")[0]), [
    "pts/9",
    "pts/8",
    "pts/7",
  ]);
  assert.equal(lines[5], "… 7 more");
  // Exactly as many rows as sessions: no summary line.
  assert.equal(render(snapshotOf(sessions), { width: 80, height: 12 }).split("\n").length, 12);
  assert.equal(render(snapshotOf(sessions), { width: 80, height: 1 }).split("\n").length, 1);
  assert.equal(render(snapshotOf(sessions), { width: 80, height: 0 }), "");
  // No height limit (stdout not a terminal): every session.
  assert.equal(
    render(snapshotOf(sessions), { width: 80, height: Infinity }).split("\n").length,
    12,
  );
});

Deno.test("renderTopFrame: uid to name from /etc/passwd, else the number, '-' when unknown", () => {
  const frame = render(
    snapshotOf([
      session({ session: "pts/1", uid: 0, score: 0.9 }),
      session({ session: "pts/2", uid: 4242, score: 0.8 }),
      session({ session: "pts/3", uid: null, score: 0.7 }),
    ]),
    { width: 80, height: 24 },
  );
  const users = frame.split("\n").slice(2).map((line) => line.split(/ +/)[1]);
  assert.deepEqual(users, ["root", "4242", "-"]);
});

Deno.test("renderTopFrame: names are shown as printable ASCII, so none can drive the terminal", () => {
  const frame = render(
    snapshotOf([session({ session: "pts/\x1b[2J\u65e5", uid: 1 })]),
    { width: 80, height: 24 },
  );
  assert.ok(!frame.includes("\x1b"));
  assert.match(frame, /^pts\/\?\[2J\? /m);
});

Deno.test("userNamesFromPasswd: the first name of each uid; malformed lines skipped", () => {
  const names = userNamesFromPasswd(
    PASSWD + "toor:x:0:0::/root:/bin/sh\nbroken line\n:x:5:5::/:/bin/sh\nbad:x:uid:1::/:/bin/sh\n",
  );
  assert.deepEqual([...names], [[0, "root"], [1000, "alice"]]);
});

Deno.test("sparkline: eight equal bins over 0 to 1, clamped outside", () => {
  assert.equal(sparkline([0, 0.124, 0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875, 1]), "▁▁▂▃▄▅▆▇██");
  assert.equal(sparkline([-1, 2, NaN]), "▁█▁");
  assert.equal(sparkline([]), "");
});

Deno.test("sparklineWidth: what the fixed columns leave, at least 7, at most the maximum", () => {
  assert.equal(sparklineWidth(80), 11);
  assert.equal(sparklineWidth(20), 7);
  assert.equal(sparklineWidth(1000), MAX_SPARKLINE_WIDTH);
});

Deno.test("ScoreHistory: keeps the last N scores and forgets sessions no longer reported", () => {
  const history = new ScoreHistory();
  for (let i = 1; i <= 5; i++) {
    history.record([session({ session: "pts/1", score: i / 10, inputs: i })], 3);
  }
  assert.deepEqual(history.scoresOf("pts/1"), [0.3, 0.4, 0.5]);
  history.record([session({ session: "pts/2", score: 0.9 })], 3);
  assert.equal(history.size, 1);
  assert.deepEqual(history.scoresOf("pts/1"), []);
  assert.deepEqual(history.scoresOf("pts/2"), [0.9]);
});

Deno.test("ScoreHistory: a terminal reused by a new session (inputs went down) starts afresh", () => {
  const history = new ScoreHistory();
  history.record([session({ score: 0.9, inputs: 40 })], 10);
  history.record([session({ score: 0.95, inputs: 41 })], 10);
  history.record([session({ score: 0.1, inputs: 2 })], 10);
  assert.deepEqual(history.scoresOf("pts/1"), [0.1]);
});

Deno.test("ScoreHistory: a missing score adds nothing", () => {
  const history = new ScoreHistory();
  history.record([session({ score: 0.4 })], 10);
  history.record([session({ score: null })], 10);
  assert.deepEqual(history.scoresOf("pts/1"), [0.4]);
});

const anySession: fc.Arbitrary<SessionRow> = fc.record({
  session: fc.string({ maxLength: 30, unit: "binary" }),
  uid: fc.option(fc.nat(), { nil: null }),
  comm: fc.option(fc.string({ maxLength: 16 }), { nil: null }),
  score: fc.option(fc.double(), { nil: null }),
  inputs: fc.nat(),
  outputs: fc.nat(),
  verdict: fc.constantFrom(...SESSION_VERDICTS),
  lambda: fc.option(fc.double(), { nil: null }),
});

const anySnapshot: fc.Arbitrary<SessionsDocument> = fc.record({
  agent: fc.record({ pid: fc.nat(), dry_run: fc.boolean(), threshold: fc.double() }),
  sessions: fc.array(anySession, { maxLength: 40 }),
});

Deno.test("renderTopFrame (property): any snapshot fits width × height and never throws", () => {
  fc.assert(fc.property(
    anySnapshot,
    fc.array(anySnapshot, { maxLength: 3 }),
    fc.integer({ min: 0, max: 300 }),
    fc.integer({ min: 0, max: 80 }),
    (snapshot, earlier, width, height) => {
      const history = new ScoreHistory();
      for (const previous of [...earlier, snapshot]) {
        history.record(previous.sessions, sparklineWidth(width));
      }
      const frame = renderTopFrame({
        snapshot,
        history,
        userNames: userNamesFromPasswd(PASSWD),
        width,
        height,
        refreshedAt: REFRESHED_AT,
      });
      const lines = frame === "" ? [] : frame.split("\n");
      assert.ok(lines.length <= height, `${lines.length} lines for height ${height}`);
      for (const line of lines) {
        assert.ok(Array.from(line).length <= width, `"${line}" is wider than ${width}`);
        // deno-lint-ignore no-control-regex
        assert.doesNotMatch(line, /[\u0000-\u001f\u007f-\u009f]/);
      }
      assert.ok(history.size <= new Set(snapshot.sessions.map((s) => s.session)).size);
    },
  ));
});

Deno.test("parseTopArgs: defaults, flags, and bad flags as usage errors", () => {
  assert.deepEqual(parseTopArgs([]), {
    agent: "127.0.0.1:9464",
    url: "http://127.0.0.1:9464/sessions",
    intervalSeconds: 1,
    once: false,
  });
  assert.deepEqual(parseTopArgs(["--agent", "[::1]:9500", "--interval", "0.5", "--once"]), {
    agent: "[::1]:9500",
    url: "http://[::1]:9500/sessions",
    intervalSeconds: 0.5,
    once: true,
  });
  for (
    const bad of [
      ["--agent", "nowhere"],
      ["--agent", "127.0.0.1:0"],
      ["--interval", "0"],
      ["--interval", ""],
      ["--interval", "soon"],
      ["--frobnicate"],
      ["extra"],
    ]
  ) {
    assert.throws(() => parseTopArgs(bad), UsageError, bad.join(" "));
  }
});

/** Serves `body` (or a status) at /sessions on a free loopback port while `fn` runs. */
async function withFakeAgent(
  respond: (request: Request) => Response,
  fn: (agent: string) => Promise<void>,
): Promise<void> {
  await using server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (request) =>
      new URL(request.url).pathname === "/sessions"
        ? respond(request)
        : new Response("Not found\n", { status: 404 }),
  );
  await fn(`127.0.0.1:${server.addr.port}`);
}

const CONTRACT_BODY = {
  agent: { pid: 1234, dry_run: true, threshold: 0.72 },
  sessions: [
    {
      session: "pts/3",
      uid: 1000,
      comm: "sshd",
      score: 0.81,
      inputs: 42,
      outputs: 17,
      verdict: "alerted",
      lambda: null,
    },
    {
      session: "pts/4",
      uid: 0,
      comm: "bash",
      score: 0.93,
      inputs: 80,
      outputs: 60,
      verdict: "jittered",
      lambda: 2.35,
    },
  ],
};

Deno.test("fetchSessionsDocument: reads the contract's JSON from the agent", async () => {
  await withFakeAgent(() => Response.json(CONTRACT_BODY), async (agent) => {
    assert.deepEqual(await fetchSessionsDocument(parseTopArgs(["--agent", agent])), CONTRACT_BODY);
  });
});

Deno.test("fetchSessionsDocument: no agent, no endpoint, or a malformed body is an environment error", async () => {
  const unused = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const closedPort = unused.addr.port;
  unused.close();
  await assert.rejects(
    fetchSessionsDocument(parseTopArgs(["--agent", `127.0.0.1:${closedPort}`])),
    (error: Error) => {
      assert.ok(error instanceof EnvironmentError);
      assert.equal(
        error.message,
        `Cannot reach the agent at http://127.0.0.1:${closedPort}/sessions (Connection refused (os error 111)); start it with --metrics-listen 127.0.0.1:${closedPort}`,
      );
      return true;
    },
  );
  const malformed: [unknown, RegExp][] = [
    ["not json", /Cannot read the sessions/],
    [{ agent: {}, sessions: [] }, /"agent" needs a pid/],
    [{ ...CONTRACT_BODY, sessions: [{ ...CONTRACT_BODY.sessions[0], verdict: "x" }] }, /verdict/],
    [{ ...CONTRACT_BODY, sessions: [{ ...CONTRACT_BODY.sessions[0], inputs: -1 }] }, /inputs/],
  ];
  for (const [body, message] of malformed) {
    await withFakeAgent(
      () => typeof body === "string" ? new Response(body) : Response.json(body),
      async (agent) => {
        await assert.rejects(
          fetchSessionsDocument(parseTopArgs(["--agent", agent])),
          (error: Error) => {
            assert.ok(error instanceof EnvironmentError);
            assert.match(error.message, message);
            return true;
          },
        );
      },
    );
  }
  await withFakeAgent(() => Response.json({}), async (agent) => {
    const port = agent.split(":")[1];
    const args = parseTopArgs(["--agent", agent]);
    await assert.rejects(
      fetchSessionsDocument({ ...args, url: args.url.replace("/sessions", "/elsewhere") }),
      new EnvironmentError(
        `Cannot reach the agent at http://127.0.0.1:${port}/elsewhere (HTTP 404: no sessions endpoint there)`,
        { fix: `start it with --metrics-listen ${agent}` },
      ),
    );
  });
});

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

/** Runs `ghost-hunter top <args>` as its own process, stdout a pipe. */
function runTop(args: string[]): Promise<FinishedCommand> {
  return runToEnd(Deno.execPath(), [
    "run",
    "--quiet",
    "--allow-net=127.0.0.1",
    "--allow-read",
    MAIN,
    "top",
    ...args,
  ]);
}

Deno.test("ghost-hunter top --once: one plain frame from the agent, exit 0", async () => {
  await withFakeAgent(() => Response.json(CONTRACT_BODY), async (agent) => {
    const { code, stdout, stderr } = await runTop(["--once", "--agent", agent]);
    assert.equal(stderr, "");
    assert.equal(code, 0);
    assert.ok(!stdout.includes("\x1b"), "no screen control");
    const lines = stdout.trimEnd().split("\n");
    assert.match(
      lines[0]!,
      /^agent pid 1234 · dry-run yes · threshold 0\.72 · 2 sessions · updated \d\d:\d\d:\d\d$/,
    );
    assert.match(lines[2]!, /^pts\/4 +root +0\.93 +█ +jittered +2\.35 +80$/);
    assert.match(lines[3]!, /^pts\/3 +\S+ +0\.81 +▇ +alerted +- +42$/);
  });
});

Deno.test("ghost-hunter top: exit 1 with one line when the agent is unreachable, 2 on bad flags", async () => {
  const unused = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = unused.addr.port;
  unused.close();
  const unreachable = await runTop(["--agent", `127.0.0.1:${port}`]);
  assert.equal(unreachable.code, 1);
  assert.equal(unreachable.stdout, "", "the screen is left alone");
  assert.equal(
    unreachable.stderr,
    `ghost-hunter: Cannot reach the agent at http://127.0.0.1:${port}/sessions (Connection refused (os error 111)); start it with --metrics-listen 127.0.0.1:${port}\n`,
  );
  const bad = await runTop(["--interval", "0.01"]);
  assert.equal(bad.code, 2);
  assert.match(
    bad.stderr,
    /^ghost-hunter: Option --interval expects a number from 0.1 to 3600, got "0.01"\n$/,
  );
});
