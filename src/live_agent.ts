/**
 * The live pipeline behind `ghost-hunter run`: probe events are scored per
 * session, alerts are emitted, and the jitter policy decides the response.
 * Until the writer Worker and its actuator land, every response decision is
 * logged and reported as a dry run: nothing is written to the kernel.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import { anomalyAlert, type EcsAlert, ecsAlert } from "./ecs_alert.ts";
import { type JitterDecision, JitterPolicy } from "./response/jitter_policy.ts";
import { Xoshiro128 } from "./response/xoshiro128.ts";
import { ScoringEngine } from "./score/scoring_engine.ts";
import { TerminalEventSource } from "./terminal_event_source.ts";
import type { TraceEvent } from "./trace_event.ts";
import { traceEventFromProbe } from "./trace_from_probe.ts";

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
  /** Receives every alert, in order. */
  emit: (alert: EcsAlert) => void | Promise<void>;
  /** Called once the probe is attached and events flow. */
  onReady?: () => void;
}

/** Totals reported when the agent stops. */
export interface LiveAgentSummary {
  events: number;
  alerts: number;
  kernelDrops: number;
  sessionEvictions: number;
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

function decisionAlert(decision: JitterDecision, action: string): EcsAlert {
  const { kind: _kind, session: _session, t, ...details } = decision;
  return ecsAlert({
    action,
    session: decision.session,
    timestamp: new Date(),
    ghostHunter: { ...details, trace_t_ms: t, dry_run: true },
  });
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
      forgetting: 0.98,
    },
  });
  let events = 0;
  let alerts = 0;
  const emit = async (alert: EcsAlert) => {
    alerts++;
    await options.emit(alert);
  };
  const dispatch = async (decisions: JitterDecision[]) => {
    for (const decision of decisions) {
      const action = DECISION_ACTIONS[decision.kind];
      if (action !== undefined) await emit(decisionAlert(decision, action));
      else if (decision.kind === "lambda-clamped") {
        logger.warn("Lambda outside its bounds, clamped", { ...decision.warning });
      } else logger.debug("Response decision (dry run)", { ...decision });
    }
  };

  await using source = await TerminalEventSource.open({
    ringBufferBytes: options.ringBufferBytes,
    jitterMapEntries: options.jitterMapEntries,
  });
  logger.warn(
    "Active response is not available in this build: decisions are logged and alerted with dry_run true, no delay is applied",
  );
  logger.info("Probe attached, scoring terminal sessions", {
    threshold: options.threshold,
    maxSessions: options.maxSessions,
  });
  options.onReady?.();
  await source.pump(async (batch) => {
    for (const probeEvent of batch) {
      const event = traceEventFromProbe(probeEvent);
      if (isAllowed(event, options.allow)) continue;
      events++;
      const verdict = engine.observe(event);
      if (verdict.alert && verdict.features !== undefined) {
        await emit(anomalyAlert({
          session: event.session,
          score: verdict.score,
          threshold: options.threshold,
          features: verdict.features,
          eventIndex: verdict.features.inputs + verdict.features.outputs,
          dryRun: true,
          timestamp: new Date(),
          process: { pid: event.pid, name: event.comm },
          userId: event.uid,
          traceTMs: event.t,
        }));
      }
      await dispatch(policy.onEvent(event.session, event));
      await dispatch(policy.onScore(event.session, event.t, verdict.score));
    }
    const last = batch[batch.length - 1];
    if (last !== undefined) await dispatch(policy.onTick(traceEventFromProbe(last).t));
  }, signal);
  const counters = source.counters();
  return {
    events,
    alerts,
    kernelDrops: Number(counters.ringbufDrops),
    sessionEvictions: engine.evictions,
  };
}
