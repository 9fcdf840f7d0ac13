/**
 * Hostile input to the trace reader (`parseTraceLine`, `readTrace`), with
 * random JSON values, random bytes and generated traces written to files
 * under /tmp:
 * - the only error for a malformed line is a TraceFormatError naming the
 *   file and the line, and it is the first malformed line; the events before
 *   it were yielded;
 * - with `skipInvalid`, no error at all: exactly the valid lines are yielded
 *   and exactly the malformed ones reported;
 * - `t` going backwards within a session is the documented error, and the
 *   skipped line does not move that session's clock;
 * - huge byte counts, zero deltas, equal timestamps, interleaved sessions and
 *   pids reused across sessions are accepted.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import type { TraceEvent } from "../../src/trace/trace_event.ts";
import {
  parseTraceLine,
  readTrace,
  TraceFormatError,
  type TraceLine,
} from "../../src/trace/trace_reader.ts";

const FILE = "/tmp/hostile.jsonl";

/** Runs `body` on a temp file under /tmp holding `content`, then removes it. */
async function withTraceFile<T>(
  content: string | Uint8Array,
  body: (path: string) => Promise<T>,
): Promise<T> {
  const path = await Deno.makeTempFile({ dir: "/tmp", prefix: "gh-fuzz-", suffix: ".jsonl" });
  try {
    if (typeof content === "string") await Deno.writeTextFile(path, content);
    else await Deno.writeFile(path, content);
    return await body(path);
  } finally {
    await Deno.remove(path);
  }
}

/** What reading a trace gave: the events, the skipped lines, and the error that stopped it. */
interface Outcome {
  events: TraceLine[];
  skipped: TraceFormatError[];
  error?: unknown;
}

async function read(path: string, skipInvalid: boolean): Promise<Outcome> {
  const outcome: Outcome = { events: [], skipped: [] };
  try {
    for await (
      const line of readTrace(path, {
        skipInvalid,
        onInvalid: (error) => outcome.skipped.push(error),
      })
    ) outcome.events.push(line);
  } catch (error) {
    outcome.error = error;
  }
  return outcome;
}

function assertDocumentedError(error: unknown, file: string, maxLine: number): TraceFormatError {
  assert.ok(error instanceof TraceFormatError, `a TraceFormatError, got ${error}`);
  assert.equal(error.file, file);
  assert.ok(
    Number.isInteger(error.line) && error.line >= 1 && error.line <= maxLine,
    `line ${error.line} of ${maxLine}`,
  );
  assert.equal(
    error.message,
    `Cannot read trace file ${file}: line ${error.line}: ${error.problem}`,
  );
  assert.ok(!error.problem.includes("\n"), "a one-line problem");
  return error;
}

/** The documented shape of an accepted event. */
function assertValidEvent(event: TraceEvent): void {
  assert.ok(Number.isFinite(event.t), `t = ${event.t}`);
  assert.ok(typeof event.session === "string" && event.session !== "");
  assert.ok(event.dir === "in" || event.dir === "out");
  assert.ok(Number.isSafeInteger(event.bytes) && event.bytes >= 0, `bytes = ${event.bytes}`);
}

Deno.test("fuzz: any JSON value on a line is an event, nothing, or a TraceFormatError for that line", () => {
  const nearEvent = fc.record(
    {
      t: fc.oneof(fc.double(), fc.jsonValue()),
      session: fc.oneof(fc.constantFrom("pts/0", ""), fc.jsonValue()),
      dir: fc.oneof(fc.constantFrom("in", "out", "IN"), fc.jsonValue()),
      bytes: fc.oneof(fc.integer(), fc.constantFrom(2 ** 53, 1.5, -1), fc.jsonValue()),
      ghost_hunter_trace: fc.oneof(fc.constant(1), fc.jsonValue()),
    },
    { requiredKeys: [] },
  );
  fc.assert(
    fc.property(
      fc.oneof(fc.jsonValue(), nearEvent),
      fc.integer({ min: 1, max: 1_000_000 }),
      (value, line) => {
        const text = JSON.stringify(value) ?? "";
        let event: TraceEvent | null;
        try {
          event = parseTraceLine(text, line, FILE);
        } catch (error) {
          assert.equal(assertDocumentedError(error, FILE, line).line, line);
          return;
        }
        if (event !== null) assertValidEvent(event);
      },
    ),
    { numRuns: 5000 },
  );
});

