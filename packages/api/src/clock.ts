import type { Clock } from '@dossier/core';

/** The system clock, which the demo loader can pin to a moment of its simulated two years and release again. */
export interface MovableClock extends Clock {
  pin(at: Date | string | undefined): void;
}

export const movableClock = (): MovableClock => {
  let pinned: Date | undefined;
  return {
    now: () => (pinned ? new Date(pinned) : new Date()),
    pin: (at) => {
      pinned = at === undefined ? undefined : new Date(at);
    },
  };
};
