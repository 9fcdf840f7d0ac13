/**
 * The command line of `ghost-hunter run` (the live agent): `--config FILE`
 * loads a config file over the defaults, then each flag overrides its key.
 * Every value is checked by the same rule as in the config file; a bad one is
 * refused with a {@linkcode UsageError} naming the flag and what it expects.
 *
 * @module
 */
import { UsageError } from "../errors.ts";
import { decimalValue, parseCommandArgs } from "./parse_command_args.ts";
import type { Config } from "../config/config.ts";
import { DEFAULT_CONFIG } from "../config/defaults.ts";
import { CONFIG_SCHEMA, type ValueRule } from "../config/config_schema.ts";
import { describeValue, findKeyConflict, loadConfigFile } from "../config/load_config.ts";

/** How a flag's text becomes a config value. */
type FlagKind = "number" | "string" | "boolean";

/** A flag that overrides one config key. */
interface ConfigFlag {
  /** The flag without dashes. */
  name: string;
  /** The dotted config key it overrides. */
  key: string;
  kind: FlagKind;
  rule: ValueRule<unknown>;
  /** Stores the checked value into the config. */
  apply(config: Config, value: unknown): void;
}

const OFF_VALUE = "off";

const CONFIG_FLAGS: readonly ConfigFlag[] = [
  {
    name: "threshold",
    key: "threshold",
    kind: "number",
    rule: CONFIG_SCHEMA.threshold,
    apply: (config, value) => config.threshold = value as number,
  },
  {
    name: "dry-run",
    key: "dry_run",
    kind: "boolean",
    rule: CONFIG_SCHEMA.dry_run,
    apply: (config, value) => config.dry_run = value as boolean,
  },
  {
    name: "alerts",
    key: "alerts",
    kind: "string",
    rule: CONFIG_SCHEMA.alerts,
    apply: (config, value) => config.alerts = value as string,
  },
  {
    name: "log-level",
    key: "log_level",
    kind: "string",
    rule: CONFIG_SCHEMA.log_level,
    apply: (config, value) => config.log_level = value as Config["log_level"],
  },
  {
    name: "metrics-listen",
    key: "metrics_listen",
    kind: "string",
    rule: CONFIG_SCHEMA.metrics_listen,
    apply: (config, value) => config.metrics_listen = value as string | null,
  },
  {
    name: "actuator",
    key: "actuator",
    kind: "string",
    rule: CONFIG_SCHEMA.actuator,
    apply: (config, value) => config.actuator = value as Config["actuator"],
  },
  {
    name: "max-delay-ms",
    key: "max_delay_ms",
    kind: "number",
    rule: CONFIG_SCHEMA.max_delay_ms,
    apply: (config, value) => config.max_delay_ms = value as number,
  },
  {
    name: "max-sessions",
    key: "limits.max_sessions",
    kind: "number",
    rule: CONFIG_SCHEMA.limits.max_sessions,
    apply: (config, value) => config.limits.max_sessions = value as number,
  },
  {
    name: "profiles",
    key: "profiles",
    kind: "string",
    rule: CONFIG_SCHEMA.profiles,
    apply: (config, value) => config.profiles = value as string | null,
  },
  {
    name: "ring-buffer-bytes",
    key: "limits.ring_buffer_bytes",
    kind: "number",
    rule: CONFIG_SCHEMA.limits.ring_buffer_bytes,
    apply: (config, value) => config.limits.ring_buffer_bytes = value as number,
  },
];

