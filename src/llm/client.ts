import OpenAI from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { ProcdocError } from '../errors.js';
import { NOT_CONFIGURED_HINT, type LlmSettings } from './settings.js';

export type ChatMessage = ChatCompletionMessageParam;

export interface ToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the arguments. */
  parameters: Record<string, unknown>;
}

export interface ToolCall {
  id: string;
  name: string;
  /** Raw JSON text as the model wrote it: untrusted until parsed with the tool's schema. */
  arguments: string;
}

export interface ChatTurn {
  content: string;
  toolCalls: ToolCall[];
  usage: { promptTokens: number; completionTokens: number };
  finishReason: string | null;
}

export interface ChatRequest {
  messages: readonly ChatMessage[];
  tools: readonly ToolSpec[];
}

export interface ChatHooks {
  /** Streamed text as it arrives. */
  onText?: (delta: string) => void;
  /** A retry is about to happen after `delayMs`. */
  onRetry?: (attempt: number, delayMs: number, reason: string) => void;
}

/** One model turn. Injected into the agent loop so tests and other transports can stand in. */
export interface ChatClient {
  complete(request: ChatRequest, hooks?: ChatHooks): Promise<ChatTurn>;
}

export type LlmFailureKind = 'not-configured' | 'unreachable' | 'auth' | 'refused' | 'timeout' | 'rate-limited' | 'server' | 'bad-response';

/** An LLM that cannot be used; the caller says so in one line and answers offline. */
export class LlmError extends ProcdocError {
  readonly kind: LlmFailureKind;
  constructor(kind: LlmFailureKind, message: string, hint: string, cause?: unknown) {
    super('llm-unavailable', message, { hint, cause });
    this.kind = kind;
  }
}

export function notConfigured(): LlmError {
  return new LlmError('not-configured', 'No LLM is configured.', NOT_CONFIGURED_HINT);
}

/** Placeholder sent to servers that need no key (Ollama, llama.cpp, vLLM without auth). */
const NO_KEY = 'procdoc-no-key';

export interface OpenAiClientDeps {
  sleep: (ms: number) => Promise<void>;
  /** Stream text as it arrives (the CLI on a terminal) or take whole responses. */
  stream: boolean;
  /** For tests: a custom fetch. */
  fetch?: typeof fetch;
}

function describeServer(settings: LlmSettings): string {
  return settings.baseUrl ?? 'api.openai.com';
}

