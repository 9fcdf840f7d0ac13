/**
 * One screen of `ghost-hunter top`: the running agent's sessions as a table
 * that fits a terminal, with a sparkline of each session's score history.
 * Pure: the snapshot, the history, the user names, the size and the clock
 * all come in as arguments.
 *
 * @module
 */
import type { SessionRow, SessionsDocument } from "../pipeline/sessions_document.ts";

/** How the VERDICT column names a session's standing against its user's profile. */
const IMPOSTOR_LABELS: Record<string, string> = {
  "unknown-user": "user?",
  "no-profile": "no profile",
  "enrolling": "enrolling",
  "shared": "shared",
  "scoring": "owner",
  "impostor": "IMPOSTOR",
};

/** Most scores a sparkline shows, however wide the terminal. */
export const MAX_SPARKLINE_WIDTH = 40;

const SPARK_LEVELS = "▁▂▃▄▅▆▇█";
const COLUMN_GAP = "  ";

/** The table's columns left to right; the sparkline column's width depends on the terminal. */
const COLUMNS = [
  { title: "TERMINAL", width: 9, align: "left" },
  { title: "USER", width: 9, align: "left" },
  { title: "SCORE", width: 5, align: "right" },
  { title: "HISTORY", width: 0, align: "left" },
  { title: "VERDICT", width: 20, align: "left" },
  { title: "λ", width: 6, align: "right" },
  { title: "INPUTS", width: 8, align: "right" },
] as const;

const HISTORY_TITLE = "HISTORY";

const FIXED_WIDTH = COLUMNS.reduce((sum, column) => sum + column.width, 0) +
  COLUMN_GAP.length * (COLUMNS.length - 1);

/**
 * How many scores the sparkline of a `width`-column terminal shows: the
 * columns left after the fixed ones, at least the title's width and at most
 * {@linkcode MAX_SPARKLINE_WIDTH}.
 */
export function sparklineWidth(width: number): number {
  return Math.min(MAX_SPARKLINE_WIDTH, Math.max(HISTORY_TITLE.length, width - FIXED_WIDTH));
}

/**
 * One block character per score, `▁` for [0, 0.125) up to `█` for
 * [0.875, 1]; scores outside 0 to 1 are clamped.
 */
export function sparkline(scores: readonly number[]): string {
  const last = SPARK_LEVELS.length - 1;
  return scores.map((score) => {
    const level = Math.floor(score * SPARK_LEVELS.length);
    return SPARK_LEVELS[Math.min(last, Math.max(0, Number.isNaN(level) ? 0 : level))];
  }).join("");
}

/** User names by uid, from the text of /etc/passwd; malformed lines are skipped. */
export function userNamesFromPasswd(passwd: string): Map<number, string> {
  const names = new Map<number, string>();
  for (const line of passwd.split("\n")) {
    const fields = line.split(":");
    if (fields.length < 3 || fields[0] === "" || !/^\d+$/.test(fields[2]!)) continue;
    const uid = Number(fields[2]);
    if (!names.has(uid)) names.set(uid, fields[0]!);
  }
  return names;
}

/**
 * The last scores of each session the agent reports, bounded twice: at most
 * `capacity` scores per session, and only the sessions of the latest
 * snapshot (the others are forgotten). A session whose input count went
 * down is a new session on a reused terminal, and starts afresh.
 */
export class ScoreHistory {
  #scores = new Map<string, { inputs: number; scores: number[] }>();

  /** Appends each session's current score, keeping the last `capacity`, and forgets absent sessions. */
  record(sessions: readonly SessionRow[], capacity: number): void {
    const next = new Map<string, { inputs: number; scores: number[] }>();
    for (const session of sessions) {
      const previous = this.#scores.get(session.session);
      const scores = previous !== undefined && previous.inputs <= session.inputs
        ? previous.scores
        : [];
      if (session.score !== null && Number.isFinite(session.score)) scores.push(session.score);
      scores.splice(0, Math.max(0, scores.length - capacity));
      next.set(session.session, { inputs: session.inputs, scores });
    }
    this.#scores = next;
  }

  /** The remembered scores of `session`, oldest first; empty when unknown. */
  scoresOf(session: string): readonly number[] {
    return this.#scores.get(session)?.scores ?? [];
  }

  /** How many sessions are remembered. */
  get size(): number {
    return this.#scores.size;
  }
}

/** Options of {@linkcode renderTopFrame}. */
export interface TopFrameOptions {
  /** What the agent reported. */
  snapshot: SessionsDocument;
  /** Score histories, already holding this snapshot's scores. */
  history: ScoreHistory;
  /** User names by uid; a uid missing here is shown as the number. */
  userNames: ReadonlyMap<number, string>;
  /** Terminal columns; no line is longer. */
  width: number;
  /** Terminal rows; the frame has at most this many lines (Infinity: no limit). */
  height: number;
  /** When the snapshot was taken, shown in local time. */
  refreshedAt: Date;
}

