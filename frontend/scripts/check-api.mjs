// Fails when src/api/schema.gen.ts is not what `npm run gen:api` makes from the backend's OpenAPI document,
// so the SPA never builds against types older (or newer) than the API it ships with.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const spec = '../backend/src/main/resources/openapi/openapi.yaml';
const committed = 'src/api/schema.gen.ts';
const dir = mkdtempSync(join(tmpdir(), 'cdc-api-'));
try {
  const fresh = join(dir, 'schema.gen.ts');
  execFileSync(process.execPath, ['node_modules/openapi-typescript/bin/cli.js', spec, '-o', fresh], { stdio: 'pipe' });
  if (readFileSync(fresh, 'utf8') !== readFileSync(committed, 'utf8')) {
    console.error(
      `${committed} is stale: the OpenAPI document changed. Run \`npm run gen:api\` and commit the result.`,
    );
    process.exit(1);
  }
  console.log(`${committed} matches ${spec}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
