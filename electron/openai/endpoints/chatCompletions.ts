import type { GenerateInput, GenerateResult } from '../../inference/protocol';
import type { ApiCall, Endpoint, EndpointDeps } from '../types';
import { ApiError, badRequest, parseBody, replyError } from './errors';
import { type JsonSchema, toGrammarSchema } from './jsonSchemaSubset';
import { toTurns } from './messages';
import { resolveChatModel } from './modelResolve';
import { ChatRequest, type ResponseFormat } from './requests';
import { finishReason, samplingOptions, usage } from './sampling';
import { CoalescedSse, DEFAULT_FLUSH_MS, guarded, newId } from './sseStream';
import { parseForcedCall, planTools, SUBSET_NOTE, type ToolPlan, withInstructions } from './toolChoice';

/**
 * API requests share one sequence key, so consecutive requests land on the sequence that holds the last one and
 * node-llama-cpp re-reads only what changed (a shared system prompt, a growing chat).
 */
const SEQUENCE_KEY = 'openai-api';

/** Any JSON object: node-llama-cpp has no generic JSON grammar, but an object open to any properties is one. */
const ANY_OBJECT: JsonSchema = { type: 'object', additionalProperties: true };

interface ToolCallOut {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

interface Answer {
  content: string | null;
  reasoning: string;
  toolCalls: ToolCallOut[];
  finish: 'stop' | 'length' | 'tool_calls';
}

/** `POST /v1/chat/completions`, streamed (SSE) and not, through the scheduler at the API's priority. */
export function chatCompletions(deps: EndpointDeps): Endpoint {
  const flushMs = deps.flushMs ?? DEFAULT_FLUSH_MS;
  const now = deps.now ?? Date.now;
  return async (call) => {
    let sse: CoalescedSse | undefined;
    try {
      const req = parseBody(ChatRequest, call.body);
      const stream = req.stream === true;
      call.note({ stream });
      if (req.logprobs || req.top_logprobs) throw badRequest('logprobs', 'logprobs are not supported by Hearth.');
      const sampling = samplingOptions(req);
      const tools = planTools(req.tools, req.tool_choice);
      const format = responseSchema(req.response_format);
      if (format && tools.kind === 'auto') {
        throw badRequest(
          'response_format',
          'response_format cannot be combined with tools the model may call (tool_choice "auto"): the engine takes a grammar or functions, not both. Use tool_choice "required" or "none".',
        );
      }
      const model = await resolveChatModel(deps, req.model);
      call.note({ model: model.id });
      const turns = toTurns(req.messages);
      const structure =
        tools.kind === 'forced'
          ? { jsonSchema: tools.jsonSchema }
          : tools.kind === 'auto'
            ? { functions: tools.functions }
            : format
              ? { jsonSchema: format }
              : {};
      const input: GenerateInput = {
        sequenceKey: SEQUENCE_KEY,
        turns: tools.kind === 'forced' ? withInstructions(turns, tools.instructions) : turns,
        // 'stop': a chat that does not fit is a 400 (context_length_exceeded), never silently shortened.
        options: { ...sampling, maxTokens: req.max_completion_tokens ?? req.max_tokens ?? 0, overflow: 'stop', ...structure },
      };
      const meta = { id: newId('chatcmpl-'), created: Math.floor(now() / 1000), model: model.id };
      const job = { client: call.client, priority: 'api' as const, signal: call.signal, model: model.path, input };

      if (!stream) {
        const r = await deps.scheduler.generate(job);
        noteTokens(call, r);
        if (call.signal.aborted) return;
        const a = answerOf(r, tools);
        call.reply.json(200, {
          ...meta,
          object: 'chat.completion',
          choices: [
            {
              index: 0,
              message: {
                role: 'assistant',
                content: a.content,
                refusal: null,
                ...(a.reasoning ? { reasoning_content: a.reasoning } : {}),
                ...(a.toolCalls.length > 0 ? { tool_calls: a.toolCalls } : {}),
              },
              logprobs: null,
              finish_reason: a.finish,
            },
          ],
          usage: usage(r),
        });
        return;
      }

      const includeUsage = req.stream_options?.include_usage === true;
      const chunk = (delta: Record<string, unknown>, finish: Answer['finish'] | null = null) => ({
        ...meta,
        object: 'chat.completion.chunk',
        choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
        ...(includeUsage ? { usage: null } : {}),
      });
      // The response starts with the first text: until then a failure (a load that fails, a chat too long for the
      // context) is still an HTTP status, which a client reads more easily than an error event.
      const open = (): CoalescedSse => {
        if (sse) return sse;
        sse = new CoalescedSse(call.reply.sse(), call.signal, flushMs, (kind, text) =>
          chunk(kind === 'text' ? { content: text } : { reasoning_content: text }),
        );
        sse.send(chunk({ role: 'assistant', content: '' }));
        return sse;
      };
      const r = await deps.scheduler.generate({
        ...job,
        // A forced call's JSON is not content: it goes out as tool_calls at the end.
        onEvent: (e) => {
          if (tools.kind !== 'forced' && !call.signal.aborted) guarded(() => open().push(e.kind, e.text));
        },
      });
      noteTokens(call, r);
      if (call.signal.aborted) return;
      const s = open();
      const a = answerOf(r, tools);
      if (tools.kind === 'forced' && a.content) s.push('text', a.content);
      await s.flush();
      a.toolCalls.forEach((c, index) => {
        // OpenAI's shape: the call's id and name first, then its arguments.
        s.send(chunk({ tool_calls: [{ index, id: c.id, type: 'function', function: { name: c.function.name, arguments: '' } }] }));
        s.send(chunk({ tool_calls: [{ index, function: { arguments: c.function.arguments } }] }));
      });
      s.send(chunk({}, a.finish));
      if (includeUsage) s.send({ ...meta, object: 'chat.completion.chunk', choices: [], usage: usage(r) });
      await s.done();
    } catch (error) {
      await replyError(call, error, sse);
    }
  };
}

function noteTokens(call: ApiCall, r: GenerateResult): void {
  call.note({ promptTokens: r.promptTokens, completionTokens: r.completionTokens });
}

/** The grammar a response_format asks for; undefined for plain text. */
function responseSchema(format: ResponseFormat | null | undefined): JsonSchema | undefined {
  if (!format) return undefined;
  switch (format.type) {
    case 'text':
      return undefined;
    case 'json_object':
      return ANY_OBJECT;
    case 'json_schema': {
      const schema = format.json_schema.schema;
      if (schema === undefined) return ANY_OBJECT;
      const checked = toGrammarSchema(schema);
      if (checked.ok) return checked.schema;
      const at = 'response_format.json_schema.schema';
      throw new ApiError(
        400,
        `${at}: ${checked.problems.join('; ')}. ${SUBSET_NOTE}`,
        'invalid_request_error',
        'response_format',
        'unsupported_schema',
      );
    }
    default:
      return format satisfies never;
  }
}

/** What the engine wrote, as OpenAI's message: text, or tool calls (forced, or chosen by the model). */
function answerOf(r: GenerateResult, tools: ToolPlan): Answer {
  const finish = finishReason(r.stopReason);
  if (tools.kind === 'forced') {
    const call = parseForcedCall(r.text);
    // Unparsable only when a limit cut the JSON short: then it is the text it is, with its finish reason.
    if (!call) return { content: r.text, reasoning: r.thoughts, toolCalls: [], finish };
    return {
      content: null,
      reasoning: r.thoughts,
      toolCalls: [{ id: newId('call_'), type: 'function', function: call }],
      finish: 'tool_calls',
    };
  }
  if (r.functionCalls.length > 0) {
    return {
      content: r.text || null,
      reasoning: r.thoughts,
      toolCalls: r.functionCalls.map((c) => ({
        id: newId('call_'),
        type: 'function',
        function: { name: c.name, arguments: JSON.stringify(c.params ?? {}) },
      })),
      finish: 'tool_calls',
    };
  }
  return { content: r.text, reasoning: r.thoughts, toolCalls: [], finish };
}