/** `ghost-hunter run --help`: usage, every flag with its default, examples. */
export const RUN_HELP = `Usage: ghost-hunter [run] [--config FILE] [options]

Watches the timing of every terminal session on this machine, scores each
for automation, writes an alert past the threshold and delays the session's
terminal I/O. Needs root, or CAP_BPF + CAP_PERFMON + CAP_KILL, and a BPF
file system at /sys/fs/bpf or CAP_SYS_ADMIN to mount one (run "ghost-hunter
doctor" to check). One agent acts per machine (it holds
/run/ghost-hunter/agent.lock); a --dry-run agent acts on nothing and may run
beside it. Stops on SIGINT or SIGTERM. Flags override the config file, which
overrides the defaults.

Options:
      --config FILE            JSON config file (keys: see README, "Configuration")
      --threshold SCORE        anomaly score from 0 to 1 that alerts and starts jitter (default ${DEFAULT_CONFIG.threshold})
      --dry-run                score and alert only: no kernel map write, no actuation (default false)
      --alerts FILE            append alerts as JSON lines to FILE (mode 0600), or - for stdout (default -)
      --log-level LEVEL        debug, info, warning or error; logs are JSON lines on stderr (default ${DEFAULT_CONFIG.log_level})
      --metrics-listen ADDR    serve /metrics (Prometheus) and /sessions (for top) on HOST:PORT, or "off" (default off)
      --actuator NAME          sigstop: the probe stops the pty writer at each input, SIGCONT when due (default ${DEFAULT_CONFIG.actuator})
      --max-delay-ms MS        cap on one injected delay, 1 to 60000 (default ${DEFAULT_CONFIG.max_delay_ms})
      --max-sessions N         sessions tracked at once, 1 to 1000000 (default ${DEFAULT_CONFIG.limits.max_sessions})
      --ring-buffer-bytes N    kernel ring buffer size, ${CONFIG_SCHEMA.limits.ring_buffer_bytes.expected} (default ${DEFAULT_CONFIG.limits.ring_buffer_bytes})
      --profiles PATH          users' timing profiles for impostor detection (SQLite), or "off" (default ${DEFAULT_CONFIG.profiles})
  -h, --help                   show this help

Examples:
  sudo ./ghost-hunter --dry-run
  sudo ./ghost-hunter run --config /etc/ghost-hunter/config.json --alerts /var/log/ghost-hunter/alerts.jsonl
  sudo ./ghost-hunter --threshold 0.8 --metrics-listen 127.0.0.1:9464 --log-level debug`;

function flagValue(flag: ConfigFlag, raw: string | boolean): unknown {
  if (flag.kind === "boolean") return raw;
  const text = raw as string;
  if (flag.kind === "number") return decimalValue(text);
  if ((flag.name === "metrics-listen" || flag.name === "profiles") && text === OFF_VALUE) {
    return null;
  }
  return text;
}

/**
 * The live agent's configuration from its command line (the arguments after
 * `run`, or all of them when `run` is implied). Throws a
 * {@linkcode UsageError} for an unknown flag, a bad value or a bad config file.
 */
export async function parseRunArgs(args: string[]): Promise<Config> {
  const options: Record<string, { type: "string" | "boolean" }> = {
    config: { type: "string" },
  };
  for (const flag of CONFIG_FLAGS) {
    options[flag.name] = { type: flag.kind === "boolean" ? "boolean" : "string" };
  }
  const { values } = parseCommandArgs({ args, options, strict: true, allowPositionals: false }, {
    command: "run",
    expects: (option) =>
      option === "--config"
        ? "a file path"
        : CONFIG_FLAGS.find((f) => `--${f.name}` === option)?.rule.expected,
  });
  const configPath = values.config as string | undefined;
  if (configPath === "") {
    throw new UsageError("Option --config expects a file path, got an empty string");
  }
  const config = configPath === undefined
    ? structuredClone(DEFAULT_CONFIG) as Config
    : await loadConfigFile(configPath);
  for (const flag of CONFIG_FLAGS) {
    const raw = values[flag.name];
    if (raw === undefined) continue;
    const value = flagValue(flag, raw);
    if (!flag.rule.accepts(value)) {
      throw new UsageError(
        `Option --${flag.name} expects ${flag.rule.expected}, got ${JSON.stringify(raw)}`,
      );
    }
    flag.apply(config, value);
  }
  const conflict = findKeyConflict(config);
  if (conflict !== undefined) {
    // The file was checked when loaded, so a conflict now comes from a flag.
    const flag = CONFIG_FLAGS.find((f) => f.key === conflict.key && values[f.name] !== undefined);
    const subject = flag === undefined
      ? `Config key ${JSON.stringify(conflict.key)}`
      : `Option --${flag.name}`;
    throw new UsageError(`${subject} ${conflict.problem}, got ${describeValue(conflict.value)}`);
  }
  return config;
}
