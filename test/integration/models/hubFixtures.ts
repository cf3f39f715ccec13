import { randomBytes } from 'node:crypto';
import { HubService, type HubOptions } from '../../../electron/models/hub/hubService';
import type { MachineSource } from '../../../electron/models/ports';
import { forkSpawner } from '../../../electron/inference/forkSpawner';
import { InferenceHost } from '../../../electron/inference/host';
import { Scheduler } from '../../../electron/scheduler/scheduler';
import type { FakeHubRepo } from '../../helpers/fakeHubTypes';
import { WORKER_PATH } from '../../helpers/fixtures';

export const SHA_A = 'a'.repeat(40);
export const SHA_B = 'b'.repeat(40);

const bytes = (n: number): Buffer => randomBytes(n);

/** Repositories shaped like the Hub's: quantizations, a split file, a projector, a README, licences of each kind. */
export function sampleRepos(): FakeHubRepo[] {
  return [
    {
      id: 'bartowski/Tiny-Chat-GGUF',
      sha: SHA_A,
      license: 'apache-2.0',
      downloads: 500,
      likes: 7,
      pipelineTag: 'text-generation',
      lastModified: '2025-03-01T10:00:00.000Z',
      files: [
        { path: '.gitattributes', bytes: Buffer.from('*.gguf filter=lfs\n') },
        { path: 'README.md', bytes: Buffer.from('# Tiny\n') },
        { path: 'Tiny-Chat-Q4_K_M.gguf', bytes: bytes(300) },
        { path: 'Tiny-Chat-Q8_0.gguf', bytes: bytes(500) },
        { path: 'mmproj-Tiny-Chat-f16.gguf', bytes: bytes(90) },
        { path: 'Tiny-Chat-F16/Tiny-Chat-F16-00002-of-00002.gguf', bytes: bytes(400) },
        { path: 'Tiny-Chat-F16/Tiny-Chat-F16-00001-of-00002.gguf', bytes: bytes(600) },
        // A split file with its second part missing can never load, so it is no quantization to offer.
        { path: 'Tiny-Chat-Q2_K-00001-of-00002.gguf', bytes: bytes(100) },
      ],
    },
    {
      id: 'meta-llama/Llama-3.1-Tiny-GGUF',
      sha: SHA_B,
      license: 'llama3.1',
      gated: true,
      downloads: 900,
      files: [{ path: 'Llama-3.1-Tiny-Q4_K_M.gguf', bytes: bytes(200) }],
    },
    {
      id: 'someone/Tiny-NC-GGUF',
      sha: SHA_A,
      license: 'cc-by-nc-4.0',
      downloads: 300,
      files: [{ path: 'tiny-nc-Q4_0.gguf', bytes: bytes(50) }],
    },
    {
      id: 'Qwen/Qwen-Tiny-Other-GGUF',
      sha: SHA_A,
      license: 'other',
      downloads: 250,
      files: [{ path: 'qwen-tiny-q8_0.gguf', bytes: bytes(60) }],
    },
    {
      id: 'nomic-ai/nomic-embed-text-tiny-GGUF',
      sha: SHA_A,
      license: 'apache-2.0',
      pipelineTag: 'feature-extraction',
      downloads: 400,
      files: [{ path: 'nomic-embed-text-tiny.Q8_0.gguf', bytes: bytes(70) }],
    },
    {
      id: 'someone/Tiny-Sentence-GGUF',
      sha: SHA_A,
      license: 'mit',
      pipelineTag: 'sentence-similarity',
      downloads: 100,
      files: [{ path: 'tiny-sentence-f16.gguf', bytes: bytes(70) }],
    },
    // Safetensors only: the Hub tags it without `gguf`, so a GGUF search never finds it.
    {
      id: 'someone/Tiny-Safetensors',
      sha: SHA_A,
      license: 'mit',
      downloads: 10_000,
      files: [{ path: 'model.safetensors', bytes: bytes(40) }],
    },
  ];
}

/** The engine as the backend builds it; nothing is spawned until a job runs. */
export function engine(): { host: InferenceHost; scheduler: Scheduler } {
  const host = new InferenceHost(forkSpawner(WORKER_PATH), { gpu: 'off' });
  const scheduler = new Scheduler(host, { loadOptions: () => ({ contextSize: 256, threads: 1 }) });
  return { host, scheduler };
}

/** A machine whose report cannot be read: listings must still come back, each file saying why it has no fit. */
export const unreadableMachine: MachineSource = {
  report: () => Promise.reject(new Error('the GPU doctor is out')),
};

export function hubService(o: Partial<HubOptions> & Pick<HubOptions, 'hubUrl' | 'dataDir' | 'scheduler'>): HubService {
  return new HubService({ machine: unreadableMachine, isDownloaded: () => false, ...o });
}