Deno.test("fuzz: any bytes give events, or the first malformed line as a TraceFormatError; skipInvalid never throws", async () => {
  const lineOfJunk = fc.oneof(
    fc.string({ unit: "binary" }),
    fc.jsonValue().map((value) => JSON.stringify(value) ?? ""),
    fc.constant('{"t":1,"session":"pts/0","dir":"in","bytes":1}'),
  );
  const content = fc.oneof(
    fc.uint8Array({ maxLength: 512 }),
    fc.array(lineOfJunk, { maxLength: 12 }).map((lines) =>
      new TextEncoder().encode(lines.join("\n"))
    ),
  );
  await fc.assert(
    fc.asyncProperty(content, async (bytes) => {
      const lineCount = new TextDecoder().decode(bytes).split("\n").length;
      await withTraceFile(bytes, async (path) => {
        const strict = await read(path, false);
        const lenient = await read(path, true);
        assert.equal(lenient.error, undefined, `skipInvalid threw ${lenient.error}`);
        assert.deepEqual(strict.skipped, [], "onInvalid is only called with skipInvalid");
        for (const { event } of lenient.events) assertValidEvent(event);
        if (strict.error === undefined) {
          assert.deepEqual(strict.events, lenient.events);
          assert.deepEqual(lenient.skipped, []);
          return;
        }
        const stop = assertDocumentedError(strict.error, path, lineCount);
        // The strict read stops at the first line the lenient read skips.
        assert.ok(lenient.skipped.length >= 1);
        assert.equal(stop.line, lenient.skipped[0]!.line);
        assert.deepEqual(
          strict.events,
          lenient.events.filter(({ line }) => line < stop.line),
        );
        for (const skipped of lenient.skipped) assertDocumentedError(skipped, path, lineCount);
      });
    }),
    { numRuns: 300 },
  );
});

/** One line of a generated trace. */
type LineSpec =
  | { kind: "event"; session: string; dtMs: number; dir: "in" | "out"; bytes: number; pid: number }
  | { kind: "backwards"; session: string; backMs: number }
  | { kind: "blank" }
  | { kind: "malformed"; text: string; problem: RegExp };

const SESSIONS = ["pts/0", "pts/1", "tty1", "ttyS0"];

const MALFORMED: { text: string; problem: RegExp }[] = [
  { text: "{oops", problem: /^not valid JSON$/ },
  { text: "[1,2]", problem: /^not a JSON object$/ },
  { text: "null", problem: /^not a JSON object$/ },
  { text: '{"session":"pts/0","dir":"in","bytes":1}', problem: /"t" is missing/ },
  { text: '{"t":"1","session":"pts/0","dir":"in","bytes":1}', problem: /"t" is not a number/ },
  { text: '{"t":1e400,"session":"pts/0","dir":"in","bytes":1}', problem: /"t" is not a number/ },
  { text: '{"t":1,"session":"","dir":"in","bytes":1}', problem: /"session" is not/ },
  { text: '{"t":1,"session":"pts/0","dir":"up","bytes":1}', problem: /"dir" is not/ },
  { text: '{"t":1,"session":"pts/0","dir":"in","bytes":-1}', problem: /"bytes" is not/ },
  { text: '{"t":1,"session":"pts/0","dir":"in","bytes":1.5}', problem: /"bytes" is not/ },
  {
    text: '{"t":1,"session":"pts/0","dir":"in","bytes":9007199254740992}',
    problem: /"bytes" is not/,
  },
  { text: '{"ghost_hunter_trace":1}', problem: /header is only allowed on line 1/ },
];

const lineSpec: fc.Arbitrary<LineSpec> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant("event" as const),
      session: fc.constantFrom(...SESSIONS),
      // Zero deltas give equal timestamps.
      dtMs: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1e6, noNaN: true })),
      dir: fc.constantFrom("in" as const, "out" as const),
      bytes: fc.oneof(fc.constantFrom(0, Number.MAX_SAFE_INTEGER), fc.maxSafeNat()),
      // Few pids, so the same pid shows up in several sessions (pid reuse).
      pid: fc.integer({ min: 1, max: 3 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("backwards" as const),
      session: fc.constantFrom(...SESSIONS),
      backMs: fc.double({ min: 1, max: 1e6, noNaN: true }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: "blank" as const }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(...MALFORMED).map((m) => ({ kind: "malformed" as const, ...m })),
  },
);

/** A generated trace's text and what a reader must make of each line. */
interface GeneratedTrace {
  text: string;
  events: TraceLine[];
  invalid: { line: number; problem: RegExp }[];
}

/**
 * Writes the trace `specs` describe, starting at `startMs`, and works out the
 * expected outcome: a session's clock moves only with the events accepted.
 */
