// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'fixtures/hosts/*/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "ImportDeclaration[source.value='zod'][importKind!='type'] > :matches(ImportSpecifier, ImportDefaultSpecifier)",
          message: "Use import * as z from 'zod': a named z keeps all of zod in the bundle, 40 locales included (scripts/bundle.mjs).",
        },
      ],
    },
  },
  {
    // Plain JS (benches, fixture generators, build scripts) is outside the TS project.
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    rules: { ...tseslint.configs.disableTypeChecked.rules, 'no-undef': 'off' },
  },
  {
    // CommonJS scripts: the launcher (bin/package.json makes bin/ CommonJS; Node starts those
    // sooner), and a bench that must boot its worker thread as fast as Node can.
    files: ['**/*.cjs', 'bin/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { sourceType: 'commonjs', parserOptions: { projectService: false } },
    rules: { ...tseslint.configs.disableTypeChecked.rules, 'no-undef': 'off', '@typescript-eslint/no-require-imports': 'off' },
  },
);
