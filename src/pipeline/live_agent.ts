/**
 * The live pipeline behind `ghost-hunter run`: probe events are scored per
 * session, alerts are emitted, the jitter policy decides the response, and
 * its decisions are posted to the actuator Worker. This path never writes to
 * the kernel itself.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import { EventFlag, type TtyEvent } from "../kernel/abi.ts";
import { ttyNrOfSessionKey, ttyNrOfStat } from "../actuation/session_processes.ts";
import { anomalyAlert, type EcsAlert, ecsAlert } from "../alerts/ecs_alert.ts";
import { Actuator } from "../actuation/actuator.ts";
import type { ListenAddress } from "../config/listen_address.ts";
import { type AgentMetrics, createAgentMetrics } from "../metrics/agent_metrics.ts";
import { MetricsServer } from "../metrics/server.ts";
import { type JitterDecision, JitterPolicy } from "../response/jitter_policy.ts";
import { Xoshiro128 } from "../response/xoshiro128.ts";
import { ScoringEngine } from "../score/scoring_engine.ts";
import { MonotonicClock } from "../kernel/monotonic_clock.ts";
import { TerminalEventSource } from "../kernel/terminal_event_source.ts";
import { nsToTraceMs, type TraceEvent } from "../trace/trace_event.ts";
import { traceEventFromProbe } from "../trace/trace_from_probe.ts";
import { type ActuatorReport, releaseAtCommand } from "../actuation/actuator_protocol.ts";

/** Who is never scored and never delayed. */
export interface Allowlist {
  /** User ids. */
  uids: readonly number[];
  /** Command names of the process writing the terminal. */
  comms: readonly string[];
  /** Terminals, e.g. `pts/3`. */
  ttys: readonly string[];
}

/** What {@link runLiveAgent} needs: every limit explicit. */
export interface LiveAgentOptions {
  /** Score at which a session alerts and jitter starts. */
  threshold: number;
  /** Sessions scored at once; the least recently active is evicted. */
  maxSessions: number;
  /** Kernel ring buffer size in bytes. */
  ringBufferBytes: number;
  /** Sessions the kernel jitter map can hold. */
  jitterMapEntries: number;
  /** Cap on one injected delay, in seconds. */
  maxDelaySeconds: number;
  /** λ prior and bounds, 1/s. */
  lambda: { priorAlpha: number; priorBeta: number; min: number; max: number };
  /** Never scored, never delayed. */
  allow: Allowlist;
  /** Decide and log, but write nothing to the kernel and hold nothing. */
  dryRun: boolean;
  /** Where to serve /metrics and /sessions (for `ghost-hunter top`); undefined: nowhere. */
  metricsListen?: ListenAddress;
  /** Receives every alert, in order. */
  emit: (alert: EcsAlert) => void | Promise<void>;
}

/** Totals reported when the agent stops. */
export interface LiveAgentSummary {
  events: number;
  alerts: number;
  kernelDrops: number;
  sessionEvictions: number;
  delaysApplied: number;
}

const logger = getLogger(["ghost-hunter", "agent"]);

const DECISION_ACTIONS: Partial<Record<JitterDecision["kind"], string>> = {
  "jitter-start": "ghost-hunter-jitter-start",
  "lambda-changed": "ghost-hunter-lambda-changed",
  "jitter-stop": "ghost-hunter-jitter-stop",
  "disclosure-confirmed": "ghost-hunter-disclosure-confirmed",
};

function isAllowed(event: TraceEvent, allow: Allowlist): boolean {
  return allow.ttys.includes(event.session) ||
    (event.uid !== undefined && allow.uids.includes(event.uid)) ||
    (event.comm !== undefined && allow.comms.includes(event.comm));
}

/** The agent's own controlling terminal, never held: holding it could hold the operator. */
async function ownTtyNr(): Promise<number | undefined> {
  const ttyNr = ttyNrOfStat(await Deno.readTextFile("/proc/self/stat"));
  return ttyNr === 0 ? undefined : ttyNr;
}

function decisionAlert(decision: JitterDecision, action: string, dryRun: boolean): EcsAlert {
  const { kind: _kind, session: _session, t, ...details } = decision;
  return ecsAlert({
    action,
    session: decision.session,
    timestamp: new Date(),
    ghostHunter: { ...details, trace_t_ms: t, dry_run: dryRun },
  });
}

