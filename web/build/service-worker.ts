// Emits /sw.js at build time: src/sw.js with the shell's files (index.html, the entry chunk and
// what it imports, its CSS) and a version derived from their hashed names prepended.
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import type { Plugin, Rolldown } from 'vite';

type OutputChunk = Rolldown.OutputChunk;

export function serviceWorker(source: string): Plugin {
  return {
    name: 'qualify:service-worker',
    apply: 'build',
    generateBundle(_options, bundle) {
      const shell = new Set<string>(['/', '/manifest.webmanifest', '/icons/icon.svg', '/icons/icon-192.png']);
      const chunks = Object.values(bundle).filter((c): c is OutputChunk => c.type === 'chunk');
      const byName = new Map(chunks.map((c) => [c.fileName, c]));
      const visit = (chunk: OutputChunk | undefined) => {
        if (!chunk || shell.has(`/${chunk.fileName}`)) return;
        shell.add(`/${chunk.fileName}`);
        for (const css of chunk.viteMetadata?.importedCss ?? []) shell.add(`/${css}`);
        for (const dep of chunk.imports) visit(byName.get(dep));
      };
      for (const chunk of chunks) if (chunk.isEntry) visit(chunk);
      const files = [...shell];
      const version = createHash('sha256').update(files.join('\n')).digest('hex').slice(0, 12);
      const code =
        `const VERSION = ${JSON.stringify(version)};\n` +
        `const SHELL = ${JSON.stringify(files)};\n` +
        readFileSync(source, 'utf8');
      this.emitFile({ type: 'asset', fileName: 'sw.js', source: code });
    },
  };
}