function generateTrace(
  specs: LineSpec[],
  startMs: number,
  header: boolean,
  crlf: boolean,
): GeneratedTrace {
  // Line 1 is the header or blank, so a misplaced header below is always malformed.
  const lines = [header ? '{"ghost_hunter_trace":1,"clock":"CLOCK_MONOTONIC"}' : ""];
  const lastT = new Map<string, number>();
  const events: TraceLine[] = [];
  const invalid: { line: number; problem: RegExp }[] = [];
  for (const spec of specs) {
    const line = lines.length + 1;
    if (spec.kind === "blank") {
      lines.push("");
    } else if (spec.kind === "malformed") {
      lines.push(spec.text);
      invalid.push({ line, problem: spec.problem });
    } else if (spec.kind === "backwards" && lastT.has(spec.session)) {
      const t = lastT.get(spec.session)! - spec.backMs;
      lines.push(JSON.stringify({ t, session: spec.session, dir: "in", bytes: 1 }));
      invalid.push({ line, problem: /goes back in time for session/ });
    } else {
      const { session } = spec;
      const [dtMs, dir, bytes, pid] = spec.kind === "event"
        ? [spec.dtMs, spec.dir, spec.bytes, spec.pid]
        : [0, "in" as const, 1, 1];
      const t = (lastT.get(session) ?? startMs) + dtMs;
      lastT.set(session, t);
      const event: TraceEvent = {
        t,
        session,
        dir,
        bytes,
        pid,
        comm: "sh",
        extra: [1],
      } as TraceEvent;
      lines.push(JSON.stringify(event));
      events.push({ line, event });
    }
  }
  return { text: lines.join(crlf ? "\r\n" : "\n"), events, invalid };
}

const generatedTrace = fc
  .tuple(
    fc.array(lineSpec, { maxLength: 40, size: "max" }),
    fc.double({ min: -1e9, max: 1e12, noNaN: true }),
    fc.boolean(),
    fc.boolean(),
  )
  .map(([specs, startMs, header, crlf]) => generateTrace(specs, startMs, header, crlf));

Deno.test("fuzz: skipInvalid yields exactly the valid lines and reports exactly the malformed ones", async () => {
  await fc.assert(
    fc.asyncProperty(generatedTrace, async (trace) => {
      await withTraceFile(trace.text, async (path) => {
        const { events, skipped, error } = await read(path, true);
        assert.equal(error, undefined, `skipInvalid threw ${error}`);
        assert.deepEqual(events, trace.events);
        assert.equal(skipped.length, trace.invalid.length, "count of skipped lines");
        skipped.forEach((reported, i) => {
          assert.equal(reported.line, trace.invalid[i]!.line);
          assert.match(reported.problem, trace.invalid[i]!.problem);
          assertDocumentedError(reported, path, Number.MAX_SAFE_INTEGER);
        });
      });
    }),
    { numRuns: 300 },
  );
});

Deno.test("fuzz: without skipInvalid the first malformed line stops the read, after the events before it", async () => {
  await fc.assert(
    fc.asyncProperty(generatedTrace, async (trace) => {
      await withTraceFile(trace.text, async (path) => {
        const { events, error } = await read(path, false);
        const first = trace.invalid[0];
        if (first === undefined) {
          assert.equal(error, undefined, `a valid trace threw ${error}`);
          assert.deepEqual(events, trace.events);
          return;
        }
        const stop = assertDocumentedError(error, path, first.line);
        assert.equal(stop.line, first.line);
        assert.match(stop.problem, first.problem);
        assert.deepEqual(events, trace.events.filter(({ line }) => line < first.line));
      });
    }),
    { numRuns: 300 },
  );
});

Deno.test("huge byte counts, zero deltas, equal timestamps, interleaved sessions and reused pids are accepted", async () => {
  const lines = [
    { t: 5, session: "pts/1", dir: "in", bytes: Number.MAX_SAFE_INTEGER, pid: 7 },
    { t: 5, session: "pts/1", dir: "out", bytes: 0, pid: 7 },
    { t: 3, session: "pts/2", dir: "in", bytes: 1, pid: 7 },
    { t: 5, session: "pts/1", dir: "in", bytes: 1, pid: 8 },
    { t: 3, session: "pts/2", dir: "out", bytes: 2 ** 40, pid: 8 },
  ];
  await withTraceFile(lines.map((line) => JSON.stringify(line)).join("\n"), async (path) => {
    const { events, error } = await read(path, false);
    assert.equal(error, undefined);
    assert.deepEqual(events.map(({ event }) => event), lines);
  });
});

Deno.test("t going back by the smallest step within a session is the documented error", async () => {
  const t = 852279.118;
  const earlier = t - 0.001;
  const text = [
    JSON.stringify({ t, session: "pts/4", dir: "in", bytes: 1 }),
    JSON.stringify({ t: earlier, session: "pts/4", dir: "in", bytes: 1 }),
  ].join("\n");
  await withTraceFile(text, async (path) => {
    const { events, error } = await read(path, false);
    assert.equal(events.length, 1);
    assert.ok(error instanceof TraceFormatError);
    assert.equal(
      error.message,
      `Cannot read trace file ${path}: line 2: field "t" goes back in time for session "pts/4" (${earlier} after ${t})`,
    );
  });
});
