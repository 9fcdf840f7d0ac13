/**
 * `ghost-hunter record`: streams the live timing trace, one JSON line per
 * terminal event, to stdout or a file.
 *
 * @module
 */
import type { Command } from "./command.ts";
import { numberOption, parseCommandArgs } from "./parse_command_args.ts";
import { CONFIG_SCHEMA, positiveNumber } from "../config/config_schema.ts";
import { DEFAULT_CONFIG } from "../config/defaults.ts";
import { TerminalEventSource } from "../kernel/terminal_event_source.ts";
import { formatTraceEvent, TRACE_FORMAT_VERSION } from "../trace/trace_event.ts";
import { isTerminalIo, traceEventFromProbe } from "../trace/trace_from_probe.ts";
import { shutdownSignal } from "../shutdown_signal.ts";
import { appendWhole, writeAll } from "../write_all.ts";
import { openOwnFile, SymbolicLinkError } from "../open_own_file.ts";
import { EnvironmentError, UsageError } from "../errors.ts";

const HELP = `Usage: ghost-hunter record [-o FILE] [--duration SECONDS] [--ring-buffer-bytes N]

Streams the timing of every terminal read and write on this machine as a
trace (JSON Lines, format version 1): sizes and times only, never content.
Stops on SIGINT or SIGTERM, or after --duration.

Options:
  -o, --output FILE          write the trace to FILE (mode 0600) instead of stdout
      --duration SECONDS     stop after SECONDS (default: run until a signal)
      --ring-buffer-bytes N  kernel ring buffer size, ${CONFIG_SCHEMA.limits.ring_buffer_bytes.expected} (default ${DEFAULT_CONFIG.limits.ring_buffer_bytes})

Examples:
  sudo ./ghost-hunter record -o /var/tmp/session.jsonl
  sudo ./ghost-hunter record --duration 60 | ./ghost-hunter replay -`;

/** Options of {@link record}. */
export interface RecordOptions {
  /** File path, or undefined for stdout. */
  output?: string;
  /** Stop after this many seconds; undefined runs until SIGINT/SIGTERM. */
  durationSeconds?: number;
  /** Kernel ring buffer size in bytes. */
  ringBufferBytes: number;
}

const DURATION_SECONDS = positiveNumber();

/** Parses record's arguments; throws a UsageError on a bad one. */
export function parseRecordArgs(args: string[]): RecordOptions {
  const { values } = parseCommandArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      output: { type: "string", short: "o" },
      duration: { type: "string" },
      "ring-buffer-bytes": { type: "string" },
    },
  }, {
    command: "record",
    expects: (option) =>
      option === "--ring-buffer-bytes"
        ? CONFIG_SCHEMA.limits.ring_buffer_bytes.expected
        : option === "--duration"
        ? DURATION_SECONDS.expected
        : "a file path",
  });
  const ringBytesText = values["ring-buffer-bytes"];
  return {
    output: values.output,
    durationSeconds: values.duration === undefined
      ? undefined
      : numberOption("--duration", values.duration, DURATION_SECONDS),
    ringBufferBytes: ringBytesText === undefined
      ? DEFAULT_CONFIG.limits.ring_buffer_bytes
      : numberOption("--ring-buffer-bytes", ringBytesText, CONFIG_SCHEMA.limits.ring_buffer_bytes),
  };
}

/**
 * Creates (or truncates) the trace file, mode 0600, never through a symbolic link; a path that
 * cannot be written is a usage error.
 */
function openOutput(path: string): Deno.FsFile {
  try {
    return openOwnFile(path, { truncate: true });
  } catch (error) {
    if (error instanceof SymbolicLinkError) {
      throw new UsageError(
        `Cannot open the trace file ${path}: it is a symbolic link, which is not followed; give the path of the file itself, or leave out --output to write to stdout`,
      );
    }
    const reason = error instanceof Error ? error.message : String(error);
    throw new UsageError(
      `Cannot open the trace file ${path} (${reason}); check that its directory exists and is writable, or leave out --output to write to stdout`,
    );
  }
}

/** Records until stopped; resolves to the exit status. */
export async function record(options: RecordOptions): Promise<number> {
  using signal = shutdownSignal(
    options.durationSeconds === undefined ? undefined : options.durationSeconds * 1000,
  );
  await using source = await TerminalEventSource.open({
    ringBufferBytes: options.ringBufferBytes,
    jitterMapEntries: 1,
  });
  // Opened only once the probe is attached: a failed start leaves no file behind.
  using file = options.output === undefined ? undefined : openOutput(options.output);
  const target = options.output ?? "stdout";
  const encoder = new TextEncoder();
  const write = async (text: string) => {
    try {
      const bytes = encoder.encode(text);
      // A file keeps whole lines only, so a trace cut short by a full disk still replays.
      if (file === undefined) await writeAll(Deno.stdout, bytes);
      else await appendWhole(file, bytes);
    } catch (error) {
      // A closed pipe ends the command quietly (main.ts); anything else is one line.
      if (error instanceof Deno.errors.BrokenPipe) throw error;
      throw new EnvironmentError(
        `Cannot write the trace to ${target}: ${
          error instanceof Error ? error.message : String(error)
        }`,
        { fix: "free some space, or give --output another path" },
      );
    }
  };
  const header = {
    ghost_hunter_trace: TRACE_FORMAT_VERSION,
    clock: "CLOCK_MONOTONIC",
    started: new Date().toISOString(),
  };
  await write(`${JSON.stringify(header)}\n`);
  let events = 0;
  await source.pump(async (batch) => {
    const traced = batch.filter(isTerminalIo);
    events += traced.length;
    const lines = traced.map((event) => `${formatTraceEvent(traceEventFromProbe(event))}\n`).join(
      "",
    );
    await write(lines);
  }, signal);
  const counters = source.counters();
  console.error(JSON.stringify({
    level: "info",
    message: "recording stopped",
    events,
    kernel_drops: Number(counters.ringbufDrops),
    password_skips: Number(counters.passwordSkips),
  }));
  return 0;
}

/** The `record` subcommand. */
export const recordCommand: Command = {
  name: "record",
  summary: "stream the live terminal timing trace (JSON Lines)",
  help: HELP,
  run: (args) => record(parseRecordArgs(args)),
};
