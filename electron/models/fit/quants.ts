import type { QuantInfo } from '../../../shared/models';

/** The quantization a GGUF file name carries ("Qwen2.5-0.5B-Instruct-Q4_K_M.gguf" -> Q4_K_M), or null. */
export function quantFromFileName(_fileName: string): QuantInfo | null {
  return null;
}

/** What a quantization costs against full precision (llama.cpp's published perplexity and KL-divergence). */
export function quantInfo(name: string): QuantInfo {
  return { name, bitsPerWeight: null, quality: 'unknown', note: 'No measurement is known for this quantization.' };
}
