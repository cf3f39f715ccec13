import { statSync } from 'node:fs';
import type { ChatWrapper, LlamaModel } from 'node-llama-cpp';
import { nodeLlamaCpp } from './nodeLlamaCpp';

/**
 * node-llama-cpp picks a model's chat wrapper by rendering its Jinja template against each built-in wrapper: about
 * 250 ms here, whatever the model's size, and each LlamaChat did it again. One wrapper serves every sequence of a
 * load, and a built-in wrapper (plain settings, no tie to the model) is kept by file, so switching back to a model
 * costs nothing. A Jinja wrapper holds the model's tokenizer and dies with it: never kept.
 */
const kept = new Map<string, ChatWrapper>();
const MAX_KEPT = 32;

export async function chatWrapperFor(model: LlamaModel, path: string): Promise<ChatWrapper> {
  const { resolveChatWrapper, JinjaTemplateChatWrapper } = await nodeLlamaCpp();
  const key = fileKey(path);
  const hit = key ? kept.get(key) : undefined;
  if (hit) return hit;
  const wrapper = resolveChatWrapper(model);
  if (key && !(wrapper instanceof JinjaTemplateChatWrapper)) {
    if (kept.size >= MAX_KEPT) kept.delete(kept.keys().next().value!);
    kept.set(key, wrapper);
  }
  return wrapper;
}

function fileKey(path: string): string | null {
  try {
    const s = statSync(path);
    return `${path}\n${s.size}\n${s.mtimeMs}`;
  } catch {
    return null;
  }
}
