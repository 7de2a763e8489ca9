import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const WORKSPACES = ['protocol', 'db', 'ui', 'geo', 'dispatch-server', 'console', 'vehicle-agent', 'tests'];
const PACKAGE = { protocol: 'protocol', db: 'db', ui: 'ui', geo: 'geo', 'dispatch-server': 'server', console: 'console', 'vehicle-agent': 'vehicle-agent', tests: 'tests' };

/** One no-restricted-imports rule per workspace: no relative path into another one, no package it may not use. */
function layers(allowed) {
  return Object.entries(allowed).map(([workspace, uses]) => ({
    files: [`${workspace}/**/*.{ts,tsx}`],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { regex: `^(\\.\\./)+(${WORKSPACES.join('|')})(/|$)`, message: 'import another workspace by its package name (@dispatch/...)' },
          {
            regex: `^@dispatch/(?!(${uses.map((u) => PACKAGE[u]).join('|') || '$^'})(/|$))`,
            message: `${workspace} may import only ${uses.map((u) => '@dispatch/' + PACKAGE[u]).join(', ') || 'no other workspace'} (the layers in docs/ARCHITECTURE.md)`,
          },
        ],
      }],
    },
  }));
}

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'tests/artifacts/**', '.data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['console/**/*.tsx', 'vehicle-agent/**/*.tsx', 'vehicle-agent/src/tablet/**/*.ts', 'ui/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  // The layers (docs/ARCHITECTURE.md): protocol → db → geo → dispatch-server, and protocol → ui → console and
  // vehicle-agent. A workspace imports another only by its package name, and only one to its left.
  ...layers({
    protocol: [],
    db: [],
    ui: ['protocol'],
    geo: ['protocol', 'db'],
    'dispatch-server': ['protocol', 'db', 'geo'],
    console: ['protocol', 'ui'],
    'vehicle-agent': ['protocol', 'ui'],
  }),
  {
    files: ['**/*.test.ts', '**/*.test.tsx', 'tests/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
