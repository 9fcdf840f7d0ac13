/**
 * The version `ghost-hunter --version` prints and alerts and metrics carry.
 *
 * @module
 */

/** ghost-hunter's release version (semantic versioning). */
export const VERSION = "0.1.0";
