import assert from "node:assert/strict";
import { UsageError } from "../../src/errors.ts";
import { parseTraceLine, readTrace, TraceFormatError } from "../../src/trace/trace_reader.ts";

async function collect(path: string, skipInvalid = false) {
  const invalid: string[] = [];
  const events = [];
  for await (
    const record of readTrace(path, {
      skipInvalid,
      onInvalid: (e) => invalid.push(e.message),
    })
  ) events.push(record);
  return { events, invalid };
}

async function withTrace(text: string, body: (path: string) => Promise<void>) {
  const path = await Deno.makeTempFile({ dir: "/tmp", suffix: ".jsonl" });
  try {
    await Deno.writeTextFile(path, text);
    await body(path);
  } finally {
    await Deno.remove(path);
  }
}

Deno.test("each malformed line gives the documented one-line error", () => {
  const cases: [string, string][] = [
    ["{oops", "not valid JSON"],
    ["[1, 2]", "not a JSON object"],
    ['{"session": "a", "dir": "in", "bytes": 1}', 'field "t" is missing'],
    ['{"t": "1", "session": "a", "dir": "in", "bytes": 1}', 'field "t" is not a number'],
    ['{"t": 1, "dir": "in", "bytes": 1}', 'field "session" is missing'],
    [
      '{"t": 1, "session": "", "dir": "in", "bytes": 1}',
      'field "session" is not a non-empty string of at most 256 characters',
    ],
    [
      `{"t": 1, "session": "${"p".repeat(257)}", "dir": "in", "bytes": 1}`,
      'field "session" is not a non-empty string of at most 256 characters',
    ],
    [
      '{"t": 1, "session": "a", "dir": "in", "bytes": 1, "pid": -1}',
      'field "pid" is not an integer ≥ 0',
    ],
    [
      '{"t": 1, "session": "a", "dir": "in", "bytes": 1, "uid": "0"}',
      'field "uid" is not an integer ≥ 0',
    ],
    [
      '{"t": 1, "session": "a", "dir": "in", "bytes": 1, "flags": 1.5}',
      'field "flags" is not an integer ≥ 0',
    ],
    [
      '{"t": 1, "session": "a", "dir": "in", "bytes": 1, "comm": {"name": "sh"}}',
      'field "comm" is not a string of at most 64 characters',
    ],
    [
      `{"t": 1, "session": "a", "dir": "in", "bytes": 1, "comm": "${"c".repeat(65)}"}`,
      'field "comm" is not a string of at most 64 characters',
    ],
    [
      `{"t": 1, "session": "a", "dir": "in", "bytes": 1, "pad": "${"x".repeat(65_536)}"}`,
      "longer than 65536 characters",
    ],
    ['{"t": 1, "session": "a", "dir": "up", "bytes": 1}', 'field "dir" is not "in" or "out"'],
    ['{"t": 1, "session": "a", "dir": "in"}', 'field "bytes" is missing'],
    ['{"t": 1, "session": "a", "dir": "in", "bytes": -1}', 'field "bytes" is not an integer ≥ 0'],
    ['{"t": 1, "session": "a", "dir": "in", "bytes": 1.5}', 'field "bytes" is not an integer ≥ 0'],
    ['{"ghost_hunter_trace": 2}', "unsupported trace version 2 (this build reads version 1)"],
    [
      '{"t": 1, "session": "a", "dir": "in", "bytes": 1, "shape": 6}',
      'field "shape" is not an input shape (an integer from 0 to 5)',
    ],
    [
      '{"t": 1, "session": "a", "dir": "in", "bytes": 1, "shape": "enter"}',
      'field "shape" is not an input shape (an integer from 0 to 5)',
    ],
  ];
  for (const [text, problem] of cases) {
    assert.throws(
      () => parseTraceLine(text, 1, "x.jsonl"),
      (error: unknown) => {
        assert.ok(error instanceof TraceFormatError);
        assert.ok(error instanceof UsageError, "exit status 2");
        assert.equal(
          error.message,
          `Cannot read trace file x.jsonl: line 1: ${problem}`,
        );
        return true;
      },
      text,
    );
  }
});

