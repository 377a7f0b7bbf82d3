/**
 * The demo model's training script tokenises in Python; the app tokenises with transformers.js.
 * They must agree id for id, or the model is trained on prompts the app never sends. Usage:
 *   tsx scripts/demo-model/check-tokenizer.ts <folder with tokenizer.json + tokenizer_config.json> <cases.json>
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { AutoTokenizer, env } from '@huggingface/transformers';

const [folder, casesPath] = process.argv.slice(2);
if (!folder || !casesPath) throw new Error('usage: check-tokenizer.ts <model folder> <cases.json>');
env.allowRemoteModels = false;
env.allowLocalModels = true;
env.localModelPath = path.dirname(path.resolve(folder)) + '/';
const tokenizer = await AutoTokenizer.from_pretrained(path.basename(folder));
const cases = JSON.parse(await readFile(casesPath, 'utf8')) as { text: string; ids: number[] }[];
let bad = 0;
for (const { text, ids } of cases) {
  const got = tokenizer.encode(text, { add_special_tokens: false });
  if (got.length !== ids.length || got.some((id, i) => id !== ids[i])) {
    bad++;
    if (bad <= 3) console.error(`mismatch for ${JSON.stringify(text.slice(0, 200))}\n  python ${ids.slice(0, 40).join(',')}\n  js     ${got.slice(0, 40).join(',')}`);
  }
}
console.log(`tokenizer check: ${cases.length - bad} of ${cases.length} chats tokenised identically`);
if (bad) process.exit(1);
