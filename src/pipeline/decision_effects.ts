/**
 * What one jitter decision becomes in the live agent: an alert to write, a
 * command for the actuator Worker, a log line; any of them or none. Pure, so
 * the mapping is tested without a kernel.
 *
 * @module
 */
import { type EcsAlert, ecsAlert } from "../alerts/ecs_alert.ts";
import { type ActuatorCommand, releaseAtCommand } from "../actuation/actuator_protocol.ts";
import type { JitterDecision } from "../response/jitter_policy.ts";

/** Alert actions of the decisions that are alerts. */
export const DECISION_ACTIONS: Partial<Record<JitterDecision["kind"], string>> = {
  "jitter-start": "ghost-hunter-jitter-start",
  "lambda-changed": "ghost-hunter-lambda-changed",
  "jitter-stop": "ghost-hunter-jitter-stop",
  "disclosure-confirmed": "ghost-hunter-disclosure-confirmed",
};

/** A log line a decision asks for. */
export interface DecisionLog {
  level: "debug" | "info" | "warning";
  message: string;
  properties: Record<string, unknown>;
}

/** Everything one decision asks of the agent. */
export interface DecisionEffects {
  alert?: EcsAlert;
  command?: ActuatorCommand;
  log?: DecisionLog;
}

/** Options of {@linkcode decisionEffects}. */
export interface DecisionContext {
  /** Kernel dev_t of the decision's terminal, for a `hold`. */
  key: number;
  /** The thread the probe stopped for the input a `delay` is drawn for, or null where none. */
  writerTid: number | null;
  /** Decide and log only: alerts say so. */
  dryRun: boolean;
  /** The alert's `@timestamp`. */
  now: Date;
}

function decisionAlert(decision: JitterDecision, action: string, context: DecisionContext) {
  const { kind: _kind, session: _session, t, ...details } = decision;
  return ecsAlert({
    action,
    session: decision.session,
    timestamp: context.now,
    ghostHunter: { ...details, trace_t_ms: t, dry_run: context.dryRun },
  });
}

/** Maps one decision to its alert, writer command and log line. */
export function decisionEffects(
  decision: JitterDecision,
  context: DecisionContext,
): DecisionEffects {
  const action = DECISION_ACTIONS[decision.kind];
  const effects: DecisionEffects = action === undefined
    ? {}
    : { alert: decisionAlert(decision, action, context) };
  switch (decision.kind) {
    case "jitter-start":
      effects.command = {
        type: "hold",
        session: decision.session,
        sessionKey: context.key,
        lambdaScaled: decision.lambdaScaled,
      };
      break;
    case "lambda-changed":
      effects.command = {
        type: "lambda",
        session: decision.session,
        lambdaScaled: decision.lambdaScaled,
      };
      break;
    case "delay":
      effects.command = releaseAtCommand(decision, context.writerTid);
      effects.log = {
        level: "debug",
        message: "Delay drawn",
        properties: { ...decision, dry_run: context.dryRun },
      };
      break;
    case "jitter-stop":
      effects.command = { type: "stop", session: decision.session };
      break;
    case "lambda-clamped":
      effects.log = {
        level: "warning",
        message: "Lambda outside its bounds, clamped",
        properties: { ...decision.warning },
      };
      break;
    case "disclosure-not-observed":
      effects.log = {
        level: "info",
        message: "No disclosure after jitter",
        properties: { ...decision },
      };
      break;
    case "disclosure-confirmed":
      break;
  }
  return effects;
}
