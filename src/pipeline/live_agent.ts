/**
 * The live pipeline behind `ghost-hunter run`: probe events are scored per
 * session, alerts are emitted, the jitter policy decides the response, and
 * its decisions are posted to the actuator Worker. This path never writes to
 * the kernel itself.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import { EventFlag, EventKind, type TtyEvent } from "../kernel/abi.ts";
import { ttyNrOfSessionKey, ttyNrOfStat } from "../kernel/tty_nr.ts";
import { anomalyAlert, type EcsAlert } from "../alerts/ecs_alert.ts";
import { Actuator } from "../actuation/actuator.ts";
import type { ListenAddress } from "../config/listen_address.ts";
import { type AgentMetrics, createAgentMetrics } from "../metrics/agent_metrics.ts";
import { MetricsServer } from "../metrics/server.ts";
import { type JitterDecision, JitterPolicy } from "../response/jitter_policy.ts";
import { Xoshiro128 } from "../response/xoshiro128.ts";
import { ScoringEngine } from "../score/scoring_engine.ts";
import { MonotonicClock } from "../kernel/monotonic_clock.ts";
import { TerminalEventSource } from "../kernel/terminal_event_source.ts";
import { nsToTraceMs } from "../trace/trace_event.ts";
import { traceEventFromProbe } from "../trace/trace_from_probe.ts";
import { type ActuatorReport, releaseAtCommand } from "../actuation/actuator_protocol.ts";
import { decisionEffects } from "./decision_effects.ts";
import { sessionRow, type SessionsDocument } from "./sessions_document.ts";
import { type Allowlist, routeEvent } from "./event_route.ts";
import {
  type SessionEndReason,
  type SessionIdentity,
  sessionIdentityOf,
  SessionTable,
} from "./session_table.ts";
import { type ImpostorResponse, LiveImpostor } from "../profile/live_impostor.ts";
import type { ProfileStore } from "../profile/profile_store.ts";

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
  /** Users' timing profiles, for impostor detection; undefined: none kept. */
  profiles?: { store: ProfileStore; response: ImpostorResponse };
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

/** The agent's own controlling terminal, never held: holding it could hold the operator. */
async function ownTtyNr(): Promise<number | undefined> {
  const ttyNr = ttyNrOfStat(await Deno.readTextFile("/proc/self/stat"));
  return ttyNr === 0 ? undefined : ttyNr;
}

