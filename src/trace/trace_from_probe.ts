/**
 * Turns a probe event into a trace event: the one place where kernel
 * session keys become terminal names and kinds become directions.
 *
 * @module
 */
import { EventKind, type TtyEvent } from "../kernel/abi.ts";
import { InputShape, isInputShape } from "../score/input_shape.ts";
import { sessionName } from "../kernel/session_name.ts";
import { nsToTraceMs, type TraceEvent } from "./trace_event.ts";

/**
 * Whether a probe event is terminal input or output, the only kinds a trace
 * holds: SESSION_END is a signal to the live agent.
 */
export function isTerminalIo(event: TtyEvent): boolean {
  return event.kind === EventKind.INPUT || event.kind === EventKind.OUTPUT;
}

/**
 * The trace event for one input or output probe event, with the optional
 * process fields and, on input, the chunk's shape.
 */
export function traceEventFromProbe(event: TtyEvent): TraceEvent {
  const input = event.kind === EventKind.INPUT;
  const trace: TraceEvent = {
    t: nsToTraceMs(event.timestampNs),
    session: sessionName(event.sessionKey),
    dir: input ? "in" : "out",
    bytes: event.bytes,
    pid: event.tgid,
    uid: event.uid,
    comm: event.comm,
    flags: event.flags,
  };
  // Inputs carry their shape (the probe leaves it 0 on output); a value
  // outside the enum is recorded as unknown, so the trace stays readable.
  if (input) trace.shape = isInputShape(event.shape) ? event.shape : InputShape.UNKNOWN;
  return trace;
}
