// The teacher's first load, from the build's manifest: the entry (index.html's script, what it
// imports statically, its CSS) plus the page a teacher lands on (home when logged in, login
// when not) with its own static imports. Asserts it is at most 80 KB of JS and CSS gzipped and
// that no staff page (src/routes/trainer|hr|admin|desk), no chart library (echarts, zrender)
// and no QR decoder (jsQR, loaded when someone scans) is in it; and that every staff page is a
// lazily loaded chunk of its own. SIZE_OUT=file also writes the figures as JSON (for `make bench`).
import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const LIMIT = 80 * 1024;
const STAFF = /^src\/routes\/(trainer|hr|admin|desk)\//;
const CHARTS = /node_modules\/(echarts|zrender)\//;
const DECODER = /node_modules\/jsqr\//;
const dist = new URL('../dist/', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('.vite/manifest.json', dist), 'utf8'));

function closure(keys) {
  const seen = new Set();
  const visit = (key) => {
    if (seen.has(key)) return;
    seen.add(key);
    for (const dep of manifest[key]?.imports ?? []) visit(dep);
  };
  keys.forEach(visit);
  return seen;
}

function files(keys) {
  const out = new Set();
  for (const key of keys) {
    const chunk = manifest[key];
    out.add(chunk.file);
    for (const css of chunk.css ?? []) out.add(css);
  }
  return [...out];
}

const gz = (file) => gzipSync(readFileSync(new URL(file, dist)), { level: 9 }).length;
const entry = Object.keys(manifest).find((k) => manifest[k].isEntry);
let failed = false;
const figures = { limitBytes: LIMIT, firstLoad: {} };

for (const landing of ['src/routes/teacher/Home.svelte', 'src/routes/public/Login.svelte']) {
  if (!manifest[landing]) {
    console.error(`size: ${landing} is not a chunk of its own`);
    failed = true;
    continue;
  }
  const keys = closure([entry, landing]);
  const list = files(keys);
  const total = list.reduce((sum, f) => sum + gz(f), 0);
  const staff = [...keys].filter((k) => STAFF.test(k) || (manifest[k].src && STAFF.test(manifest[k].src)));
  const name = landing.split('/').pop();
  figures.firstLoad[name.replace('.svelte', '').toLowerCase()] = {
    gzipBytes: total,
    jsBytes: list.filter((f) => f.endsWith('.js')).reduce((sum, f) => sum + gz(f), 0),
    cssBytes: list.filter((f) => f.endsWith('.css')).reduce((sum, f) => sum + gz(f), 0),
    files: list.length,
  };
  console.log(`size: first load landing on ${name}: ${(total / 1024).toFixed(1)} KB gzipped in ${list.length} files (limit ${LIMIT / 1024} KB)`);
  for (const f of list) console.log(`        ${(gz(f) / 1024).toFixed(1).padStart(6)} KB  ${f}`);
  if (total > LIMIT) {
    console.error(`size: over the limit by ${((total - LIMIT) / 1024).toFixed(1)} KB`);
    failed = true;
  }
  const charts = [...keys].filter((k) => CHARTS.test(k) || CHARTS.test(manifest[k].src ?? '') || /echarts|zrender/i.test(manifest[k].file));
  if (charts.length) {
    console.error(`size: chart code in the teacher's first load: ${charts.join(', ')}`);
    failed = true;
  }
  const decoder = [...keys].filter((k) => DECODER.test(k) || DECODER.test(manifest[k].src ?? '') || /jsqr/i.test(manifest[k].file));
  if (decoder.length) {
    console.error(`size: the QR decoder in the teacher's first load: ${decoder.join(', ')}`);
    failed = true;
  }
  // A chunk's own source modules are not in the manifest; grep the files for staff markers too.
  for (const f of list) {
    const text = readFileSync(new URL(f, dist), 'utf8');
    if (/echarts|zrender|staff-desk-marker/.test(text)) {
      console.error(`size: ${f} in the teacher's first load carries staff or chart code`);
      failed = true;
    }
    // jsQR's own error text, which survives minification.
    if (text.includes('Invalid monomial degree')) {
      console.error(`size: ${f} in the teacher's first load carries the QR decoder`);
      failed = true;
    }
  }
  if (staff.length) {
    console.error(`size: staff code in the teacher's first load: ${staff.join(', ')}`);
    failed = true;
  }
}

// The staff desk must exist as chunks of its own (so the check above means something).
const staffChunks = Object.keys(manifest).filter((k) => STAFF.test(k));
const dashboard = manifest['src/routes/admin/Dashboard.svelte'];
const chartChunk = Object.keys(manifest).find((k) => /charts\.ts$/.test(k) && manifest[k].isDynamicEntry);
if (!dashboard || !chartChunk) {
  console.error('size: the dashboard or its lazily loaded chart chunk is missing from the build');
  failed = true;
} else {
  console.log(`size: staff chunks: ${staffChunks.length}; charts (${chartChunk}) ${(gz(manifest[chartChunk].file) / 1024).toFixed(1)} KB gzipped, loaded by the dashboard only`);
}
if (staffChunks.length === 0) {
  console.error('size: no staff chunk found in the build');
  failed = true;
}
// Every staff page (src/routes/index.ts) is reached only through its dynamic import.
const pages = readFileSync(new URL('../src/routes/index.ts', import.meta.url), 'utf8');
const staffPages = [...pages.matchAll(/import\('\.\/((?:trainer|hr|admin|desk)\/[^']+\.svelte)'\)/g)];
console.log(`size: ${staffPages.length} staff pages, each to be a lazily loaded chunk of its own`);
if (staffPages.length === 0) {
  console.error('size: no staff page found in src/routes/index.ts');
  failed = true;
}
for (const [, page] of staffPages) {
  const key = `src/routes/${page}`;
  if (!manifest[key]?.isDynamicEntry) {
    console.error(`size: staff page ${key} is not a lazily loaded chunk of its own`);
    failed = true;
  }
}
if (process.env.SIZE_OUT) writeFileSync(process.env.SIZE_OUT, `${JSON.stringify(figures, null, 2)}\n`);
process.exit(failed ? 1 : 0);
