/**
 * Resolves which shared object to open for a library: an environment
 * override first, then the soname the dynamic loader finds.
 *
 * @module
 */

/** Where a library was looked for, and the first candidate that opened. */
export interface LibraryCandidates {
  /** Environment variable that overrides the path. */
  envVar: string;
  /** Sonames tried after the override, in order. */
  sonames: readonly string[];
}

/**
 * Opens the first candidate of `candidates` with `symbols`. Throws one error
 * listing every path tried and why each failed.
 */
export function openFirst<S extends Deno.ForeignLibraryInterface>(
  candidates: LibraryCandidates,
  symbols: S,
): Deno.DynamicLibrary<S> {
  const override = Deno.env.get(candidates.envVar);
  const paths = override ? [override, ...candidates.sonames] : [...candidates.sonames];
  const failures: string[] = [];
  for (const path of paths) {
    try {
      return Deno.dlopen(path, symbols);
    } catch (error) {
      failures.push(
        `${path} (${error instanceof Error ? error.message : String(error)})`,
      );
    }
  }
  throw new Error(
    `Cannot open ${candidates.sonames[0]}: tried ${failures.join(", ")}; ` +
      `install it or set ${candidates.envVar} to its path`,
  );
}
