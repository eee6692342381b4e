import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ProcdocError } from '../errors.js';
import { configDir } from './settings.js';

export const PROMPT_NAMES = ['system.md', 'remediation.md', 'pipeline.md'] as const;
export type PromptName = (typeof PROMPT_NAMES)[number];
export type Prompts = Record<PromptName, string>;

/** prompts/ of the package: two levels up from src/llm/ and from dist/llm/ alike. */
export function packagePromptDir(): string {
  return fileURLToPath(new URL('../../prompts/', import.meta.url));
}

/** Drops the leading `<!-- … -->` header that says what a prompt is for. */
export function stripHeader(text: string): string {
  return text.replace(/^\s*<!--[\s\S]*?-->\s*/, '').trim();
}

/** Loads the prompts, each from the user's override directory when a file is there. */
export async function loadPrompts(env: NodeJS.ProcessEnv, packageDir = packagePromptDir()): Promise<Prompts> {
  const userDir = join(configDir(env), 'prompts');
  const load = async (name: PromptName): Promise<string> => {
    for (const dir of [userDir, packageDir]) {
      try {
        return stripHeader(await readFile(join(dir, name), 'utf8'));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
          throw new ProcdocError('usage', `Cannot read prompt ${join(dir, name)}: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`, {
            hint: `Fix or remove the file; the built-in prompts are in ${packageDir}.`,
          });
        }
      }
    }
    throw new ProcdocError('internal', `The prompt ${name} is missing from ${packageDir}.`, { hint: 'Reinstall procdoc; prompts/ ships with the package.' });
  };
  const [system, remediation, pipeline] = await Promise.all(PROMPT_NAMES.map(load));
  return { 'system.md': system!, 'remediation.md': remediation!, 'pipeline.md': pipeline! };
}
