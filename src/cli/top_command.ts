/**
 * `ghost-hunter top`: a live view of the running agent's sessions, read
 * from its `GET /sessions` endpoint (the agent's `--metrics-listen`
 * address). It starts no probe of its own and needs no privileges.
 *
 * @module
 */
import { LISTEN_ADDRESS_FORMAT, parseListenAddress } from "../config/listen_address.ts";
import { shutdownSignal } from "../shutdown_signal.ts";
import { numberOption, parseCommandArgs } from "./parse_command_args.ts";
import { numberFrom } from "../config/config_schema.ts";
import { renderTopFrame, ScoreHistory, sparklineWidth, userNamesFromPasswd } from "./top_view.ts";
import { parseSessionsDocument, type SessionsDocument } from "../pipeline/sessions_document.ts";
import type { Command } from "./command.ts";
import { EnvironmentError, UsageError } from "../errors.ts";
import { writeAll } from "../write_all.ts";

const DEFAULT_AGENT = "127.0.0.1:9464";
const DEFAULT_INTERVAL_SECONDS = 1;
const INTERVAL_SECONDS = numberFrom(0.1, 3600);
/** Longest wait for one answer from the agent. */
const REQUEST_TIMEOUT_MS = 5000;
/** Frame size when stdout is not a terminal: a usual width, and every session. */
const PIPE_SIZE = { columns: 80, rows: Infinity };

const HIDE_CURSOR = "\x1b[?25l";
const SHOW_CURSOR = "\x1b[?25h";
const ENTER_ALTERNATE_SCREEN = "\x1b[?1049h";
const LEAVE_ALTERNATE_SCREEN = "\x1b[?1049l";
const CURSOR_HOME = "\x1b[H";
const ERASE_TO_END_OF_LINE = "\x1b[K";
const ERASE_BELOW = "\x1b[J";

const HELP = `Usage: ghost-hunter top [--agent HOST:PORT] [--interval SECONDS] [--once]

Shows the running agent's terminal sessions, refreshed in place: terminal,
user, score with a sparkline of its history, verdict, λ and input count,
highest score first. Reads the agent's GET /sessions, so the agent must run
with --metrics-listen at the same address; it starts no probe and needs no
privileges. Ctrl-C quits.

Options:
  --agent HOST:PORT     the agent's --metrics-listen address (default ${DEFAULT_AGENT})
  --interval SECONDS    time between refreshes, 0.1 to 3600 (default ${DEFAULT_INTERVAL_SECONDS})
  --once                print one frame without screen control and exit
                        (every session when stdout is not a terminal)

Examples:
  sudo ./ghost-hunter --metrics-listen 127.0.0.1:9464 &
  ./ghost-hunter top
  ./ghost-hunter top --agent 127.0.0.1:9500 --interval 0.5
  ./ghost-hunter top --once`;

/** What `top` was asked to do. */
export interface TopArgs {
  /** The agent's address, as given: `127.0.0.1:9464`. */
  agent: string;
  /** The agent's sessions endpoint. */
  url: string;
  /** Seconds between refreshes. */
  intervalSeconds: number;
  /** Print one frame and exit. */
  once: boolean;
}

/** Parses top's arguments; throws {@linkcode UsageError} on a bad one. */
export function parseTopArgs(args: string[]): TopArgs {
  const { values } = parseCommandArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      agent: { type: "string", default: DEFAULT_AGENT },
      interval: { type: "string" },
      once: { type: "boolean", default: false },
    },
  }, {
    command: "top",
    expects: (option) => option === "--agent" ? LISTEN_ADDRESS_FORMAT : INTERVAL_SECONDS.expected,
  });
  const address = parseListenAddress(values.agent);
  if (address === undefined) {
    throw new UsageError(
      `Option --agent must be ${LISTEN_ADDRESS_FORMAT}, got "${values.agent}"`,
    );
  }
  const host = address.hostname.includes(":") ? `[${address.hostname}]` : address.hostname;
  const intervalSeconds = values.interval === undefined
    ? DEFAULT_INTERVAL_SECONDS
    : numberOption("--interval", values.interval, INTERVAL_SECONDS);
  return {
    agent: values.agent,
    url: `http://${host}:${address.port}/sessions`,
    intervalSeconds,
    once: values.once,
  };
}

/** The root cause of a failed fetch in a few words: "Connection refused (os error 111)". */
function failureReason(error: unknown): string {
  let innermost = error;
  while (innermost instanceof Error && innermost.cause instanceof Error) {
    innermost = innermost.cause;
  }
  const message = innermost instanceof Error ? innermost.message : String(innermost);
  return message.split(": ").at(-1)!;
}

