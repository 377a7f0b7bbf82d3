/**
 * CLI: npm run fetch-model -- <hub id> [--dtype q8|fp32|fp16|q4|q4f16[,...]] [--host URL]
 *        [--revision main] [--id <local id>] [--out public/models]
 * See docs/self-hosting.md.
 */
import { parseArgs } from 'node:util';
import { ALL_DTYPES } from '../../workers/models/registry.ts';
import type { Dtype } from '../../workers/protocol.ts';
import { fetchModel, HUB_HOST } from './fetch-model.ts';

const USAGE = 'Usage: npm run fetch-model -- <hub id> [--dtype q8|fp32|fp16|q4|q4f16[,...]] [--host URL] [--revision main] [--id <local id>] [--out public/models]';

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      dtype: { type: 'string' },
      host: { type: 'string', default: HUB_HOST },
      revision: { type: 'string', default: 'main' },
      id: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || positionals.length !== 1) {
    console.log(USAGE);
    process.exit(values.help ? 0 : 1);
  }
  const dtypes = values.dtype?.split(',').map((dtype) => dtype.trim());
  const unknown = dtypes?.find((dtype) => !(ALL_DTYPES as readonly string[]).includes(dtype));
  if (unknown) throw new Error(`Unknown dtype "${unknown}"; use ${ALL_DTYPES.join(', ')}.`);
  await fetchModel({
    repo: positionals[0]!,
    ...(dtypes ? { dtypes: dtypes as Dtype[] } : {}),
    host: values.host,
    revision: values.revision,
    ...(values.id ? { id: values.id } : {}),
    ...(values.out ? { modelsDir: values.out } : {}),
    log: (line) => console.log(line),
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
