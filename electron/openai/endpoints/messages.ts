import type { ChatTurn } from '../../inference/protocol';
import { badRequest } from './errors';
import type { Content, Message, ToolCall } from './requests';

/**
 * OpenAI messages as the engine's turns (system, user, assistant). The engine's chat templates know no tool
 * turns, so tool traffic becomes text the model can read: an assistant's calls are written as the JSON objects a
 * forced call produces (`{"name": ..., "arguments": {...}}`), and a tool's result becomes a user turn that says
 * which call it answers.
 */
export function toTurns(messages: readonly Message[]): ChatTurn[] {
  const names = new Map<string, string>();
  return messages.map((m, i): ChatTurn => {
    const at = `messages[${i}]`;
    switch (m.role) {
      case 'system':
      case 'developer':
        return { role: 'system', content: text(m.content, at) };
      case 'user':
        return { role: 'user', content: text(m.content, at) };
      case 'assistant': {
        const calls: { name: string; arguments: string }[] = (m.tool_calls ?? []).map((c: ToolCall) => {
          names.set(c.id, c.function.name);
          return c.function;
        });
        if (m.function_call) calls.push(m.function_call);
        const parts = [m.content == null ? '' : text(m.content, at), m.refusal ?? '', ...calls.map(callText)].filter((p) => p !== '');
        return { role: 'assistant', content: parts.join('\n') };
      }
      case 'tool': {
        const name = names.get(m.tool_call_id);
        return {
          role: 'user',
          content: `Result of the tool call ${name ? `to ${name} ` : ''}(${m.tool_call_id}):\n${text(m.content, at)}`,
        };
      }
      case 'function':
        return { role: 'user', content: `Result of the function ${m.name}:\n${m.content ?? ''}` };
      default:
        return m satisfies never;
    }
  });
}

/** A call as the JSON object the model writes for one, its arguments parsed back when they are JSON. */
function callText(call: { name: string; arguments: string }): string {
  let args: unknown = call.arguments;
  try {
    args = JSON.parse(call.arguments);
  } catch {
    // Arguments that are not JSON are shown as the string they are.
  }
  return JSON.stringify({ name: call.name, arguments: args });
}

/** A message's text: the string, or its text parts joined. Other parts are refused, never dropped. */
function text(content: Content, at: string): string {
  if (typeof content === 'string') return content;
  return content
    .map((part, j) => {
      const where = `${at}.content[${j}]`;
      if (part.type === 'text' && typeof part.text === 'string') return part.text;
      if (part.type === 'refusal' && typeof part.refusal === 'string') return part.refusal;
      if (part.type === 'text') throw badRequest(`${where}.text`, `${where}.text: a text part needs its text.`);
      throw badRequest(`${where}.type`, `${where}: ${part.type} parts are not supported: Hearth's models read text only.`);
    })
    .join('\n');
}