Deno.test("header on line 1 and extra fields are accepted, blank lines skipped", () => {
  assert.equal(parseTraceLine('{"ghost_hunter_trace": 1, "host": "h"}', 1, "f"), null);
  assert.equal(parseTraceLine("   ", 4, "f"), null);
  const event = parseTraceLine(
    '{"t": 1.5, "session": "pts/1", "dir": "out", "bytes": 0, "comm": "bash"}',
    2,
    "f",
  );
  assert.deepEqual(event, {
    t: 1.5,
    session: "pts/1",
    dir: "out",
    bytes: 0,
    comm: "bash",
  });
  // The optional shape of an input; a v1 line without it stays valid.
  assert.deepEqual(
    parseTraceLine('{"t": 2, "session": "pts/1", "dir": "in", "bytes": 40, "shape": 4}', 3, "f"),
    { t: 2, session: "pts/1", dir: "in", bytes: 40, shape: 4 },
  );
  assert.throws(
    () => parseTraceLine('{"ghost_hunter_trace": 1}', 3, "f"),
    /line 3: a trace header is only allowed on line 1$/,
  );
});

Deno.test("readTrace streams events with their line numbers (CRLF too)", async () => {
  const text = '{"ghost_hunter_trace": 1}\r\n' +
    '{"t": 1, "session": "a", "dir": "in", "bytes": 1}\r\n\r\n' +
    '{"t": 2, "session": "b", "dir": "in", "bytes": 3}';
  await withTrace(text, async (path) => {
    const { events } = await collect(path);
    assert.deepEqual(events.map((e) => [e.line, e.event.session]), [
      [2, "a"],
      [4, "b"],
    ]);
  });
});

Deno.test("time going backwards within a session is an error; across sessions it is fine", async () => {
  const text = [
    '{"t": 5, "session": "a", "dir": "in", "bytes": 1}',
    '{"t": 1, "session": "b", "dir": "in", "bytes": 1}',
    '{"t": 4, "session": "a", "dir": "in", "bytes": 1}',
  ].join("\n");
  await withTrace(text, async (path) => {
    await assert.rejects(
      collect(path),
      new RegExp(
        `^TraceFormatError: Cannot read trace file ${path}: line 3: field "t" goes back in time for session "a" \\(4 after 5\\)$`,
      ),
    );
  });
});

Deno.test("skipInvalid counts malformed lines and keeps going", async () => {
  const { events, invalid } = await collect(
    "tests/fixtures/malformed.jsonl",
    true,
  );
  assert.equal(events.length, 4);
  assert.deepEqual(invalid, [
    'Cannot read trace file tests/fixtures/malformed.jsonl: line 3: field "t" is not a number',
    "Cannot read trace file tests/fixtures/malformed.jsonl: line 5: not valid JSON",
  ]);
});

Deno.test("a missing file is a usage error naming it", async () => {
  await assert.rejects(
    collect("/tmp/ghost-hunter-no-such-trace.jsonl"),
    (error: unknown) =>
      error instanceof UsageError &&
      error.message.startsWith(
        "Cannot read trace file /tmp/ghost-hunter-no-such-trace.jsonl:",
      ),
  );
});

Deno.test("a directory is a usage error that says so", async () => {
  const dir = await Deno.makeTempDir({ dir: "/tmp" });
  try {
    await assert.rejects(
      collect(dir),
      (error: unknown) =>
        error instanceof UsageError &&
        error.message ===
          `Cannot read trace file ${dir}: it is a directory; give the path of a trace file`,
    );
  } finally {
    await Deno.remove(dir);
  }
});

Deno.test("an overlong line is one malformed line, never read whole, and the lines after it count on", async () => {
  // Far longer than one read, so the cut and the dropping span chunks.
  const long = "x".repeat(1_000_000);
  const text = `${long}\n{"t": 1, "session": "a", "dir": "in", "bytes": 1}\n${long}`;
  await withTrace(text, async (path) => {
    await assert.rejects(
      collect(path),
      (error: unknown) =>
        error instanceof TraceFormatError && error.line === 1 &&
        error.problem === "longer than 65536 characters",
    );
    const { events, invalid } = await collect(path, true);
    assert.deepEqual(events.map((e) => e.line), [2]);
    assert.deepEqual(invalid, [
      `Cannot read trace file ${path}: line 1: longer than 65536 characters`,
      `Cannot read trace file ${path}: line 3: longer than 65536 characters`,
    ]);
  });
});
