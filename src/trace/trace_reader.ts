/**
 * Reads trace format v1 (JSON Lines, see trace_event.ts) from a file or
 * stdin, streaming line by line. A malformed line is an error naming the
 * file, the line number and the problem, unless invalid lines are skipped,
 * in which case each is reported to a callback.
 *
 * @module
 */
import { UsageError } from "../errors.ts";
import { isInputShape } from "../score/input_shape.ts";
import { TRACE_FORMAT_VERSION, type TraceEvent } from "./trace_event.ts";

/** One event and the line it came from (1-based). */
export interface TraceLine {
  line: number;
  event: TraceEvent;
}

/** A malformed trace line: names the file, the line and the problem (exit 2). */
export class TraceFormatError extends UsageError {
  /** @param file Path, or "stdin". @param line 1-based. @param problem What is wrong. */
  constructor(
    readonly file: string,
    readonly line: number,
    readonly problem: string,
  ) {
    super(`Cannot read trace file ${file}: line ${line}: ${problem}`);
    this.name = "TraceFormatError";
  }
}

/** Options of {@linkcode readTrace}. */
export interface ReadTraceOptions {
  /** Skip malformed lines instead of throwing. */
  skipInvalid?: boolean;
  /** Called for each skipped line when `skipInvalid` is set. */
  onInvalid?: (error: TraceFormatError) => void;
}

/**
 * Parses one line's text. Returns the event, or null for the optional
 * header (allowed on line 1 only) and for blank lines. Throws
 * {@linkcode TraceFormatError} for a malformed line.
 */
export function parseTraceLine(
  text: string,
  line: number,
  file: string,
): TraceEvent | null {
  const fail = (problem: string): never => {
    throw new TraceFormatError(file, line, problem);
  };
  if (text.trim() === "") return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    fail("not valid JSON");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return fail("not a JSON object");
  }
  const record = value as Record<string, unknown>;
  if ("ghost_hunter_trace" in record) {
    if (line !== 1) fail("a trace header is only allowed on line 1");
    if (record.ghost_hunter_trace !== TRACE_FORMAT_VERSION) {
      fail(
        `unsupported trace version ${
          JSON.stringify(record.ghost_hunter_trace)
        } (this build reads version ${TRACE_FORMAT_VERSION})`,
      );
    }
    return null;
  }
  const { t, session, dir, bytes } = record;
  if (t === undefined) fail('field "t" is missing');
  if (typeof t !== "number" || !Number.isFinite(t)) {
    fail('field "t" is not a number');
  }
  if (session === undefined) fail('field "session" is missing');
  if (typeof session !== "string" || session === "") {
    fail('field "session" is not a non-empty string');
  }
  if (dir !== "in" && dir !== "out") fail('field "dir" is not "in" or "out"');
  if (bytes === undefined) fail('field "bytes" is missing');
  if (typeof bytes !== "number" || !Number.isSafeInteger(bytes) || bytes < 0) {
    fail('field "bytes" is not an integer ≥ 0');
  }
  if (record.shape !== undefined && !isInputShape(record.shape)) {
    fail('field "shape" is not an input shape (an integer from 0 to 5)');
  }
  return record as unknown as TraceEvent;
}

/**
 * Streams a trace's events from `path` ("-" for stdin). Also checks that
 * `t` never goes backwards within a session.
 */
export async function* readTrace(
  path: string,
  options: ReadTraceOptions = {},
): AsyncGenerator<TraceLine> {
  const file = path === "-" ? "stdin" : path;
  let readable: ReadableStream<Uint8Array>;
  if (path === "-") {
    readable = Deno.stdin.readable;
  } else {
    try {
      readable = (await Deno.open(path)).readable;
    } catch (error) {
      throw new UsageError(
        `Cannot read trace file ${path}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  const lastT = new Map<string, number>();
  let line = 0;
  for await (const batch of lineBatches(readable)) {
    for (const text of batch) {
      line += 1;
      let event: TraceEvent | null;
      try {
        event = parseTraceLine(text, line, file);
        if (event !== null) {
          const previous = lastT.get(event.session);
          if (previous !== undefined && event.t < previous) {
            throw new TraceFormatError(
              file,
              line,
              `field "t" goes back in time for session "${event.session}" (${event.t} after ${previous})`,
            );
          }
        }
      } catch (error) {
        if (error instanceof TraceFormatError && options.skipInvalid) {
          options.onInvalid?.(error);
          continue;
        }
        throw error;
      }
      if (event === null) continue;
      lastT.set(event.session, event.t);
      yield { line, event };
    }
  }
}

/**
 * Splits a byte stream into lines (without "\n" or "\r\n"), one batch per
 * chunk read: one await per chunk rather than per line.
 */
async function* lineBatches(
  readable: ReadableStream<Uint8Array>,
): AsyncGenerator<string[]> {
  let pending = "";
  for await (const chunk of readable.pipeThrough(new TextDecoderStream())) {
    const parts = (pending + chunk).split("\n");
    pending = parts.pop()!;
    yield parts.map(stripCr);
  }
  if (pending !== "") yield [stripCr(pending)];
}

function stripCr(text: string): string {
  return text.endsWith("\r") ? text.slice(0, -1) : text;
}
