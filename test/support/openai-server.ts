import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real local HTTP server (127.0.0.1, port 0) that speaks the OpenAI Chat Completions
 * protocol, plain and streaming (SSE), with tool calls. Each test scripts the replies in
 * order and reads back every request body it received.
 */
export interface ScriptedToolCall {
  name: string;
  /** An object is sent as JSON; a string is sent as is (to send malformed arguments). */
  arguments: string | Record<string, unknown>;
  id?: string;
}

export type ScriptedReply =
  | { content?: string; toolCalls?: ScriptedToolCall[]; usage?: { prompt_tokens: number; completion_tokens: number } }
  | { status: number; error?: string; headers?: Record<string, string> }
  | { hang: true }
  /** Starts a streamed answer, sends some text, then never finishes. */
  | { stallStream: string }
  | { raw: string; contentType?: string }
  | ((request: RecordedRequest) => ScriptedReply);

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The body exactly as received. */
  raw: string;
  /** Parsed JSON body. */
  body: {
    model?: string;
    stream?: boolean;
    messages?: Array<{ role: string; content?: string | null; tool_call_id?: string; tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }> }>;
    tools?: Array<{ type: string; function: { name: string; description?: string; parameters?: unknown } }>;
  } & Record<string, unknown>;
}

export interface OpenAiServer {
  /** Base URL including /v1, for OPENAI_BASE_URL / --base-url. */
  url: string;
  requests: RecordedRequest[];
  /** Adds replies to the script. */
  push(...replies: ScriptedReply[]): void;
  /** Everything every request sent, concatenated: for "this secret never left" assertions. */
  allRequestText(): string;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function toolCallsOf(reply: { toolCalls?: ScriptedToolCall[] }, nextId: () => string): Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }> {
  return (reply.toolCalls ?? []).map((c) => ({
    id: c.id ?? nextId(),
    type: 'function',
    function: { name: c.name, arguments: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments) },
  }));
}

function sendCompletion(
  res: ServerResponse,
  reply: { content?: string; toolCalls?: ScriptedToolCall[]; usage?: { prompt_tokens: number; completion_tokens: number } },
  stream: boolean,
  model: string,
  nextId: () => string,
): void {
  const toolCalls = toolCallsOf(reply, nextId);
  const usage = reply.usage ?? { prompt_tokens: 100, completion_tokens: 20 };
  const finish = toolCalls.length > 0 ? 'tool_calls' : 'stop';
  const base = { id: 'chatcmpl-test', created: 1_700_000_000, model };
  if (!stream) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        ...base,
        object: 'chat.completion',
        choices: [{ index: 0, finish_reason: finish, message: { role: 'assistant', content: reply.content ?? null, ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}) } }],
        usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
      }),
    );
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const send = (chunk: unknown): void => void res.write(`data: ${JSON.stringify(chunk)}\n\n`);
  const chunk = (delta: unknown, finishReason: string | null = null): unknown => ({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finishReason }] });
  send(chunk({ role: 'assistant', content: '' }));
  // Text in small pieces, as a real server streams it.
  const text = reply.content ?? '';
  for (let i = 0; i < text.length; i += 7) send(chunk({ content: text.slice(i, i + 7) }));
  toolCalls.forEach((call, index) => {
    send(chunk({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } }] }));
    const args = call.function.arguments;
    for (let i = 0; i < args.length; i += 11) send(chunk({ tool_calls: [{ index, function: { arguments: args.slice(i, i + 11) } }] }));
  });
  send(chunk({}, finish));
  send({ ...base, object: 'chat.completion.chunk', choices: [], usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens } });
  res.end('data: [DONE]\n\n');
}

/** Starts the server with a script of replies, one per request, in order. */
export async function startOpenAiServer(script: ScriptedReply[] = []): Promise<OpenAiServer> {
  const queue = [...script];
  const requests: RecordedRequest[] = [];
  let calls = 0;
  const nextId = (): string => `call_${++calls}`;
  const server = createServer((req, res) => {
    void (async () => {
      const raw = await readBody(req);
      let body: RecordedRequest['body'] = {};
      try {
        body = JSON.parse(raw === '' ? '{}' : raw) as RecordedRequest['body'];
      } catch {
        // Recorded as is; the reply below says what went wrong.
      }
      const recorded: RecordedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, raw, body };
      requests.push(recorded);
      if (!(req.url ?? '').endsWith('/chat/completions')) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `no route ${req.url ?? ''}`, type: 'invalid_request_error' } }));
        return;
      }
      let reply = queue.shift();
      while (typeof reply === 'function') reply = reply(recorded);
      if (reply === undefined) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: 'the test script has no more replies', type: 'server_error' } }));
        return;
      }
      if ('hang' in reply) return; // never answer; close() destroys the socket
      if ('stallStream' in reply) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        const chunk = { id: 'chatcmpl-test', object: 'chat.completion.chunk', created: 1_700_000_000, model: body.model ?? 'test-model', choices: [{ index: 0, delta: { role: 'assistant', content: reply.stallStream }, finish_reason: null }] };
        res.write(`data: ${JSON.stringify(chunk)}\n\n`);
        return;
      }
      if ('raw' in reply) {
        res.writeHead(200, { 'content-type': reply.contentType ?? 'application/json' });
        res.end(reply.raw);
        return;
      }
      if ('status' in reply) {
        res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
        res.end(JSON.stringify({ error: { message: reply.error ?? `scripted HTTP ${reply.status}`, type: 'scripted' } }));
        return;
      }
      sendCompletion(res, reply, body.stream === true, body.model ?? 'test-model', nextId);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    push: (...replies) => void queue.push(...replies),
    allRequestText: () => requests.map((r) => r.raw).join('\n'),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A reply that calls submit_answer with these fields (defaults fill the rest). */
export function submitAnswer(fields: { summary?: string; rootCause?: string; evidence?: string[]; pids?: number[]; commands?: Array<{ command: string; why: string }> }): ScriptedReply {
  return {
    toolCalls: [
      {
        name: 'submit_answer',
        arguments: { summary: 'scripted summary', rootCause: 'scripted cause', evidence: [], pids: [], commands: [], ...fields },
      },
    ],
  };
}

/** A port on 127.0.0.1 with nothing listening on it: an unreachable LLM server. */
export async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}