function logReport(
  report: ActuatorReport,
  onRelease: (seconds: number) => void,
  onEnded: (session: string, tMs: number) => void,
): void {
  if (report.type === "ended") {
    onEnded(report.session, report.tMs);
  } else if (report.type === "log") {
    const { level, message, properties } = report;
    logger[level === "warning" ? "warn" : level](message, properties);
  } else if (report.type === "released") {
    onRelease((report.appliedMs - report.inputMs) / 1000);
    logger.debug("Delay applied", {
      session: report.session,
      delay_ms: report.appliedMs - report.inputMs,
      drawn_ms: report.atMs - report.inputMs,
      late_ms: report.appliedMs - report.atMs,
    });
  }
}

/** Runs until `signal` aborts; resolves to the totals. */
export async function runLiveAgent(
  options: LiveAgentOptions,
  signal: AbortSignal,
): Promise<LiveAgentSummary> {
  const engine = new ScoringEngine({
    threshold: options.threshold,
    maxSessions: options.maxSessions,
  });
  const policy = new JitterPolicy({
    rng: Xoshiro128.fromOsEntropy(),
    threshold: options.threshold,
    maxSessions: options.maxSessions,
    maxDelaySeconds: options.maxDelaySeconds,
    posterior: {
      alpha0: options.lambda.priorAlpha,
      beta0: options.lambda.priorBeta,
      minLambda: options.lambda.min,
      maxLambda: options.lambda.max,
    },
  });
  const ownTty = await ownTtyNr();
  const metrics: AgentMetrics = createAgentMetrics();
  using clock = new MonotonicClock();
  const disclosed = new Set<string>();
  let events = 0;
  let alerts = 0;
  let delaysApplied = 0;
  let evictionsLogged = 0;
  let dropsLogged = 0;
  const sessionsView = () => ({
    agent: { pid: Deno.pid, dry_run: options.dryRun, threshold: options.threshold },
    sessions: [...engine.sessions()].map((s) => {
      const lambda = policy.lambdaOf(s.session) ?? null;
      const verdict = disclosed.has(s.session)
        ? "disclosure-confirmed"
        : lambda !== null
        ? "jittered"
        : s.alerted
        ? "alerted"
        : "normal";
      return {
        session: s.session,
        uid: s.uid ?? null,
        comm: s.comm ?? null,
        score: s.score,
        inputs: s.inputs,
        outputs: s.outputs,
        verdict,
        lambda,
      };
    }),
  });
  await using _server = options.metricsListen === undefined ? undefined : MetricsServer.start({
    registry: metrics.registry,
    hostname: options.metricsListen.hostname,
    port: options.metricsListen.port,
    jsonRoutes: { "/sessions": sessionsView },
  });

  await using source = await TerminalEventSource.open({
    ringBufferBytes: options.ringBufferBytes,
    jitterMapEntries: options.jitterMapEntries,
  });
  await using writer = Actuator.start({
    jitterCommandsFd: source.probe.jitterCommandsFd,
    stoppedWritersFd: source.probe.stoppedWritersFd,
    dryRun: options.dryRun,
    maxDelayMs: options.maxDelaySeconds * 1000,
    onReport: (report) =>
      logReport(report, (seconds) => {
        delaysApplied++;
        metrics.injectedDelay.observe(seconds);
      }, (session, tMs) => {
        // The terminal may be reused by a new login: it starts from a clean slate.
        engine.forget(session);
        disclosed.delete(session);
        dispatch(policy.onSessionEnd(session, tMs), 0).catch((error) =>
          logger.error("Cannot report a session end", { session, error: String(error) })
        );
      }),
  });

  const emit = async (alert: EcsAlert) => {
    alerts++;
    metrics.alerts.inc({ type: (alert.event as { action: string }).action });
    await options.emit(alert);
  };
  const dispatch = async (
    decisions: JitterDecision[],
    sessionKey: number,
    stoppedWriterTid: number | null = null,
  ) => {
    for (const decision of decisions) {
      const action = DECISION_ACTIONS[decision.kind];
      if (action !== undefined) await emit(decisionAlert(decision, action, options.dryRun));
      switch (decision.kind) {
        case "jitter-start":
          writer.post({
            type: "hold",
            session: decision.session,
            sessionKey,
            lambdaScaled: decision.lambdaScaled,
          });
          break;
        case "lambda-changed":
          writer.post({
            type: "lambda",
            session: decision.session,
            lambdaScaled: decision.lambdaScaled,
          });
          break;
        case "delay":
          writer.post(releaseAtCommand(decision, stoppedWriterTid));
          logger.debug("Delay drawn", { ...decision, dry_run: options.dryRun });
          break;
        case "jitter-stop":
          writer.post({ type: "stop", session: decision.session });
          disclosed.delete(decision.session);
          break;
        case "disclosure-confirmed":
          disclosed.add(decision.session);
          break;
        case "lambda-clamped":
          logger.warn("Lambda outside its bounds, clamped", { ...decision.warning });
          break;
        case "disclosure-not-observed":
          logger.info("No disclosure after jitter", { ...decision });
          break;
      }
    }
  };
  const handle = async (probeEvent: TtyEvent) => {
    const stoppedWriterTid = (probeEvent.flags & EventFlag.WRITER_STOPPED) !== 0
      ? probeEvent.tid
      : null;
    const event = traceEventFromProbe(probeEvent);
    // An input the probe held that gets no drawn delay goes through at once.
    const letThrough = () => {
      if (stoppedWriterTid === null) return;
      writer.post(
        releaseAtCommand({ session: event.session, t: event.t, seconds: 0 }, stoppedWriterTid),
      );
    };
    if (isAllowed(event, options.allow)) return letThrough();
    events++;
    metrics.events.inc({ direction: event.dir === "in" ? "input" : "output" });
    const verdict = engine.observe(event);
    if (verdict.alert && verdict.features !== undefined) {
      await emit(anomalyAlert({
        session: event.session,
        score: verdict.score,
        threshold: options.threshold,
        features: verdict.features,
        eventIndex: verdict.features.inputs + verdict.features.outputs,
        dryRun: options.dryRun,
        timestamp: new Date(),
        process: { pid: event.pid, name: event.comm },
        userId: event.uid,
        traceTMs: event.t,
      }));
    }
    if (ownTty !== undefined && ttyNrOfSessionKey(probeEvent.sessionKey) === ownTty) {
      return letThrough();
    }
    const decisions = policy.onEvent(event.session, event);
    if (!decisions.some((decision) => decision.kind === "delay")) letThrough();
    await dispatch(decisions, probeEvent.sessionKey, stoppedWriterTid);
    await dispatch(policy.onScore(event.session, event.t, verdict.score), probeEvent.sessionKey);
  };

  logger.info("Probe attached, scoring terminal sessions", {
    threshold: options.threshold,
    max_sessions: options.maxSessions,
    dry_run: options.dryRun,
  });
  await source.pump(async (batch) => {
    for (const probeEvent of batch) await handle(probeEvent);
    const last = batch[batch.length - 1];
    if (last !== undefined) {
      const lastMs = nsToTraceMs(last.timestampNs);
      metrics.scoringLag.observe(Math.max(0, clock.nowMs() - lastMs) / 1000);
      await dispatch(policy.onTick(lastMs), 0);
    }
    metrics.sessionsTracked.set(engine.sessionCount);
    if (engine.evictions > evictionsLogged) {
      logger.warn("Sessions evicted to stay within limits.max_sessions", {
        evicted: engine.evictions - evictionsLogged,
        total: engine.evictions,
        max_sessions: options.maxSessions,
      });
      evictionsLogged = engine.evictions;
    }
    metrics.sessionEvictions.advanceTo(engine.evictions);
    const drops = Number(source.counters().ringbufDrops);
    if (drops > dropsLogged) {
      logger.warn("Kernel dropped terminal events: the ring buffer was full", {
        dropped: drops - dropsLogged,
        total: drops,
        ring_buffer_bytes: options.ringBufferBytes,
      });
      dropsLogged = drops;
    }
    metrics.kernelDrops.advanceTo(drops);
  }, signal);
  const counters = source.counters();
  return {
    events,
    alerts,
    kernelDrops: Number(counters.ringbufDrops),
    sessionEvictions: engine.evictions,
    delaysApplied,
  };
}
