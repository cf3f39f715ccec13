import type { FitEstimate, MachineReport } from '../../../shared/models';
import type { InspectResult } from '../../inference/protocol';

/** The verdict and expected speed for a model at the context size its inspect result was made for. */
export function estimateFit(inspect: InspectResult, _machine: MachineReport): FitEstimate {
  return {
    verdict: 'cpu-only',
    label: 'CPU only',
    contextSize: inspect.fit.contextSize,
    gpuLayers: inspect.fit.gpuLayers,
    layers: inspect.layers,
    ramBytes: inspect.fit.ramBytes,
    vramBytes: inspect.fit.vramBytes,
    score: inspect.fit.compatibilityScore,
    tokensPerSecond: null,
  };
}
