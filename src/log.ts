/**
 * Structured logging through LogTape: one JSON object per line on stderr
 * (`@timestamp`, `level`, `message`, `logger`, `properties`), from the
 * `ghost-hunter` category and its children, at the configured level and up.
 *
 * @module
 */
import { configure, getJsonLinesFormatter } from "@logtape/logtape";
import type { LogLevel } from "./config/config.ts";
import { writeAllSync } from "./write_all.ts";

/** The root logger category; modules log under it, e.g. `["ghost-hunter", "scorer"]`. */
export const LOG_CATEGORY = ["ghost-hunter"] as const;

/** Options of {@linkcode setupLogging}. */
export interface LoggingOptions {
  /** Lowest level written. */
  level: LogLevel;
  /** Receives each formatted line (with its newline); default: stderr. */
  write?: (line: string) => void;
}

function writeToStderr(line: string): void {
  // Synchronous so that records written just before Deno.exit are not lost.
  writeAllSync(Deno.stderr, new TextEncoder().encode(line));
}

/**
 * Routes the `ghost-hunter` loggers (and LogTape's own warnings) to JSON
 * lines on stderr. Replaces any previous LogTape configuration.
 */
export async function setupLogging(options: LoggingOptions): Promise<void> {
  const format = getJsonLinesFormatter();
  const write = options.write ?? writeToStderr;
  await configure({
    reset: true,
    sinks: { stderr: (record) => write(format(record)) },
    loggers: [
      { category: [...LOG_CATEGORY], lowestLevel: options.level, sinks: ["stderr"] },
      { category: ["logtape", "meta"], lowestLevel: "warning", sinks: ["stderr"] },
    ],
  });
}
