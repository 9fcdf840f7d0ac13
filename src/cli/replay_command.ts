/**
 * `ghost-hunter replay FILE`: scores a recorded trace offline.
 *
 * @module
 */
import { replay, type ReplayFormat } from "../pipeline/replay.ts";
import { DEFAULT_CONFIG } from "../config/defaults.ts";
import type { Command } from "./command.ts";
import { UsageError } from "../errors.ts";
import { parseCommandArgs } from "./parse_command_args.ts";
import { writeAllSync } from "../write_all.ts";

const HELP = `Usage: ghost-hunter replay FILE [options]

Runs a timing trace (format v1, JSON Lines; FILE "-" reads stdin) through the
scorer the live agent uses. Prints alerts as they happen and one summary per
session.

Options:
  --format json|table   json: one JSON line per alert (ECS) and per session
                        summary; table: readable (default table)
  --threshold X         alert threshold, 0 to 1 (default ${DEFAULT_CONFIG.threshold})
  --skip-invalid        skip malformed lines, count and report them
                        (default: stop at the first one, exit 2)
  --max-sessions N      sessions tracked at once (default 100000)

Examples:
  ghost-hunter replay session.jsonl
  ghost-hunter record | ghost-hunter replay - --format json --threshold 0.8`;

/** Parses replay's arguments; throws {@linkcode UsageError} on a bad one. */
export function parseReplayArgs(args: string[]): {
  path: string;
  format: ReplayFormat;
  threshold: number;
  skipInvalid: boolean;
  maxSessions: number;
} {
  const parsed = parseCommandArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      format: { type: "string", default: "table" },
      threshold: { type: "string" },
      "skip-invalid": { type: "boolean", default: false },
      "max-sessions": { type: "string" },
    },
  }, { command: "replay" });
  const { values, positionals } = parsed;
  if (positionals.length !== 1) {
    throw new UsageError(
      `Replay needs exactly one trace FILE (or "-" for stdin), got ${positionals.length}.`,
    );
  }
  const format = values.format;
  if (format !== "json" && format !== "table") {
    throw new UsageError(
      `Option --format must be "json" or "table", got "${format}".`,
    );
  }
  let threshold = DEFAULT_CONFIG.threshold;
  if (values.threshold !== undefined) {
    threshold = Number(values.threshold);
    if (
      values.threshold.trim() === "" || !(threshold >= 0 && threshold <= 1)
    ) {
      throw new UsageError(
        `Option --threshold must be a number from 0 to 1, got "${values.threshold}".`,
      );
    }
  }
  let maxSessions = 100_000;
  if (values["max-sessions"] !== undefined) {
    maxSessions = Number(values["max-sessions"]);
    if (!Number.isSafeInteger(maxSessions) || maxSessions < 1) {
      throw new UsageError(
        `Option --max-sessions must be an integer ≥ 1, got "${values["max-sessions"]}".`,
      );
    }
  }
  return {
    path: positionals[0]!,
    format,
    threshold,
    skipInvalid: values["skip-invalid"],
    maxSessions,
  };
}

/** The `replay` subcommand. */
export const replayCommand: Command = {
  name: "replay",
  summary: "score a recorded timing trace offline",
  help: HELP,
  async run(args: string[]): Promise<number> {
    const options = parseReplayArgs(args);
    const encoder = new TextEncoder();
    const result = await replay(options, (line) => {
      writeAllSync(Deno.stdout, encoder.encode(line + "\n"));
    });
    if (options.format === "json" && result.invalidLines.length > 0) {
      const first = result.invalidLines[0]!;
      console.error(
        `ghost-hunter: skipped ${result.invalidLines.length} invalid line(s) in ${first.file}; first: line ${first.line}: ${first.problem}.`,
      );
    }
    return 0;
  },
};
