import { describe, expect, it } from 'vitest';
import { configDir, DEFAULT_MODEL, resolveLlmSettings } from './settings.js';

describe('resolveLlmSettings', () => {
  it('takes flags over environment over the config file', () => {
    const s = resolveLlmSettings({
      flags: { model: 'flag-model', baseUrl: undefined },
      env: { PROCDOC_MODEL: 'env-model', OPENAI_BASE_URL: 'http://env:1/v1' },
      file: { model: 'file-model', baseUrl: 'http://file:1/v1', apiKey: 'file-key' },
    });
    expect(s).toMatchObject({ model: 'flag-model', baseUrl: 'http://env:1/v1', apiKey: 'file-key', configured: true });
  });

  it('is not configured without a key or a URL, and has a default model', () => {
    const s = resolveLlmSettings({ flags: {}, env: {}, file: null });
    expect(s.configured).toBe(false);
    expect(s.model).toBe(DEFAULT_MODEL);
  });

  it('treats empty variables as unset', () => {
    expect(resolveLlmSettings({ flags: {}, env: { OPENAI_API_KEY: '', OPENAI_BASE_URL: '' }, file: null }).configured).toBe(false);
  });

  it('a base URL alone is enough (servers that need no key)', () => {
    expect(resolveLlmSettings({ flags: { baseUrl: 'http://127.0.0.1:11434/v1' }, env: {}, file: null })).toMatchObject({ configured: true, apiKey: null });
  });
});

describe('configDir', () => {
  it('follows XDG_CONFIG_HOME, else ~/.config', () => {
    expect(configDir({ XDG_CONFIG_HOME: '/x' })).toBe('/x/procdoc');
    expect(configDir({ HOME: '/home/u' })).toBe('/home/u/.config/procdoc');
  });
});

describe('base URL', () => {
  it('is refused as bad usage, naming where it came from, unless it is an http(s) URL', () => {
    const resolve = (flags: { baseUrl?: string }, env: NodeJS.ProcessEnv = {}) => () => resolveLlmSettings({ flags, env, file: null });
    expect(resolve({ baseUrl: 'not a url' })).toThrow(expect.objectContaining({ code: 'usage', message: '--base-url "not a url" is not an http or https URL.' }) as Error);
    expect(resolve({}, { OPENAI_BASE_URL: 'ftp://example.com/v1' })).toThrow(expect.objectContaining({ code: 'usage', message: 'OPENAI_BASE_URL "ftp://example.com/v1" is not an http or https URL.' }) as Error);
    expect(resolve({ baseUrl: 'https://llm.example.com/v1' })()).toMatchObject({ baseUrl: 'https://llm.example.com/v1', configured: true });
  });
});