/** Fetches and checks the agent's sessions; throws {@linkcode EnvironmentError} with the fix. */
export async function fetchSessionsDocument(
  options: TopArgs,
  signal?: AbortSignal,
): Promise<SessionsDocument> {
  const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
  let response: Response;
  try {
    response = await fetch(options.url, {
      signal: signal === undefined ? timeout : AbortSignal.any([signal, timeout]),
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new EnvironmentError(
      `Cannot reach the agent at ${options.url} (${failureReason(error)})`,
      { fix: `start it with --metrics-listen ${options.agent}` },
    );
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new EnvironmentError(
      `Cannot reach the agent at ${options.url} (HTTP ${response.status}${
        response.status === 404 ? ": no sessions endpoint there" : ""
      })`,
      { fix: `start it with --metrics-listen ${options.agent}` },
    );
  }
  try {
    return parseSessionsDocument(await response.json());
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new EnvironmentError(
      `Cannot read the sessions the agent at ${options.url} sent (${
        error instanceof Error ? error.message : String(error)
      })`,
      { fix: "run an agent of the same version as this command" },
    );
  }
}

async function readUserNames(): Promise<Map<number, string>> {
  try {
    return userNamesFromPasswd(await Deno.readTextFile("/etc/passwd"));
  } catch {
    return new Map(); // uids are shown as numbers
  }
}

function terminalSize(): { columns: number; rows: number } {
  return Deno.stdout.isTerminal() ? Deno.consoleSize() : PIPE_SIZE;
}

function writeText(text: string): Promise<void> {
  return writeAll(Deno.stdout, new TextEncoder().encode(text));
}

/** Resolves after `ms`, or as soon as `wake` fires. */
function pause(ms: number, wake: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    wake.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      wake.removeEventListener("abort", done);
      resolve();
    }
  });
}

/** Options of {@linkcode watch}. */
interface WatchOptions {
  /** Where the agent is and how often to ask it. */
  args: TopArgs;
  /** User names by uid. */
  userNames: Map<number, string>;
  /** The agent's first answer, taken before the screen was taken over. */
  firstSnapshot: SessionsDocument;
}

/**
 * Redraws the view in place every interval, and at once when the terminal
 * is resized, until SIGINT/SIGTERM; throws when the agent stops answering.
 */
async function watch(options: WatchOptions): Promise<void> {
  using stop = shutdownSignal();
  const history = new ScoreHistory();
  const intervalMs = options.args.intervalSeconds * 1000;
  let snapshot = options.firstSnapshot;
  let refreshedAt = new Date();
  let nextRefresh = Date.now() + intervalMs;
  history.record(snapshot.sessions, sparklineWidth(terminalSize().columns));
  let resized = new AbortController();
  const onResize = () => resized.abort();
  Deno.addSignalListener("SIGWINCH", onResize);
  await writeText(ENTER_ALTERNATE_SCREEN + HIDE_CURSOR);
  try {
    while (!stop.aborted) {
      if (Date.now() >= nextRefresh) {
        try {
          snapshot = await fetchSessionsDocument(options.args, stop);
        } catch (error) {
          if (stop.aborted) return;
          throw error;
        }
        refreshedAt = new Date();
        nextRefresh = Date.now() + intervalMs;
        history.record(snapshot.sessions, sparklineWidth(terminalSize().columns));
      }
      resized = new AbortController();
      const size = terminalSize();
      const frame = renderTopFrame({
        snapshot,
        history,
        userNames: options.userNames,
        width: size.columns,
        height: size.rows,
        refreshedAt,
      });
      await writeText(
        CURSOR_HOME + frame.replaceAll("\n", `${ERASE_TO_END_OF_LINE}\r\n`) +
          ERASE_TO_END_OF_LINE + ERASE_BELOW,
      );
      await pause(nextRefresh - Date.now(), AbortSignal.any([stop, resized.signal]));
    }
  } finally {
    Deno.removeSignalListener("SIGWINCH", onResize);
    await writeText(SHOW_CURSOR + LEAVE_ALTERNATE_SCREEN);
  }
}

/** The `top` subcommand. */
export const topCommand: Command = {
  name: "top",
  summary: "live view of the running agent's sessions (reads its --metrics-listen address)",
  help: HELP,
  async run(args: string[]): Promise<number> {
    const options = parseTopArgs(args);
    const userNames = await readUserNames();
    if (options.once) {
      const snapshot = await fetchSessionsDocument(options);
      const size = terminalSize();
      const history = new ScoreHistory();
      history.record(snapshot.sessions, sparklineWidth(size.columns));
      const frame = renderTopFrame({
        snapshot,
        history,
        userNames,
        width: size.columns,
        height: size.rows,
        refreshedAt: new Date(),
      });
      await writeText(frame + "\n");
      return 0;
    }
    // Reach the agent once before taking over the screen, so a wrong address is one plain line.
    const firstSnapshot = await fetchSessionsDocument(options);
    await watch({ args: options, userNames, firstSnapshot });
    return 0;
  },
};
