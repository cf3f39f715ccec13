import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../../electron/openai/endpoints/errors';
import { toTurns } from '../../../../electron/openai/endpoints/messages';

describe('toTurns', () => {
  it('keeps system, user and assistant turns, joining text parts and reading developer as system', () => {
    expect(
      toTurns([
        { role: 'developer', content: 'Be brief.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Hello' },
            { type: 'text', text: 'there' },
          ],
        },
        { role: 'assistant', content: 'Hi.' },
      ]),
    ).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hello\nthere' },
      { role: 'assistant', content: 'Hi.' },
    ]);
  });

  it('writes tool calls as the JSON a forced call produces, and tool results as user turns that name the call', () => {
    const turns = toTurns([
      { role: 'user', content: 'Weather in Oslo?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }],
      },
      { role: 'tool', tool_call_id: 'call_1', content: '4 degrees' },
      { role: 'function', name: 'legacy', content: 'ok' },
    ]);
    expect(turns).toEqual([
      { role: 'user', content: 'Weather in Oslo?' },
      { role: 'assistant', content: '{"name":"get_weather","arguments":{"city":"Oslo"}}' },
      { role: 'user', content: 'Result of the tool call to get_weather (call_1):\n4 degrees' },
      { role: 'user', content: 'Result of the function legacy:\nok' },
    ]);
  });

  it('keeps arguments that are not JSON as the string they are', () => {
    const [turn] = toTurns([{ role: 'assistant', content: 'Let me look.', function_call: { name: 'f', arguments: 'not json' } }]);
    expect(turn).toEqual({ role: 'assistant', content: 'Let me look.\n{"name":"f","arguments":"not json"}' });
  });

  it('refuses an image part with its path, never dropping it', () => {
    let error: unknown;
    try {
      toTurns([
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: 'x' } },
          ],
        },
      ]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 400,
      param: 'messages[0].content[1].type',
      message: "messages[0].content[1]: image_url parts are not supported: Hearth's models read text only.",
    });
  });
});
