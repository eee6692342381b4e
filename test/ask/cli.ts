import { main } from '../../src/cli/main.js';
import { memoryIo } from '../../src/cli/testing.js';
import { AskResultSchema, type AskResult } from '../../src/llm/answer.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI in-process with captured output and a given environment. */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv = {}, options: { tty?: boolean } = {}): Promise<CliRun> {
  // No user config and no LLM unless a test says so.
  const io = memoryIo({ tty: options.tty === true, env: { HOME: '/nonexistent-home', XDG_CONFIG_HOME: '/nonexistent-config', ...env } });
  const code = await main(argv, io);
  return { code, stdout: io.out, stderr: io.err };
}

/** `procdoc ask --json …`, parsed and checked against the contract. */
export async function askJson(args: string[], env: NodeJS.ProcessEnv = {}): Promise<AskResult & { stderr: string }> {
  const run = await runCli(['ask', '--json', ...args], env);
  if (run.code !== 0) throw new Error(`ask exited ${run.code}: ${run.stderr}`);
  return { ...AskResultSchema.parse(JSON.parse(run.stdout)), stderr: run.stderr };
}
