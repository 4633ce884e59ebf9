// The JS a browser loads for the first screen (sign-in, then the overview): the entry script and every chunk it
// imports statically, followed through the built files. Prints raw and gzip sizes. Run after `npm run build`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const root = 'target/classes/webroot';
const html = readFileSync(join(root, 'index.html'), 'utf8');
const entry = /<script type="module"[^>]*src="\/(assets\/[^"]+\.js)"/.exec(html)?.[1];
if (!entry) throw new Error('no module script in index.html');

const seen = new Set();
const queue = [entry];
while (queue.length) {
  const file = queue.pop();
  if (seen.has(file)) continue;
  seen.add(file);
  const code = readFileSync(join(root, file), 'utf8');
  // Static imports only: `import ... from "./x.js"` and `import "./x.js"`; import() stays lazy.
  for (const m of code.matchAll(/(?:^|[;\n}])\s*import\s*(?:[\w*{}\s,$]+from\s*)?["'](\.\/[^"']+\.js)["']/g)) {
    queue.push(join('assets', m[1].slice(2)));
  }
}
let raw = 0;
let gz = 0;
for (const file of [...seen].sort()) {
  const buf = readFileSync(join(root, file));
  const z = gzipSync(buf, { level: 9 }).length;
  raw += buf.length;
  gz += z;
  console.log(`${(z / 1024).toFixed(1).padStart(7)} KB gz  ${file}`);
}
console.log(
  `${(gz / 1024).toFixed(1).padStart(7)} KB gz  total (${(raw / 1024).toFixed(0)} KB raw, ${seen.size} files)`,
);
