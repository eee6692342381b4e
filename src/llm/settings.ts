import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';
import { DEFAULT_CONTEXT_BUDGET } from '../context/build.js';
import { ProcdocError } from '../errors.js';

/** $XDG_CONFIG_HOME/procdoc/config.json (default ~/.config/procdoc/config.json). */
export const LlmConfigFileSchema = z
  .object({
    apiKey: z.string().min(1).optional(),
    baseUrl: z.url().optional(),
    model: z.string().min(1).optional(),
    /** Per request, in milliseconds. */
    timeoutMs: z.number().int().positive().max(600_000).optional(),
    maxRetries: z.number().int().min(0).max(10).optional(),
    /** Model turns per question. */
    maxSteps: z.number().int().min(1).max(20).optional(),
    /** Prompt + completion tokens per question, all turns together. */
    maxTokens: z.number().int().min(1000).optional(),
    /** Tokens for the context document. */
    contextTokens: z.number().int().min(500).max(100_000).optional(),
  })
  .strict();
export type LlmConfigFile = z.infer<typeof LlmConfigFileSchema>;

export interface LlmSettings {
  /** null: none given; a placeholder is sent to servers that need none. */
  apiKey: string | null;
  baseUrl: string | null;
  model: string;
  timeoutMs: number;
  maxRetries: number;
  maxSteps: number;
  maxTokens: number;
  contextTokens: number;
  /** Whether anything says an LLM should be used at all. */
  configured: boolean;
}

export const DEFAULT_MODEL = 'gpt-4o-mini';
export const NOT_CONFIGURED_HINT =
  'Set OPENAI_BASE_URL (or --base-url) for a local server such as Ollama, or OPENAI_API_KEY for OpenAI, and PROCDOC_MODEL (or --model).';

export function configDir(env: NodeJS.ProcessEnv): string {
  const xdg = env.XDG_CONFIG_HOME;
  const base = xdg !== undefined && xdg !== '' ? xdg : join(env.HOME ?? '/root', '.config');
  return join(base, 'procdoc');
}

/** Flags, then environment, then the config file. Pure. */
export function resolveLlmSettings(input: {
  flags: { model?: string | undefined; baseUrl?: string | undefined };
  env: NodeJS.ProcessEnv;
  file: LlmConfigFile | null;
}): LlmSettings {
  const { flags, env, file } = input;
  const pick = (...values: Array<string | undefined>): string | null => values.find((v) => v !== undefined && v !== '') ?? null;
  const apiKey = pick(env.OPENAI_API_KEY, file?.apiKey);
  const baseUrl = pick(flags.baseUrl, env.OPENAI_BASE_URL, file?.baseUrl);
  if (baseUrl !== null) checkBaseUrl(baseUrl, flags.baseUrl ? '--base-url' : env.OPENAI_BASE_URL ? 'OPENAI_BASE_URL' : 'baseUrl in the config file');
  const model = pick(flags.model, env.PROCDOC_MODEL, file?.model) ?? DEFAULT_MODEL;
  return {
    apiKey,
    baseUrl,
    model,
    timeoutMs: file?.timeoutMs ?? 60_000,
    maxRetries: file?.maxRetries ?? 3,
    maxSteps: file?.maxSteps ?? 6,
    maxTokens: file?.maxTokens ?? 60_000,
    contextTokens: file?.contextTokens ?? DEFAULT_CONTEXT_BUDGET,
    configured: apiKey !== null || baseUrl !== null,
  };
}

/** A base URL is an http(s) URL: anything else is the person's typo, not a server that failed. */
function checkBaseUrl(url: string, from: string): void {
  let protocol: string | null = null;
  try {
    protocol = new URL(url).protocol;
  } catch {
    // not a URL at all
  }
  if (protocol !== 'http:' && protocol !== 'https:') {
    throw new ProcdocError('usage', `${from} "${url}" is not an http or https URL.`, {
      hint: 'Give the server\'s OpenAI-compatible base URL, e.g. --base-url http://localhost:8080/v1.',
    });
  }
}

/** Reads and validates the config file; a missing file is no config, a bad one is a usage error. */
export async function loadLlmConfigFile(env: NodeJS.ProcessEnv): Promise<LlmConfigFile | null> {
  const file = join(configDir(env), 'config.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new ProcdocError('usage', `Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`, {
      hint: 'Fix its permissions or remove it.',
    });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ProcdocError('usage', `${file} is not valid JSON: ${(error as Error).message}`, {
      hint: 'Fix the file; it holds { "baseUrl", "model", "apiKey", "timeoutMs", "maxRetries", "maxSteps", "maxTokens", "contextTokens" }.',
    });
  }
  const parsed = LlmConfigFileSchema.safeParse(data);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new ProcdocError('usage', `${file} is not a valid procdoc config: ${issues}.`, {
      hint: 'Allowed keys: apiKey, baseUrl, model, timeoutMs, maxRetries, maxSteps, maxTokens, contextTokens.',
    });
  }
  return parsed.data;
}
