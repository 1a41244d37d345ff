import { fileURLToPath } from 'node:url';

/** Repository root (no trailing slash), so the bench runs the same from any directory. */
export const projectRoot = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');

/** Scratch output (git-ignored): bundles, the child harness. */
export const benchOut = `${projectRoot}/bench/out`;
