/**
 * Issue 12 on the app path (a), through the bridge as the chat page uses it:
 * - the image attached N seconds before Enter (`bridge.prepare` at attach, `bridge.generate` N s
 *   later; N = 0 generates at once, preempting the preparation), against a question about a
 *   picture the app has not seen, and the greedy tokens against the same question asked without
 *   preparing ahead;
 * - the same bytes asked about again in a new chat (after `reset`, under a new image id);
 * - a follow-up after a long answer, against the same conversation from an empty KV cache.
 * Every measured question brings image bytes the app has not seen before, except where the point
 * is that it has.
 */
import type { PageTurn, VlmBridge } from '../../bridge/vlm-bridge.ts';
import type { GenerateResult } from '../../../workers/protocol.ts';
import { FOLLOW_UP_AFTER_TOKENS, FOLLOW_UP_QUESTION, INSTANT_ANSWER_TOKENS, INSTANT_LEADS_SECONDS } from '../core/settings.ts';
import { matchingPrefix } from '../core/stats.ts';
import type { AheadRun, ColdRun, DetailName, FollowUpRun, InstantRuns } from '../core/types.ts';

export interface InstantOptions {
  bridge: VlmBridge;
  prompt: string;
  details: DetailName[];
  runs: number;
  /** A picture the app has not seen. */
  freshImage(): Promise<Blob>;
  log(message: string): void;
}

interface Timed {
  ttftMs: number;
  result: GenerateResult;
}

let imageIds = 0;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

async function ask(bridge: VlmBridge, turns: PageTurn[], detail: DetailName, maxNewTokens: number): Promise<Timed> {
  let first = Number.NaN;
  const started = performance.now();
  const result = await bridge.generate(turns, { maxNewTokens, sampling: { kind: 'greedy' }, repetitionPenalty: 1, detail }, () => {
    if (Number.isNaN(first)) first = performance.now();
  });
  if (result.error) throw new Error(`The app path failed: ${result.error.name}: ${result.error.message}`);
  return { ttftMs: first - started, result };
}

const question = (text: string, image: Blob, id = `instant-${++imageIds}`): PageTurn => ({ role: 'user', text, images: [{ id, blob: image }] });

/**
 * Attach (prepare) `lead` seconds before Enter, or Enter as soon as the preparation is done
 * (`'prepared'`: a person who typed for at least that long); then the same question from an empty
 * cache, for the tokens.
 */
async function ahead({ bridge, prompt, freshImage }: InstantOptions, detail: DetailName, lead: number | 'prepared'): Promise<AheadRun> {
  await bridge.reset();
  const image = await freshImage();
  const id = `instant-${++imageIds}`;
  const attached = performance.now();
  // What the chat page sends while the question is typed: the images, no text yet.
  const preparing = bridge.prepare([question('', image, id)], detail);
  if (lead === 'prepared') await preparing;
  else if (lead > 0) await sleep(lead * 1000 - (performance.now() - attached));
  const leadSeconds = (performance.now() - attached) / 1000;
  const { ttftMs, result } = await ask(bridge, [question(prompt, image, id)], detail, INSTANT_ANSWER_TOKENS);
  const prepared = await preparing;
  await bridge.reset();
  // The image's features are kept by content: this run differs from the first only in not having prepared.
  const plain = await ask(bridge, [question(prompt, image)], detail, INSTANT_ANSWER_TOKENS);
  const t = result.timings;
  return {
    detail,
    leadSeconds: lead === 'prepared' ? leadSeconds : lead,
    ...(lead === 'prepared' ? { untilPrepared: true } : {}),
    ttftMs,
    outcome: prepared.outcome,
    preparedTokens: t.preparedTokens,
    preparedAheadMs: t.preparedAheadMs,
    reusedPromptTokens: t.reusedPromptTokens,
    promptTokens: t.promptTokens,
    visionEncodeMs: t.visionEncodeMs,
    matchingTokens: matchingPrefix(result.tokenIds, plain.result.tokenIds),
    tokens: plain.result.tokenIds.length,
  };
}

/** A picture the app has not seen, then the same bytes in a new chat under a new id. */
async function cold({ bridge, prompt, freshImage }: InstantOptions, detail: DetailName): Promise<ColdRun> {
  await bridge.reset();
  const image = await freshImage();
  const first = await ask(bridge, [question(prompt, image)], detail, INSTANT_ANSWER_TOKENS);
  await bridge.reset();
  const again = await ask(bridge, [question(prompt, image)], detail, INSTANT_ANSWER_TOKENS);
  return {
    detail,
    ttftMs: first.ttftMs,
    visionEncodeMs: first.result.timings.visionEncodeMs,
    againTtftMs: again.ttftMs,
    againVisionEncodeMs: again.result.timings.visionEncodeMs,
    matchingTokens: matchingPrefix(again.result.tokenIds, first.result.tokenIds),
    tokens: first.result.tokenIds.length,
  };
}

async function followUp({ bridge, prompt, freshImage }: InstantOptions, detail: DetailName): Promise<FollowUpRun> {
  await bridge.reset();
  const image = await freshImage();
  const first = question(prompt, image);
  const previous = await ask(bridge, [first], detail, FOLLOW_UP_AFTER_TOKENS);
  const turns: PageTurn[] = [first, { role: 'assistant', text: previous.result.text }, { role: 'user', text: FOLLOW_UP_QUESTION }];
  const next = await ask(bridge, turns, detail, INSTANT_ANSWER_TOKENS);
  await bridge.reset();
  const scratch = await ask(bridge, turns, detail, INSTANT_ANSWER_TOKENS);
  return {
    previousAnswerTokens: previous.result.tokenIds.length,
    previousPromptTokens: previous.result.timings.promptTokens,
    promptTokens: next.result.timings.promptTokens,
    reusedPromptTokens: next.result.timings.reusedPromptTokens,
    ttftMs: next.ttftMs,
    fromScratchTtftMs: scratch.ttftMs,
    matchingTokens: matchingPrefix(next.result.tokenIds, scratch.result.tokenIds),
    tokens: scratch.result.tokenIds.length,
  };
}

/** Runs interleaved (cold, then each lead, per detail, per run) so a busy machine slows all alike. */
export async function measureInstant(options: InstantOptions): Promise<InstantRuns> {
  const runs: InstantRuns = { ahead: [], cold: [], followUp: [] };
  for (let run = 0; run < options.runs; run++) {
    for (const detail of options.details) {
      options.log(`instant ${run + 1}/${options.runs}: detail ${detail}, a new picture, then the same bytes in a new chat`);
      runs.cold.push(await cold(options, detail));
      for (const lead of [...INSTANT_LEADS_SECONDS, 'prepared' as const]) {
        options.log(`instant ${run + 1}/${options.runs}: detail ${detail}, image attached ${lead === 'prepared' ? 'until prepared' : `${lead} s`} before Enter`);
        runs.ahead.push(await ahead(options, detail, lead));
      }
    }
    options.log(`instant ${run + 1}/${options.runs}: a follow-up after a ${FOLLOW_UP_AFTER_TOKENS}-token answer`);
    runs.followUp.push(await followUp(options, options.details[0] ?? 'low'));
  }
  await options.bridge.reset();
  return runs;
}
