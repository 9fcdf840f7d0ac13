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

/**
 * Longest trace line read, in characters: a real event line is under 300,
 * so anything longer is not a trace (and is never held whole in memory).
 */
export const MAX_TRACE_LINE_CHARS = 65_536;
/** Longest session name accepted (the probe's are like `pts/12`). */
export const MAX_SESSION_CHARS = 256;
/** Longest command name accepted (the kernel's are at most 15 bytes). */
export const MAX_COMM_CHARS = 64;

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
  if (text.length > MAX_TRACE_LINE_CHARS) {
    fail(`longer than ${MAX_TRACE_LINE_CHARS} characters`);
  }
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
  if (typeof session !== "string" || session === "" || session.length > MAX_SESSION_CHARS) {
    fail(`field "session" is not a non-empty string of at most ${MAX_SESSION_CHARS} characters`);
  }
  if (dir !== "in" && dir !== "out") fail('field "dir" is not "in" or "out"');
  if (bytes === undefined) fail('field "bytes" is missing');
  if (typeof bytes !== "number" || !Number.isSafeInteger(bytes) || bytes < 0) {
    fail('field "bytes" is not an integer ≥ 0');
  }
  if (record.shape !== undefined && !isInputShape(record.shape)) {
    fail('field "shape" is not an input shape (an integer from 0 to 5)');
  }
  for (const field of ["pid", "uid", "flags"] as const) {
    const value = record[field];
    if (value !== undefined && !(Number.isSafeInteger(value) && (value as number) >= 0)) {
      fail(`field "${field}" is not an integer ≥ 0`);
    }
  }
  const comm = record.comm;
  if (comm !== undefined && (typeof comm !== "string" || comm.length > MAX_COMM_CHARS)) {
    fail(`field "comm" is not a string of at most ${MAX_COMM_CHARS} characters`);
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
  const cannotRead = (problem: string) =>
    new UsageError(`Cannot read trace file ${file}: ${problem}`);
  let readable: ReadableStream<Uint8Array>;
  if (path === "-") {
    readable = Deno.stdin.readable;
  } else {
    let opened: Deno.FsFile;
    try {
      opened = await Deno.open(path);
    } catch (error) {
      throw cannotRead(messageOf(error));
    }
    if ((await opened.stat()).isDirectory) {
      opened.close();
      throw cannotRead("it is a directory; give the path of a trace file");
    }
    readable = opened.readable;
  }
  const lastT = new Map<string, number>();
  let line = 0;
  const batches = lineBatches(readable);
  try {
    while (true) {
      let next: IteratorResult<string[]>;
      try {
        next = await batches.next();
      } catch (error) {
        throw cannotRead(messageOf(error));
      }
      if (next.done) break;
      const batch = next.value;
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
  } finally {
    // A reader that stops early closes the file.
    await batches.return(undefined);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Splits a byte stream into lines (without "\n" or "\r\n"), one batch per
 * chunk read: one await per chunk rather than per line. A line longer than
 * {@linkcode MAX_TRACE_LINE_CHARS} is cut one character past the limit (so
 * the parser rejects it) and the rest of it is dropped unread into memory.
 */
async function* lineBatches(
  readable: ReadableStream<Uint8Array>,
): AsyncGenerator<string[]> {
  let pending = "";
  let dropping = false;
  for await (const chunk of readable.pipeThrough(new TextDecoderStream())) {
    const parts = (pending + chunk).split("\n");
    pending = parts.pop()!;
    if (dropping && parts.length > 0) {
      parts.shift();
      dropping = false;
    }
    if (dropping) {
      pending = "";
      continue;
    }
    if (pending.length > MAX_TRACE_LINE_CHARS) {
      parts.push(pending.slice(0, MAX_TRACE_LINE_CHARS + 1));
      pending = "";
      dropping = true;
    }
    yield parts.map(stripCr);
  }
  if (pending !== "" && !dropping) yield [stripCr(pending)];
}

function stripCr(text: string): string {
  return text.endsWith("\r") ? text.slice(0, -1) : text;
}
