import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

export default {
  preprocess: vitePreprocess(),
  compilerOptions: { runes: true },
  // Pages are keyed by path (App.svelte), so reading their params once when created is intended.
  onwarn: (warning, handler) => {
    if (warning.code !== 'state_referenced_locally') handler(warning);
  },
};
