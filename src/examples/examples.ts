/**
 * "Try an example": generated shapes scenes (public/examples/shapes, written with the built-in
 * model's held-out set by scripts/demo-model/heldout.py) with questions the built-in model
 * answers, and the suggestions shown for the selected model.
 */
import type { ModelEntry } from '../../workers/protocol.ts';

export interface ShapesExample {
  image: string;
  width: number;
  height: number;
  questions: { question: string; answer: string }[];
}

export const EXAMPLES_URL = '/examples/shapes/examples.json';

/** What people can ask any general model about a picture. */
const GENERAL_SUGGESTIONS = ['Describe this image in detail.', 'What does this chart show?', 'Read the text in this screenshot.'];
const GENERAL_EXAMPLE_SUGGESTIONS = ['Describe this image.', 'What shapes and colours do you see?', 'What is on the left side?'];
/** The built-in model knows only these kinds of question (docs/demo-model.md). */
const BUILT_IN_SUGGESTIONS = ['How many shapes are there?', 'What colour is the circle?', 'Where is the triangle?'];

export function parseExamples(json: unknown): ShapesExample[] {
  const list = (json as { examples?: unknown } | null)?.examples;
  if (!Array.isArray(list)) return [];
  return list.filter(
    (item): item is ShapesExample =>
      typeof item === 'object' &&
      item !== null &&
      typeof (item as ShapesExample).image === 'string' &&
      /^[\w.-]+\.(png|jpg)$/.test((item as ShapesExample).image) &&
      Array.isArray((item as ShapesExample).questions),
  );
}

/** Suggestions under the empty chat: the example's own questions when the built-in model will answer them. */
export function suggestionsFor(model: Pick<ModelEntry, 'builtIn'> | null | undefined, example: ShapesExample | null): string[] {
  if (model?.builtIn) return example ? example.questions.map((item) => item.question) : BUILT_IN_SUGGESTIONS;
  return example ? GENERAL_EXAMPLE_SUGGESTIONS : GENERAL_SUGGESTIONS;
}

/** The example after `previous` (cycling), as a File the composer takes like a picked one. */
export async function fetchExample(index: number, fetchImpl: typeof fetch = fetch): Promise<{ example: ShapesExample; file: File }> {
  const response = await fetchImpl(EXAMPLES_URL);
  if (!response.ok) throw new Error(`the examples are missing (${response.status})`);
  const examples = parseExamples(await response.json());
  if (examples.length === 0) throw new Error('the examples list is empty');
  const example = examples[index % examples.length]!;
  const image = await fetchImpl(new URL(example.image, new URL(EXAMPLES_URL, location.href)).href);
  if (!image.ok) throw new Error(`${example.image} is missing (${image.status})`);
  const blob = await image.blob();
  return { example, file: new File([blob], `example-${example.image}`, { type: blob.type || 'image/png' }) };
}