/**
 * Replaces all but printable ASCII with "?", so no reported name can move
 * the cursor, recolour the screen or take two columns.
 */
function printable(text: string): string {
  return text.replace(/[^\x20-\x7e]/gu, "?");
}

/** Cuts `text` to `width` characters, ending in "…" when cut. */
function clip(text: string, width: number): string {
  const characters = Array.from(text);
  if (characters.length <= width) return text;
  return width <= 0 ? "" : characters.slice(0, width - 1).join("") + "…";
}

function cell(text: string, width: number, align: "left" | "right"): string {
  const clipped = clip(text, width);
  const padding = " ".repeat(width - Array.from(clipped).length);
  return align === "left" ? clipped + padding : padding + clipped;
}

function twoDigits(n: number): string {
  return String(n).padStart(2, "0");
}

function clockTime(date: Date): string {
  return `${twoDigits(date.getHours())}:${twoDigits(date.getMinutes())}:${
    twoDigits(date.getSeconds())
  }`;
}

/** Two decimals, or two significant digits from 1000 on, so that most values fit six columns. */
function formatNumber(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return "-";
  return Math.abs(value) < 999.995 ? value.toFixed(2) : value.toPrecision(2);
}

function headerLine(snapshot: SessionsDocument, refreshedAt: Date): string {
  const { agent, sessions } = snapshot;
  const count = `${sessions.length} session${sessions.length === 1 ? "" : "s"}`;
  return [
    `agent pid ${agent.pid}`,
    `dry-run ${agent.dry_run ? "yes" : "no"}`,
    `threshold ${formatNumber(agent.threshold)}`,
    count,
    `updated ${clockTime(refreshedAt)}`,
  ].join(" · ");
}

function tableLine(cells: readonly string[], sparkWidth: number): string {
  return COLUMNS.map((column, i) =>
    cell(cells[i]!, column.title === HISTORY_TITLE ? sparkWidth : column.width, column.align)
  ).join(COLUMN_GAP);
}

function sessionLine(
  session: SessionRow,
  options: TopFrameOptions,
  sparkWidth: number,
): string {
  const user = session.uid === null
    ? "-"
    : options.userNames.get(session.uid) ?? String(session.uid);
  return tableLine([
    printable(session.session),
    printable(user),
    formatNumber(session.score),
    sparkline(options.history.scoresOf(session.session).slice(-sparkWidth)),
    verdictCell(session),
    formatNumber(session.lambda),
    String(session.inputs),
  ], sparkWidth);
}

function verdictCell(session: SessionRow): string {
  const label = session.impostor ? IMPOSTOR_LABELS[session.impostor.state] : undefined;
  return label === undefined ? session.verdict : `${session.verdict}, ${label}`;
}

/** Highest score first; sessions without a score last; ties by terminal name. */
function byScoreDescending(a: SessionRow, b: SessionRow): number {
  const scoreA = a.score !== null && Number.isFinite(a.score) ? a.score : -Infinity;
  const scoreB = b.score !== null && Number.isFinite(b.score) ? b.score : -Infinity;
  if (scoreA !== scoreB) return scoreB - scoreA;
  return a.session < b.session ? -1 : a.session > b.session ? 1 : 0;
}

/**
 * Renders one frame: a header line (agent pid, dry-run flag, threshold,
 * session count, time of the snapshot), the column titles, then one line per
 * session by score, highest first. Sessions past the height are summed up
 * in a last line "… N more". Lines are separated by "\n", carry no trailing
 * spaces and are at most `width` characters (all of them one column wide).
 */
export function renderTopFrame(options: TopFrameOptions): string {
  const { snapshot, width, height } = options;
  const sparkWidth = sparklineWidth(width);
  const sessions = [...snapshot.sessions].sort(byScoreDescending);
  const lines = [
    headerLine(snapshot, options.refreshedAt),
    tableLine(COLUMNS.map((column) => column.title), sparkWidth),
  ];
  const rows = height - lines.length;
  if (sessions.length === 0) {
    lines.push("(no terminal sessions yet)");
  } else if (sessions.length <= rows) {
    lines.push(...sessions.map((s) => sessionLine(s, options, sparkWidth)));
  } else if (rows > 0) {
    const shown = sessions.slice(0, rows - 1);
    lines.push(...shown.map((s) => sessionLine(s, options, sparkWidth)));
    lines.push(`… ${sessions.length - shown.length} more`);
  }
  return lines
    .slice(0, Math.max(0, height))
    .map((line) => clip(line, Math.max(0, width)).trimEnd())
    .join("\n");
}
