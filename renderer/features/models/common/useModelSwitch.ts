import { useState } from 'react';
import type { EngineState } from '../../../../shared/types';
import { call } from '../../../api/client';

/** A switch asked for while answers are being written: the user says whether they finish or stop. */
export interface PendingSwitch {
  /** The model to switch to; null: unload. */
  path: string | null;
  answers: number;
}

export interface ModelSwitch {
  /** Loads a model (null: unloads the one loaded), first asking when answers are being written. */
  choose: (path: string | null) => Promise<void>;
  /** Loads a model (null: unloads) now, with a policy for answers being written. */
  load: (path: string | null, whileAnswering?: 'wait' | 'stop', answers?: number) => Promise<EngineState | null>;
  pending: PendingSwitch | null;
  cancel: () => void;
  /** Answers being waited for before the switch (0: none). */
  waiting: number;
  /** What the waiting switch goes to (null: an unload). */
  waitingFor: string | null;
  error: string | null;
}

/**
 * One click switches models, and never stops an answer silently: with answers being written the user chooses to
 * let them finish or stop them (SwitchChoice). Used by the model picker and by the library's Use buttons.
 */
export function useModelSwitch(current: string | null): ModelSwitch {
  const [pending, setPending] = useState<PendingSwitch | null>(null);
  const [waiting, setWaiting] = useState(0);
  const [waitingFor, setWaitingFor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = async (path: string | null, whileAnswering: 'wait' | 'stop' = 'wait', answers = 0): Promise<EngineState | null> => {
    setError(null);
    setPending(null);
    setWaiting(whileAnswering === 'wait' ? answers : 0);
    setWaitingFor(path);
    try {
      return path === null ? await call('models:unload', { whileAnswering }) : await call('models:load', { path, whileAnswering });
    } catch (e) {
      setError((e as Error).message);
      return null;
    } finally {
      setWaiting(0);
    }
  };
  const choose = async (path: string | null): Promise<void> => {
    if (path === current) return;
    // Waiting answers will simply run on the new model; only those being written are the user's to decide.
    const answers = (await call('chat:active').catch(() => [])).filter((a) => a.ahead === 0).length;
    if (answers > 0) setPending({ path, answers });
    else await load(path);
  };
  return { choose, load, pending, cancel: () => setPending(null), waiting, waitingFor, error };
}
