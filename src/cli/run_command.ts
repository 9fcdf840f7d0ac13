/**
 * `ghost-hunter [run]`: the live agent. Wiring only: configuration from
 * run_args.ts, the pipeline from live_agent.ts.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import { AlertSink } from "../alerts/alert_sink.ts";
import type { Config } from "../config/config.ts";
import { parseListenAddress } from "../config/listen_address.ts";
import { runLiveAgent } from "../pipeline/live_agent.ts";
import { setupLogging } from "../log.ts";
import { shutdownSignal } from "../shutdown_signal.ts";
import type { Command } from "./command.ts";
import { parseRunArgs, RUN_HELP } from "./run_args.ts";
import { ProfileStore } from "../profile/profile_store.ts";
import { AGENT_LOCK_PATH, type AgentLock, takeAgentLock } from "../actuation/agent_lock.ts";
import { EnvironmentError } from "../errors.ts";

const logger = getLogger(["ghost-hunter", "run"]);

function resolveUid(user: number | string, passwd: string): number {
  if (typeof user === "number") return user;
  const entry = passwd.split("\n").map((line) => line.split(":")).find((f) => f[0] === user);
  const uid = entry === undefined ? NaN : Number(entry[2]);
  if (!Number.isInteger(uid)) {
    throw new Error(`Cannot resolve allow.users entry "${user}": no such user in /etc/passwd`);
  }
  return uid;
}

/**
 * How long an acting agent waits for the agent lock: long enough for a dead
 * agent's guardian to finish releasing its sessions.
 */
const LOCK_WAIT_MS = 5000;

/** Takes the agent lock for an agent that acts, before it creates or loads anything. */
async function lockForActing(dryRun: boolean): Promise<AgentLock | undefined> {
  if (dryRun) return undefined;
  return await takeAgentLock(LOCK_WAIT_MS, (holder) =>
    new EnvironmentError(
      `Cannot start an acting agent: another ghost-hunter agent acts on this machine (${holder} holds ${AGENT_LOCK_PATH})`,
      { fix: "stop that one first, or run this one with --dry-run" },
    ));
}

/** Runs the live agent with `config` until SIGINT/SIGTERM; resolves to the exit status. */
export async function run(config: Config): Promise<number> {
  await setupLogging({ level: config.log_level });
  using _lock = await lockForActing(config.dry_run);
  const passwd = config.allow.users.some((u) => typeof u === "string")
    ? await Deno.readTextFile("/etc/passwd")
    : "";
  using signal = shutdownSignal();
  await using sink = AlertSink.open(config.alerts);
  using store = config.profiles === null ? undefined : ProfileStore.open(config.profiles);
  const summary = await runLiveAgent({
    threshold: config.threshold,
    maxSessions: config.limits.max_sessions,
    ringBufferBytes: config.limits.ring_buffer_bytes,
    jitterMapEntries: config.limits.jitter_map_entries,
    maxDelaySeconds: config.max_delay_ms / 1000,
    lambda: {
      priorAlpha: config.lambda.prior_alpha,
      priorBeta: config.lambda.prior_beta,
      min: config.lambda.min,
      max: config.lambda.max,
    },
    allow: {
      uids: config.allow.users.map((user) => resolveUid(user, passwd)),
      comms: config.allow.comms,
      ttys: config.allow.ttys,
    },
    dryRun: config.dry_run,
    metricsListen: config.metrics_listen === null
      ? undefined
      : parseListenAddress(config.metrics_listen),
    emit: (alert) => sink.write(alert),
    profiles: store === undefined ? undefined : { store, response: config.response.impostor },
  }, signal);
  logger.info("Agent stopped", { ...summary });
  return 0;
}

/** The `run` subcommand, also what `ghost-hunter` with no subcommand runs. */
export const runCommand: Command = {
  name: "run",
  summary: "run the live agent: score every terminal session (default command)",
  help: RUN_HELP,
  run: async (args) => run(await parseRunArgs(args)),
};
