// Lint the TypeScript sources with the type-aware recommended rules; generated output is ignored.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
	{ignores: ['dist/', 'node_modules/', 'man/']},
	js.configs.recommended,
	...tseslint.configs.recommended,
	{
		files: ['bin/rotlog'],
		languageOptions: {globals: {process: 'readonly'}},
	},
);