function logReport(report: ActuatorReport, onRelease: (seconds: number) => void): void {
  if (report.type === "log") {
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
  const table = new SessionTable({ maxSessions: options.maxSessions });
  // Both bounded like the table, which evicts first and makes both forget:
  // neither ever evicts on its own.
  const engine = new ScoringEngine({
    threshold: options.threshold,
    maxSessions: options.maxSessions,
  });
  const policy = new JitterPolicy({
    rng: Xoshiro128.fromOsEntropy(),
    threshold: options.threshold,
    maxSessions: options.maxSessions,
    maxDelaySeconds: options.maxDelaySeconds,
    appliesDelays: !options.dryRun,
    posterior: {
      alpha0: options.lambda.priorAlpha,
      beta0: options.lambda.priorBeta,
      minLambda: options.lambda.min,
      maxLambda: options.lambda.max,
    },
  });
  const route = { allow: options.allow, ownTtyNr: await ownTtyNr() };
  const metrics: AgentMetrics = createAgentMetrics();
  using clock = new MonotonicClock();
  const disclosed = new Set<string>();
  const impostor = options.profiles === undefined ? undefined : new LiveImpostor({
    ...options.profiles,
    maxSessions: options.maxSessions,
    dryRun: options.dryRun,
    exclude: new Set([Deno.pid]),
    // Called only from the event handler, after `emit` below exists.
    emit: (alert) => emit(alert),
  });
  let events = 0;
  let alerts = 0;
  let delaysApplied = 0;
  let evictionsLogged = 0;
  let dropsLogged = 0;
  const sessionsView = (): SessionsDocument => ({
    agent: { pid: Deno.pid, dry_run: options.dryRun, threshold: options.threshold },
    sessions: [...engine.sessions()].map((s) => ({
      ...sessionRow({
        ...s,
        lambda: policy.lambdaOf(s.session),
        disclosed: disclosed.has(s.session),
      }),
      impostor: impostor === undefined ? null : impostor.status(s.session) ?? null,
    })),
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
      }),
  });
  const emit = async (alert: EcsAlert) => {
    alerts++;
    metrics.alerts.inc({ type: (alert.event as { action: string }).action });
    await options.emit(alert);
  };
  const dispatch = async (
    decisions: JitterDecision[],
    identity: SessionIdentity | undefined,
    dispatchOptions: { writerTid?: number | null } = {},
  ) => {
    for (const decision of decisions) {
      // Only idle stops come from no event; an idle session is still in the table.
      const session = identity ?? table.byName(decision.session);
      if (session === undefined) {
        throw new Error(`Cannot act on a decision for ${decision.session}: it is in no session`);
      }
      const effects = decisionEffects(decision, {
        key: session.key,
        writerTid: dispatchOptions.writerTid ?? null,
        dryRun: options.dryRun,
        now: new Date(),
      });
      if (effects.alert !== undefined) await emit(effects.alert);
      if (effects.log !== undefined) {
        const { level, message, properties } = effects.log;
        logger[level === "warning" ? "warn" : level](message, properties);
      }
      if (effects.command !== undefined) writer.post(effects.command);
      if (decision.kind === "disclosure-confirmed") disclosed.add(decision.session);
      if (decision.kind === "jitter-stop") disclosed.delete(decision.session);
    }
  };
  /** A login is over (or left the table): its scorer and policy state go, a jittered one is stopped. */
  const endSession = async (
    identity: SessionIdentity,
    reason: SessionEndReason,
    tMs: number,
  ) => {
    engine.forget(identity.name);
    disclosed.delete(identity.name);
    // An evicted session is still running: it is dropped, not learnt from.
    if (reason === "evicted") impostor?.onSessionDropped(identity.name);
    else impostor?.onSessionEnd(identity.name);
    await dispatch(policy.onSessionEnd(identity.name, tMs, reason), identity);
    logger.debug("Session ended", { session: identity.name, login_id: identity.loginId, reason });
  };
  const handle = async (probeEvent: TtyEvent) => {
    const tMs = nsToTraceMs(probeEvent.timestampNs);
    if (probeEvent.kind === EventKind.SESSION_END) {
      const identity = table.end(probeEvent.sessionKey, probeEvent.loginId);
      if (identity !== undefined) await endSession(identity, "ended", tMs);
      return;
    }
    const writerTid = (probeEvent.flags & EventFlag.WRITER_STOPPED) !== 0 ? probeEvent.tid : null;
    const event = traceEventFromProbe(probeEvent);
    // An input the probe held that gets no drawn delay goes through at once.
    const letThrough = () => {
      if (writerTid === null) return;
      writer.post(releaseAtCommand({ session: event.session, t: event.t, seconds: 0 }, writerTid));
    };
    const eventRoute = routeEvent(
      { key: probeEvent.sessionKey, name: event.session, uid: event.uid, comm: event.comm },
      route,
    );
    if (eventRoute === "ignore") return letThrough();
    const { session, left } = table.admit(sessionIdentityOf(probeEvent));
    for (const gone of left) await endSession(gone.identity, gone.reason, tMs);
    events++;
    metrics.events.inc({ direction: event.dir === "in" ? "input" : "output" });
    const verdict = engine.observe(event);
    if (impostor !== undefined) {
      if (verdict.alert) impostor.onAutomationAlert(event.session);
      if (event.dir === "in") {
        const ttyNr = ttyNrOfSessionKey(probeEvent.sessionKey);
        await impostor.onInput(event.session, ttyNr, event);
      }
    }
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
    if (eventRoute === "score") return letThrough();
    const decisions = policy.onEvent(session.name, { ...event, held: writerTid !== null });
    if (!decisions.some((decision) => decision.kind === "delay")) letThrough();
    await dispatch(decisions, session, { writerTid });
    // With response.impostor = jitter, an impostor's session is answered as if past the threshold.
    const score = impostor?.isSuspect(session.name) ? 1 : verdict.score;
    await dispatch(policy.onScore(session.name, event.t, score), session);
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
      await dispatch(policy.onTick(lastMs), undefined);
    }
    metrics.sessionsTracked.set(table.size);
    if (table.evictions > evictionsLogged) {
      logger.warn("Sessions evicted to stay within limits.max_sessions", {
        evicted: table.evictions - evictionsLogged,
        total: table.evictions,
        max_sessions: options.maxSessions,
      });
      evictionsLogged = table.evictions;
    }
    metrics.sessionEvictions.advanceTo(table.evictions);
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
  impostor?.close();
  const counters = source.counters();
  return {
    events,
    alerts,
    kernelDrops: Number(counters.ringbufDrops),
    sessionEvictions: table.evictions,
    delaysApplied,
  };
}