function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)}s` : `${Math.round(ms / 1000)}s`;
}

function backoffMs(attempt: number, retryAfter: string | null | undefined): number {
  const seconds = retryAfter === null || retryAfter === undefined ? NaN : Number(retryAfter);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, 10_000);
  return Math.min(500 * 2 ** attempt, 8000);
}

/** Maps what the openai package throws to one LlmError with a line a person can act on. */
export function classifyError(error: unknown, settings: LlmSettings, timedOut: boolean): LlmError {
  const server = describeServer(settings);
  if (error instanceof LlmError) return error;
  if (timedOut || error instanceof OpenAI.APIConnectionTimeoutError) {
    return new LlmError('timeout', `The LLM server ${server} did not answer within ${seconds(settings.timeoutMs)}.`, 'Check that the server is up and not overloaded, or raise timeoutMs in the procdoc config file.', error);
  }
  if (error instanceof OpenAI.APIConnectionError) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? error.message;
    return new LlmError('unreachable', `The LLM server ${server} is unreachable (${why}).`, 'Check OPENAI_BASE_URL / --base-url and that the server is running.', error);
  }
  if (error instanceof OpenAI.APIError) {
    const status = statusOf(error);
    if (status === 401 || status === 403) {
      return new LlmError('auth', `The LLM server ${server} refused the credentials (HTTP ${status}).`, 'Set a valid OPENAI_API_KEY (or apiKey in the procdoc config file).', error);
    }
    if (status === 429) {
      return new LlmError('rate-limited', `The LLM server ${server} kept rate-limiting (HTTP 429) after ${settings.maxRetries} retries.`, 'Wait and try again, or use another model or server.', error);
    }
    if (status >= 500) {
      return new LlmError('server', `The LLM server ${server} failed (HTTP ${status}) after ${settings.maxRetries} retries.`, 'Try again later, or check the server logs.', error);
    }
    // The SDK's message starts with the status ("404 model not found"): say it once.
    const detail = (error.message.split('\n')[0] ?? '').replace(/^\d{3}\s+/, '').slice(0, 160);
    return new LlmError('refused', `The LLM server ${server} refused the request (HTTP ${status}: ${detail}).`, `Check the model name (PROCDOC_MODEL / --model, now "${settings.model}") and that the server supports tool calls.`, error);
  }
  const message = error instanceof Error ? error.message : String(error);
  return new LlmError('bad-response', `The LLM server ${server} sent a response procdoc could not read (${message.slice(0, 160)}).`, 'Check that the server speaks the OpenAI Chat Completions API with tools.', error);
}

function statusOf(error: { status?: unknown }): number {
  return typeof error.status === 'number' ? error.status : 0;
}

function retryable(error: unknown): { retry: boolean; retryAfter: string | null } {
  if (error instanceof OpenAI.APIError && !(error instanceof OpenAI.APIConnectionError)) {
    const status = statusOf(error);
    if (status === 429 || status >= 500) {
      const headers = error.headers as Headers | undefined;
      return { retry: true, retryAfter: headers?.get?.('retry-after') ?? null };
    }
  }
  return { retry: false, retryAfter: null };
}

/** A ChatClient over the openai package, against any OpenAI-compatible server. */
export function createOpenAiClient(settings: LlmSettings, deps: OpenAiClientDeps): ChatClient {
  if (!settings.configured) throw notConfigured();
  const openai = new OpenAI({
    apiKey: settings.apiKey ?? NO_KEY,
    ...(settings.baseUrl === null ? {} : { baseURL: settings.baseUrl }),
    // Retries and timeouts are ours: bounded, with the injected sleep, and classified.
    maxRetries: 0,
    timeout: settings.timeoutMs,
    ...(deps.fetch === undefined ? {} : { fetch: deps.fetch }),
  });

  const once = async (request: ChatRequest, hooks: ChatHooks | undefined, signal: AbortSignal): Promise<ChatTurn> => {
    const body = {
      model: settings.model,
      messages: [...request.messages],
      ...(request.tools.length > 0
        ? { tools: request.tools.map((t): ChatCompletionTool => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.parameters } })) }
        : {}),
      temperature: 0,
    };
    if (!deps.stream) {
      const completion = await openai.chat.completions.create({ ...body, stream: false }, { signal });
      const choice = completion.choices?.[0];
      if (!choice) throw new Error('no choices in the response');
      const toolCalls: ToolCall[] = (choice.message.tool_calls ?? []).flatMap((c) =>
        c.type === 'function' ? [{ id: c.id, name: c.function.name, arguments: c.function.arguments ?? '' }] : [],
      );
      return {
        content: choice.message.content ?? '',
        toolCalls,
        usage: { promptTokens: completion.usage?.prompt_tokens ?? 0, completionTokens: completion.usage?.completion_tokens ?? 0 },
        finishReason: choice.finish_reason ?? null,
      };
    }
    const stream = await openai.chat.completions.create({ ...body, stream: true, stream_options: { include_usage: true } }, { signal });
    let content = '';
    let finishReason: string | null = null;
    const usage = { promptTokens: 0, completionTokens: 0 };
    const calls = new Map<number, { id: string; name: string; arguments: string }>();
    for await (const chunk of stream) {
      if (chunk.usage) {
        usage.promptTokens = chunk.usage.prompt_tokens ?? 0;
        usage.completionTokens = chunk.usage.completion_tokens ?? 0;
      }
      const choice = chunk.choices?.[0];
      if (!choice) continue;
      const delta = choice.delta;
      if (delta?.content) {
        content += delta.content;
        hooks?.onText?.(delta.content);
      }
      for (const tc of delta?.tool_calls ?? []) {
        const slot = calls.get(tc.index) ?? { id: '', name: '', arguments: '' };
        if (tc.id) slot.id = tc.id;
        if (tc.function?.name) slot.name += tc.function.name;
        if (tc.function?.arguments) slot.arguments += tc.function.arguments;
        calls.set(tc.index, slot);
      }
      if (choice.finish_reason) finishReason = choice.finish_reason;
    }
    // An aborted stream may just end: that is a timeout, not a short answer.
    if (signal.aborted) throw new Error('aborted');
    if (finishReason === null) throw new Error('the stream ended before the answer was complete');
    const toolCalls = [...calls.entries()].sort((a, b) => a[0] - b[0]).map(([i, c]) => ({ ...c, id: c.id === '' ? `call_${i}` : c.id }));
    return { content, toolCalls, usage, finishReason };
  };

  return {
    async complete(request, hooks) {
      for (let attempt = 0; ; attempt++) {
        const controller = new AbortController();
        let timedOut = false;
        const timer = setTimeout(() => {
          timedOut = true;
          controller.abort();
        }, settings.timeoutMs);
        try {
          return await once(request, hooks, controller.signal);
        } catch (error) {
          const { retry, retryAfter } = retryable(error);
          if (!timedOut && retry && attempt < settings.maxRetries) {
            const delay = backoffMs(attempt, retryAfter);
            hooks?.onRetry?.(attempt + 1, delay, error instanceof OpenAI.APIError ? `HTTP ${statusOf(error)}` : 'error');
            await deps.sleep(delay);
            continue;
          }
          throw classifyError(error, settings, timedOut);
        } finally {
          clearTimeout(timer);
        }
      }
    },
  };
}
