/**
 * The impostor model the agent uses: constants fitted by `deno task
 * calibrate` on the even-position participants of the Aalto sample (its three
 * variants pooled) and printed there; the odd-position participants are the
 * held-out figures in README.md. `tests/unit/profile_model_test.ts` refits and
 * fails when these drift from what the code fits.
 *
 * @module
 */
import type { ImpostorModel } from "./impostor_model.ts";

/** Fitted constants, in the order of `FEATURE_NAMES`. */
export const DEFAULT_IMPOSTOR_MODEL: ImpostorModel = Object.freeze({
  withinSd: [
    0.044566,
    0.030935,
    0.028527,
    0.026873,
    0.027621,
    0.031657,
    0.036147,
    0.04381,
    0.052588,
    0.064535,
    0.015775,
    0.030753,
    0.046894,
    0.060641,
    0.019842,
    0.025285,
    0.040909,
  ],
  populationMean: [
    1.9848,
    2.0542,
    2.1308,
    2.1887,
    2.2431,
    2.3001,
    2.3668,
    2.4508,
    2.5697,
    2.7435,
    0.10626,
    0.23651,
    0.42632,
    0.63142,
    0.053883,
    0.098306,
    0.0055036,
  ],
  populationSd: [
    0.16451,
    0.14924,
    0.14215,
    0.14197,
    0.14595,
    0.15679,
    0.17374,
    0.19603,
    0.21555,
    0.21966,
    0.02882,
    0.062256,
    0.094159,
    0.10743,
    0.050819,
    0.12964,
    0.022033,
  ],
  bound: 0.036306,
  falseAlertRate: 0.01,
});
