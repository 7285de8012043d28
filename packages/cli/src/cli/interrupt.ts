/**
 * Ctrl-C (SIGINT) and SIGTERM during long work: the first asks the work to stop at its next safe point (it then
 * cleans up and exits 130); a second one exits at once, after the synchronous clean-ups registered here (such
 * as removing a temporary file), so that nothing half-written is left either way.
 */
export interface Interrupts {
  readonly signal: AbortSignal;
  /** A synchronous clean-up for an exit at once; returns its removal. */
  onForcedExit(cleanup: () => void): () => void;
  dispose(): void;
}

export const handleInterrupts = (stderr: { write(text: string): unknown }): Interrupts => {
  const controller = new AbortController();
  const cleanups = new Set<() => void>();
  const onSignal = (name: NodeJS.Signals) => {
    if (!controller.signal.aborted) {
      stderr.write(`\n${name}: stopping cleanly (press Ctrl-C again to stop at once)\n`);
      controller.abort();
      return;
    }
    for (const c of cleanups) {
      try {
        c();
      } catch {
        /* best effort: exiting anyway */
      }
    }
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    onForcedExit(cleanup) {
      cleanups.add(cleanup);
      return () => cleanups.delete(cleanup);
    },
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
};
