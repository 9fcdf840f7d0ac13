/**
 * `ghost-hunter replay FILE`: scores a recorded trace offline.
 *
 * @module
 */
import { replay, type ReplayFormat } from "../pipeline/replay.ts";
import { DEFAULT_CONFIG, DEFAULT_REPLAY_MAX_SESSIONS } from "../config/defaults.ts";
import type { Command } from "./command.ts";
import { UsageError } from "../errors.ts";
import { numberOption, parseCommandArgs } from "./parse_command_args.ts";
import { CONFIG_SCHEMA } from "../config/config_schema.ts";
import { writeAllSync } from "../write_all.ts";
import { ProfileStore, removeDatabaseFiles } from "../profile/profile_store.ts";
import { pathExists } from "../path_exists.ts";
import { ImpostorMonitor } from "../profile/impostor_monitor.ts";
import { userNameOf } from "../profile/session_user.ts";

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
  --max-sessions N      sessions tracked at once, 1 to 1000000 (default ${DEFAULT_REPLAY_MAX_SESSIONS})
  --profiles DB         also score each session's input against its user's
                        timing profile in DB; prints ghost-hunter-impostor alerts
  --user NAME           with --profiles: the user of every session (default:
                        each event's uid, named from /etc/passwd)
  --enrol               with --profiles: merge the sessions that raised no
                        alert into their users' profiles (DB is created if
                        missing)

Examples:
  ghost-hunter replay session.jsonl
  ghost-hunter replay session.jsonl --profiles /var/lib/ghost-hunter/profiles.db
  ghost-hunter record | ghost-hunter replay - --format json --threshold 0.8`;

/** Parses replay's arguments; throws {@linkcode UsageError} on a bad one. */
export function parseReplayArgs(args: string[]): {
  path: string;
  format: ReplayFormat;
  threshold: number;
  skipInvalid: boolean;
  maxSessions: number;
  profiles?: string;
  user?: string;
  enrol: boolean;
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
      profiles: { type: "string" },
      user: { type: "string" },
      enrol: { type: "boolean", default: false },
    },
  }, {
    command: "replay",
    expects: (option) =>
      option === "--threshold"
        ? CONFIG_SCHEMA.threshold.expected
        : option === "--max-sessions"
        ? CONFIG_SCHEMA.limits.max_sessions.expected
        : undefined,
  });
  const { values, positionals } = parsed;
  if (positionals.length !== 1) {
    throw new UsageError(
      `Replay needs exactly one trace FILE (or "-" for stdin), got ${positionals.length}`,
    );
  }
  const format = values.format;
  if (format !== "json" && format !== "table") {
    throw new UsageError(
      `Option --format expects "json" or "table", got "${format}"`,
    );
  }
  const threshold = values.threshold === undefined
    ? DEFAULT_CONFIG.threshold
    : numberOption("--threshold", values.threshold, CONFIG_SCHEMA.threshold);
  const maxSessionsText = values["max-sessions"];
  const maxSessions = maxSessionsText === undefined
    ? DEFAULT_REPLAY_MAX_SESSIONS
    : numberOption("--max-sessions", maxSessionsText, CONFIG_SCHEMA.limits.max_sessions);
  if (values.profiles === undefined && (values.user !== undefined || values.enrol)) {
    throw new UsageError(
      `Option --${values.enrol ? "enrol" : "user"} needs --profiles DB: add --profiles PATH`,
    );
  }
  if (values.user !== undefined && !/^[A-Za-z0-9._@-]{1,64}$/.test(values.user)) {
    throw new UsageError(
      `Option --user must be a user name (letters, digits, . _ @ -), got "${values.user}"`,
    );
  }
  return {
    path: positionals[0]!,
    format,
    threshold,
    skipInvalid: values["skip-invalid"],
    maxSessions,
    ...(values.profiles === undefined ? {} : { profiles: values.profiles }),
    ...(values.user === undefined ? {} : { user: values.user }),
    enrol: values.enrol,
  };
}

function readPasswd(): string {
  try {
    return Deno.readTextFileSync("/etc/passwd");
  } catch {
    return "";
  }
}

/** The `replay` subcommand. */
export const replayCommand: Command = {
  name: "replay",
  summary: "score a recorded timing trace offline",
  help: HELP,
  async run(args: string[]): Promise<number> {
    const options = parseReplayArgs(args);
    const encoder = new TextEncoder();
    // A database this run creates goes again if the run fails (a missing or
    // bad trace): a failed command leaves nothing behind.
    const createsStore = options.profiles !== undefined && options.enrol &&
      !pathExists(options.profiles);
    using store = options.profiles === undefined
      ? undefined
      : ProfileStore.open(options.profiles, { readOnly: !options.enrol });
    let passwd: string | undefined;
    const nameOf = (uid: number) => {
      passwd ??= readPasswd();
      return userNameOf(uid, passwd);
    };
    const impostor = store === undefined ? undefined : {
      monitor: new ImpostorMonitor({
        profiles: store,
        maxSessions: options.maxSessions,
        onStoreError: (error: unknown, user: string) => {
          throw new UsageError(
            `Cannot save the profile of ${user} in ${store.path}: ${String(error)}; check the file`,
          );
        },
      }),
      userOf: (event: { uid?: number }) =>
        options.user ?? (event.uid === undefined ? undefined : nameOf(event.uid)),
      enrol: options.enrol,
    };
    let result;
    try {
      result = await replay({ ...options, impostor }, (line) => {
        writeAllSync(Deno.stdout, encoder.encode(line + "\n"));
      });
    } catch (error) {
      if (createsStore && store !== undefined) {
        store.close();
        removeDatabaseFiles(store.path);
      }
      throw error;
    }
    if (options.format === "json" && result.invalidLines.length > 0) {
      const first = result.invalidLines[0]!;
      console.error(
        `ghost-hunter: skipped ${result.invalidLines.length} invalid line(s) in ${first.file}; first: line ${first.line}: ${first.problem}`,
      );
    }
    return 0;
  },
};
