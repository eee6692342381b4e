// Context size and LLM round trips (issue 6). Goal: at most 6,000 tokens with every fact the
// question needs, and at most three LLM round trips for a typical question.
// Plain JS over dist/ (npm run build first). Prints a table; exits 0.
import { createServer } from 'node:http';
import { countTokens } from 'gpt-tokenizer';
import { ROOT, startSleepers } from './lib.mjs';

const dist = (p) => new URL(`../dist/${p}`, import.meta.url).href;
const { takeSnapshot } = await import(dist('snapshot/take.js'));
const { diagnose } = await import(dist('analyzers/diagnose.js'));
const { analyzePipelines, isStalled } = await import(dist('analyzers/pipeline/index.js'));
const { indexSnapshot } = await import(dist('snapshot/query.js'));
const { loadValidator } = await import(dist('validator/index.js'));
const { prepare, explain } = await import(dist('llm/explain.js'));
const { loadPrompts } = await import(dist('llm/prompts.js'));
const { toolSpecs } = await import(dist('llm/tools.js'));
const { createOpenAiClient } = await import(dist('llm/client.js'));
const { resolveLlmSettings } = await import(dist('llm/settings.js'));

const GOAL_TOKENS = 6000;
const GOAL_TRIPS = 3;
const QUESTIONS = ['what is wrong with this machine?', 'why is the sleep group not doing anything?', 'which processes use the most memory?'];

const validator = await loadValidator();
const prompts = await loadPrompts({ HOME: '/nonexistent' }); // built-in prompts, no user override
const toolTokens = countTokens(JSON.stringify(toolSpecs()));

async function measure(label) {
  const t0 = performance.now();
  const snapshot = await takeSnapshot({ procRoot: '/proc', sysRoot: '/sys', deep: false, deepPids: [], sampleMs: 300, serviceManager: true });
  const tSnap = performance.now() - t0;
  const index = indexSnapshot(snapshot);
  const findings = diagnose(snapshot, { validator });
  const pipelineReports = analyzePipelines(snapshot, index).filter(isStalled);
  const rows = [];
  for (const question of QUESTIONS) {
    const t1 = performance.now();
    const p = prepare({ question, snapshot, findings, pipelineReports, prompts });
    const tCtx = performance.now() - t1;
    const total = countTokens(p.system) + countTokens(p.user) + toolTokens;
    rows.push({ label, processes: snapshot.processes.length, question, context: p.context.tokens, total, shown: p.context.included.processes, tCtx, tSnap });
  }
  return { rows, snapshot, findings, pipelineReports };
}

function printRows(rows) {
  console.log(`  ${'host'.padEnd(22)} ${'procs'.padStart(6)} ${'context'.padStart(8)} ${'prompt'.padStart(8)} ${'x goal'.padStart(7)} ${'shown'.padStart(6)} ${'build ms'.padStart(9)} ${'x snapshot'.padStart(11)}  question`);
  for (const r of rows) {
    console.log(
      `  ${r.label.padEnd(22)} ${String(r.processes).padStart(6)} ${String(r.context).padStart(8)} ${String(r.total).padStart(8)} ${(r.total / GOAL_TOKENS).toFixed(2).padStart(7)} ${String(r.shown).padStart(6)} ${r.tCtx.toFixed(1).padStart(9)} ${(r.tCtx / r.tSnap).toFixed(3).padStart(11)}  ${r.question}`,
    );
  }
}

console.log(`Context size (tokens, o200k via gpt-tokenizer). prompt = system + context + question + tool schemas (${toolTokens} of it tools). Goal: prompt <= ${GOAL_TOKENS}.`);
const live = await measure('live host');
const sleepers = await startSleepers(2000);
let big;
try {
  big = await measure('live + 2,000 sleeps');
} finally {
  await sleepers.stop();
}
printRows([...live.rows, ...big.rows]);

// Round trips for a typical question against a scripted OpenAI-compatible server: the model
// looks at one process, then answers. Counts what procdoc's loop adds (nudges, refusals).
const script = [
  (body) => {
    const user = body.messages.find((m) => m.role === 'user').content;
    const pid = Number(/\nP(\d+) /.exec(user)?.[1] ?? 1);
    return { tool_calls: [{ id: 'c1', type: 'function', function: { name: 'process_detail', arguments: JSON.stringify({ pid }) } }] };
  },
  () => ({ tool_calls: [{ id: 'c2', type: 'function', function: { name: 'submit_answer', arguments: JSON.stringify({ summary: 's', rootCause: 'r', evidence: ['H.loadavg'], pids: [1], commands: [{ command: 'systemctl status', why: 'look' }] }) } }] }),
];
let calls = 0;
let sentTokens = 0;
const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const raw = Buffer.concat(chunks).toString('utf8');
    const body = JSON.parse(raw);
    sentTokens += countTokens(JSON.stringify(body.messages)) + countTokens(JSON.stringify(body.tools ?? []));
    const message = (script[calls++] ?? script[1])(body);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id: 'x', object: 'chat.completion', created: 0, model: 'bench', choices: [{ index: 0, finish_reason: 'tool_calls', message: { role: 'assistant', content: null, ...message } }], usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 } }));
  });
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${server.address().port}/v1`;
const settings = resolveLlmSettings({ flags: { baseUrl: url, model: 'bench' }, env: {}, file: null });
const client = createOpenAiClient(settings, { sleep: (ms) => new Promise((r) => setTimeout(r, ms)), stream: false });
const t = performance.now();
const result = await explain({
  question: QUESTIONS[0],
  snapshot: live.snapshot,
  findings: live.findings,
  pipelineReports: live.pipelineReports,
  prompts,
  client,
  check: (c) => validator.check(c, live.snapshot),
});
const loopMs = performance.now() - t;
server.close();
console.log(`\nLLM round trips for "${QUESTIONS[0]}" (scripted model: one tool call, then submit_answer). Goal: <= ${GOAL_TRIPS}.`);
console.log(`  ${'mode'.padEnd(8)} ${'trips'.padStart(6)} ${'x goal'.padStart(7)} ${'tokens sent, all trips'.padStart(24)} ${'loop ms'.padStart(9)}`);
console.log(`  ${result.mode.padEnd(8)} ${String(result.usage.llmCalls).padStart(6)} ${(result.usage.llmCalls / GOAL_TRIPS).toFixed(2).padStart(7)} ${String(sentTokens).padStart(24)} ${loopMs.toFixed(1).padStart(9)}`);
console.log(`\n(root: ${ROOT})`);
process.exit(0);
