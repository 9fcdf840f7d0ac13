/**
 * Types the first keystrokes of one real Aalto participant at their real
 * times, through whatever terminal a test drives (a bare pty, an ssh login).
 * Only the sizes and times are real: every key is an "a".
 *
 * @module
 */
import { sleep } from "./agent.ts";
import { loadHumanSessions } from "../../tools/sessions/human_sessions.ts";

/** Sends `inputs` of the first participant's keystrokes to `type`, each at its real offset. */
export async function typeLikeAPerson(
  type: (text: string) => unknown,
  inputs: number,
): Promise<void> {
  const [session] = await loadHumanSessions({ limit: 1, variant: "plain" });
  if (session === undefined) throw new Error("Cannot type like a person: no participant loaded");
  const events = session.events.slice(0, inputs);
  const start = performance.now();
  const t0 = events[0]?.t ?? 0;
  for (const event of events) {
    const wait = event.t - t0 - (performance.now() - start);
    if (wait > 0) await sleep(wait);
    await type("a".repeat(event.bytes));
  }
}
