import { describe, expect, it } from 'vitest';
import { gpuBandwidth, slowestGpuBandwidth } from '../../../../electron/models/fit/gpuBandwidth';

describe('gpuBandwidth', () => {
  it.each([
    ['NVIDIA GeForce RTX 4090', 1008],
    ['NVIDIA GeForce RTX 4070 Ti SUPER', 672],
    ['NVIDIA GeForce RTX 4070', 504],
    ['NVIDIA GeForce RTX 2080 Ti', 616],
    ['NVIDIA GeForce RTX 3060 Ti', 448],
    ['NVIDIA GeForce RTX 5090', 1792],
    ['NVIDIA H100 80GB HBM3', 3350],
    ['NVIDIA H100 PCIe', 2000],
    ['NVIDIA H200', 4800],
    ['NVIDIA A100-SXM4-80GB', 2039],
    ['NVIDIA A100-PCIE-40GB', 1555],
    ['Tesla T4', 320],
    ['NVIDIA L4', 300],
    ['Apple M1', 68.25],
    ['Apple M2 Ultra', 800],
    ['Apple M4 Pro', 273],
    ['AMD Radeon RX 7900 XTX (RADV NAVI31)', 960],
    ['AMD Radeon RX 7900 XT', 800],
    ['AMD Radeon RX 6700 XT', 384],
  ])('knows %s: %d GB/s', (name, gbPerSecond) => {
    expect(gpuBandwidth(name)?.gbPerSecond).toBe(gbPerSecond);
  });

  it('names the device and the source of its number', () => {
    expect(gpuBandwidth('NVIDIA GeForce RTX 4090')?.source).toBe("NVIDIA GeForce RTX 4090: 1008 GB/s (NVIDIA's published specification)");
    expect(gpuBandwidth('Apple M3 Max')?.source).toMatch(/300 GB\/s \(Apple's published specification, the 14-core CPU version/);
  });

  it("never gives a laptop GPU the desktop card's bandwidth", () => {
    expect(gpuBandwidth('NVIDIA GeForce RTX 4090 Laptop GPU')?.gbPerSecond).toBe(576);
    expect(gpuBandwidth('NVIDIA GeForce RTX 3090 Laptop GPU')).toBeNull();
  });

  it('knows nothing of GPUs it has no number for, and matches whole words only', () => {
    expect(gpuBandwidth('Intel(R) UHD Graphics 620')).toBeNull();
    expect(gpuBandwidth('NVIDIA GeForce RTX 40900')).toBeNull();
    expect(gpuBandwidth('NVIDIA A1000')).toBeNull();
  });
});

describe('slowestGpuBandwidth', () => {
  it('takes the slowest of several GPUs, since the layers run on them one after another', () => {
    const two = slowestGpuBandwidth(['NVIDIA GeForce RTX 4090', 'NVIDIA GeForce RTX 3090']);
    expect(two).toMatchObject({ gbPerSecond: 936 });
    expect(two?.source).toMatch(/the slowest of 2 GPUs/);
  });

  it('gives no number when any GPU is unknown, or there is none', () => {
    expect(slowestGpuBandwidth(['NVIDIA GeForce RTX 4090', 'Some Future GPU'])).toBeNull();
    expect(slowestGpuBandwidth([])).toBeNull();
  });
});
