import { formatDuration } from '../lib/format.ts';
import type { AnswerStats as Stats } from './conversation.ts';

/** Per-answer numbers: time to first token, decode speed, and where the prompt tokens came from. */
export function AnswerStats({ stats }: { stats: Stats }) {
  const items: [string, string][] = [
    ['First token', formatDuration(stats.timeToFirstTokenMs)],
    ['Speed', `${stats.decodeTokensPerSecond.toFixed(1)} tok/s`],
    ['Answer', `${stats.newTokens} tokens`],
    ['Prompt', `${stats.promptTokens.toLocaleString('en-US')} tokens`],
    ['Image', `${stats.imageTokens.toLocaleString('en-US')} tokens`],
    ['Reused', `${stats.reusedPromptTokens.toLocaleString('en-US')} tokens`],
  ];
  // Work done while the question was typed: "Image ready 2.9 s before Enter".
  if (stats.preparedTokens && stats.preparedAheadMs !== undefined) {
    items.push([stats.imageTokens ? 'Image ready' : 'Prepared', `${formatDuration(stats.preparedAheadMs)} before Enter`]);
  }
  return (
    <dl className="answer-stats" aria-label="Answer statistics">
      {items.map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
