import { beforeAll, describe, expect, test } from 'vitest';
import { validatorHost } from '../testing.js';
import { loadValidator, type Validator } from '../index.js';
import { ATTACHING_TRACERS, CORPUS } from './commands.js';
import { variantsByTool } from './variants.js';

let validator: Validator;
beforeAll(async () => {
  validator = await loadValidator();
});

const host = validatorHost();
const allowed = (commands: readonly string[]) => commands.filter((c) => validator.check(c, host).decision === 'allow');

describe('the adversarial corpus: no dangerous spelling is allowed', () => {
  test('it has at least 400 commands', () => {
    expect(Object.values(CORPUS).flat().length).toBeGreaterThanOrEqual(400);
  });

  test.each(Object.keys(CORPUS))('%s: none allowed', (cause) => {
    expect(allowed(CORPUS[cause]!)).toEqual([]);
  });

  test('debuggers and tracers that attach ask first, with attaches-to-process', () => {
    for (const c of ATTACHING_TRACERS) {
      const verdict = validator.check(c, host);
      expect(verdict.decision, c).not.toBe('allow');
    }
  });
});

describe('generated variants: every dangerous option of an allowed tool, in every spelling and wrapper', () => {
  test.each([...variantsByTool()])('%s: none allowed', (_tool, variants) => {
    expect(variants.length).toBeGreaterThan(0);
    expect(allowed(variants)).toEqual([]);
  });
});
