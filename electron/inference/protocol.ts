import type { ErrorEnvelope } from '../../shared/errors';
import type { LoadedModel } from '../../shared/types';

/** Messages between the host (main or headless server) and the inference process. Plain data only. */

export type GpuChoice = 'auto' | 'off' | 'cuda' | 'vulkan' | 'metal';

export interface WorkerInit {
  gpu: GpuChoice;
}

export interface ChatTurn {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface LoadOptions {
  /** 0: as large as fits, up to the model's training context. */
  contextSize: number;
  /** 0: node-llama-cpp's choice. */
  threads: number;
}

export interface GenerateOptions {
  /** 0: until the model stops or the context is full. */
  maxTokens: number;
  temperature: number;
  seed?: number;
}

export type StopReason = 'eog' | 'maxTokens' | 'abort' | 'other';

export interface GenerateResult {
  text: string;
  stopReason: StopReason;
  promptTokens: number;
  completionTokens: number;
  timeToFirstTokenMs: number | null;
  durationMs: number;
}

export type HostMessage =
  | { type: 'load'; id: number; path: string; options: LoadOptions }
  | { type: 'unload'; id: number }
  | { type: 'generate'; id: number; turns: ChatTurn[]; options: GenerateOptions }
  | { type: 'abort'; id: number };

export type WorkerMessage =
  | { type: 'ready'; gpu: string }
  | { type: 'result'; id: number; ok: true; value: LoadedModel | GenerateResult | null }
  | { type: 'result'; id: number; ok: false; error: ErrorEnvelope }
  | { type: 'text'; id: number; text: string }
  | { type: 'log'; level: string; message: string };
