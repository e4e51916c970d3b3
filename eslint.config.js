// Lint the TypeScript sources with typescript-eslint's recommended rules (syntax only, not type-aware:
// it needs no program and stays fast); generated output is ignored.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
	{ignores: ['dist/', 'node_modules/', 'man/']},
	js.configs.recommended,
	...tseslint.configs.recommended,
	{
		files: ['bin/rotlog', 'scripts/*.mjs'],
		languageOptions: {globals: {process: 'readonly', console: 'readonly', URL: 'readonly'}},
	},
);
