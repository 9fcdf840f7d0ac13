/**
 * The agent's `GET /sessions` document, the one contract between the agent
 * that writes it and `ghost-hunter top` that reads it: its types, how the
 * agent builds a row, and how a reader checks a body. Pure.
 *
 * @module
 */

/** What the agent has concluded about a session. */
export type SessionVerdict = "normal" | "alerted" | "jittered" | "disclosure-confirmed";

/** The verdicts the agent reports, in order of escalation. */
export const SESSION_VERDICTS: readonly SessionVerdict[] = [
  "normal",
  "alerted",
  "jittered",
  "disclosure-confirmed",
];

/** One session as the agent's `GET /sessions` reports it. */
export interface SessionRow {
  /** The terminal, e.g. `pts/3`. */
  session: string;
  /** The session's user id, or null while the agent has not seen it. */
  uid: number | null;
  /** The process name last seen writing, or null. */
  comm: string | null;
  /** The current score, 0 to 1; null when the agent could not compute one. */
  score: number | null;
  /** Input events scored so far. */
  inputs: number;
  /** Output events scored so far. */
  outputs: number;
  /** The agent's verdict. */
  verdict: SessionVerdict;
  /** The rate of the delays drawn for a jittered session (1/s), or null. */
  lambda: number | null;
  /** Against the user's timing profile (absent or null when the agent keeps no profiles). */
  impostor?: { state: string; user?: string; distance?: number } | null;
}

/** The body of the agent's `GET /sessions`. */
export interface SessionsDocument {
  /** The agent process and its settings. */
  agent: { pid: number; dry_run: boolean; threshold: number };
  /** Every session the agent tracks. */
  sessions: SessionRow[];
}

/** What the agent knows of one session, to make its row. */
export interface SessionState {
  /** The terminal, e.g. `pts/3`. */
  session: string;
  uid: number | undefined;
  comm: string | undefined;
  score: number;
  inputs: number;
  outputs: number;
  /** True from its alert until its score falls back and re-arms. */
  alerted: boolean;
  /** The committed λ while jittered, else undefined. */
  lambda: number | undefined;
  /** True once a disclosure was confirmed in the current jitter episode. */
  disclosed: boolean;
}

/** The verdict of a session: the most escalated thing that holds. */
export function sessionVerdict(state: SessionState): SessionVerdict {
  if (state.disclosed) return "disclosure-confirmed";
  if (state.lambda !== undefined) return "jittered";
  return state.alerted ? "alerted" : "normal";
}

/** One session's row of the document. */
export function sessionRow(state: SessionState): SessionRow {
  return {
    session: state.session,
    uid: state.uid ?? null,
    comm: state.comm ?? null,
    score: state.score,
    inputs: state.inputs,
    outputs: state.outputs,
    verdict: sessionVerdict(state),
    lambda: state.lambda ?? null,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

function isNumberOrNull(value: unknown): value is number | null {
  return value === null || typeof value === "number";
}

/** The problem with one reported session, or undefined when it is well formed. */
function sessionProblem(value: unknown): string | undefined {
  if (!isRecord(value)) return "is not an object";
  if (typeof value.session !== "string") return 'has no string "session"';
  if (value.uid !== null && !isCount(value.uid)) return 'has a bad "uid"';
  if (value.comm !== null && typeof value.comm !== "string") return 'has a bad "comm"';
  if (!isNumberOrNull(value.score)) return 'has a bad "score"';
  if (!isCount(value.inputs) || !isCount(value.outputs)) return 'has bad "inputs" or "outputs"';
  if (!SESSION_VERDICTS.includes(value.verdict as SessionVerdict)) {
    return `has an unknown verdict ${JSON.stringify(value.verdict)}`;
  }
  if (!isNumberOrNull(value.lambda)) return 'has a bad "lambda"';
  return undefined;
}

/**
 * Checks the body of `GET /sessions` against the contract; throws an Error
 * naming the first problem.
 */
export function parseSessionsDocument(body: unknown): SessionsDocument {
  if (!isRecord(body) || !isRecord(body.agent) || !Array.isArray(body.sessions)) {
    throw new Error('expected {"agent": {…}, "sessions": […]}');
  }
  const { pid, dry_run, threshold } = body.agent;
  if (!isCount(pid) || typeof dry_run !== "boolean" || typeof threshold !== "number") {
    throw new Error('"agent" needs a pid, a boolean dry_run and a numeric threshold');
  }
  body.sessions.forEach((session, i) => {
    const problem = sessionProblem(session);
    if (problem !== undefined) throw new Error(`session ${i + 1} ${problem}`);
  });
  return body as unknown as SessionsDocument;
}
