/**
 * node-llama-cpp is ESM-only with top-level await, so CommonJS bundles load it with a dynamic import.
 * The one place that does; everything else in electron/inference/ asks here.
 */
let loaded: Promise<typeof import('node-llama-cpp')> | null = null;

export function nodeLlamaCpp(): Promise<typeof import('node-llama-cpp')> {
  loaded ??= import('node-llama-cpp');
  return loaded;
}
