// Lint: typescript-eslint's recommended rules plus the layer boundary of STYLE.md rule 1:
// the pure layers (raft, store, tensor kernels, fed strategies) import no I/O and read no
// clock or global randomness.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const ioModules = [
  'node:net',
  'node:fs',
  'node:fs/promises',
  'node:child_process',
  'node:http',
  'node:dgram',
  'node:worker_threads',
  'node:timers',
  'node:timers/promises',
  'net',
  'fs',
  'child_process',
  'level',
  'classic-level',
  '@grpc/grpc-js',
  '@grpc/proto-loader',
  'fastify',
  'pino',
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'native/build/**', 'data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/ban-ts-comment': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: [
      'src/raft/**/*.ts',
      'src/store/**/*.ts',
      'src/tensor/kernels/**/*.ts',
      'src/fed/**/*.ts',
    ],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ioModules.map((name) => ({
            name,
            message: 'pure layer: no I/O (STYLE.md rule 1)',
          })),
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: 'pure layer: time comes in through tick() or ApplyEnv' },
        { name: 'setInterval', message: 'pure layer: time comes in through tick() or ApplyEnv' },
        { name: 'setImmediate', message: 'pure layer: no scheduling' },
        { name: 'performance', message: 'pure layer: no clock' },
        { name: 'process', message: 'pure layer: no process state' },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'pure layer: no clock' },
        { object: 'Math', property: 'random', message: 'pure layer: use the injected Rng' },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.name='Date']", message: 'pure layer: no clock' },
      ],
    },
  },
  {
    files: ['**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
