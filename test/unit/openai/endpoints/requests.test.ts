import { describe, expect, it } from 'vitest';
import { ApiError, fieldPath, parseBody } from '../../../../electron/openai/endpoints/errors';
import { ChatRequest, CompletionRequest, EmbeddingRequest } from '../../../../electron/openai/endpoints/requests';
import { finishReason, samplingOptions } from '../../../../electron/openai/endpoints/sampling';

function refusal(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('it did not throw');
}

describe('request bodies', () => {
  it('accept what the openai client sends, ignoring fields Hearth has no use for', () => {
    const body = {
      model: 'tiny',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
      stream_options: { include_usage: true },
      user: 'someone',
      metadata: { a: 'b' },
      parallel_tool_calls: false,
      temperature: null,
    };
    expect(parseBody(ChatRequest, body)).toMatchObject({ model: 'tiny', stream: true, temperature: null });
    expect(parseBody(CompletionRequest, { model: 'tiny', prompt: ['Once'] }).prompt).toEqual(['Once']);
    expect(parseBody(EmbeddingRequest, { model: 'e', input: 'x', encoding_format: 'base64' }).encoding_format).toBe('base64');
  });

  it('are refused with a 400 that names the field', () => {
    expect(refusal(() => parseBody(ChatRequest, { messages: [{ role: 'robot', content: 'x' }] }))).toMatchObject({
      status: 400,
      param: 'messages[0].role',
    });
    const e = refusal(() => parseBody(ChatRequest, { messages: [{ role: 'user', content: 'x' }], temperature: 3 }));
    expect(e.param).toBe('temperature');
    expect(e.message).toMatch(/^temperature: /);
    expect(refusal(() => parseBody(ChatRequest, { messages: [] })).param).toBe('messages');
    expect(refusal(() => parseBody(ChatRequest, [1, 2])).message).toBe('The request body must be a JSON object.');
    expect(refusal(() => parseBody(EmbeddingRequest, { input: 'x', encoding_format: 'hex' })).param).toBe('encoding_format');
  });

  it('name nested fields as OpenAI does', () => {
    expect(fieldPath(['messages', 0, 'content', 1, 'text'])).toBe('messages[0].content[1].text');
    expect(fieldPath([])).toBe('');
  });
});

describe('sampling', () => {
  it("uses OpenAI's defaults and turns stop into a list", () => {
    expect(samplingOptions({})).toEqual({ temperature: 1, stop: [] });
    expect(samplingOptions({ temperature: 0, top_p: 0.5, seed: 7, stop: 'END' })).toEqual({
      temperature: 0,
      topP: 0.5,
      seed: 7,
      stop: ['END'],
    });
    expect(samplingOptions({ top_p: 1, frequency_penalty: 0, logit_bias: {} })).toEqual({ temperature: 1, stop: [] });
  });

  it('refuses what the engine cannot honour, in words', () => {
    expect(refusal(() => samplingOptions({ n: 2 }))).toMatchObject({
      status: 400,
      param: 'n',
      message: 'Hearth writes one choice per request: n must be 1.',
    });
    expect(refusal(() => samplingOptions({ presence_penalty: 0.5 })).param).toBe('presence_penalty');
    expect(refusal(() => samplingOptions({ logit_bias: { '50256': -100 } })).param).toBe('logit_bias');
  });

  it('maps how the engine stopped to a finish_reason', () => {
    expect(finishReason('eog')).toBe('stop');
    expect(finishReason('stopString')).toBe('stop');
    expect(finishReason('maxTokens')).toBe('length');
    expect(finishReason('contextFull')).toBe('length');
    expect(finishReason('functionCalls')).toBe('tool_calls');
  });
});
