/**
 * Florence-2's tasks as the model defines them: the task tokens its processor maps to prompts,
 * and how each answer is post-processed (the maps of Microsoft's processing_florence2.py, which
 * the onnx-community exports carry in preprocessor_config.json for transformers.js'
 * Florence2Processor). Pure data and functions: the page imports them for the task picker, the
 * worker for the prompt and the post-processing.
 */
import type { PixelBox } from '../protocol.ts';

/**
 * The tasks the app offers: what the processor knows, less segmentation. The segmentation tasks
 * (`<REFERRING_EXPRESSION_SEGMENTATION>`, `<REGION_TO_SEGMENTATION>`) answer with polygons, and
 * transformers.js (4.3) Florence2Processor.post_process_generation does not parse the 'polygons'
 * type (it throws "not yet implemented"); the answer's location tokens must go through its own
 * post-processing, never a parser of ours, so they wait until it does. Nor are
 * `<OPEN_VOCABULARY_DETECTION>` ('description_with_bboxes_or_polygons', the same gap) and
 * `<REGION_PROPOSAL>` (boxes without labels) offered.
 */
export type Florence2TaskId =
  | '<CAPTION>'
  | '<DETAILED_CAPTION>'
  | '<MORE_DETAILED_CAPTION>'
  | '<OCR>'
  | '<OCR_WITH_REGION>'
  | '<OD>'
  | '<DENSE_REGION_CAPTION>'
  | '<CAPTION_TO_PHRASE_GROUNDING>'
  | '<REGION_TO_DESCRIPTION>'
  | '<REGION_TO_CATEGORY>'
  | '<REGION_TO_OCR>';

export interface Florence2Task {
  id: Florence2TaskId;
  /** For the picker. */
  label: string;
  /** What the task needs besides the image: nothing, a phrase, or a region of the image. */
  input: 'none' | 'phrase' | 'region';
  /** Its answer carries boxes (or OCR quadrilaterals) to draw over the image. */
  regions: boolean;
}

export const FLORENCE2_TASKS: readonly Florence2Task[] = [
  { id: '<CAPTION>', label: 'Caption', input: 'none', regions: false },
  { id: '<DETAILED_CAPTION>', label: 'Detailed caption', input: 'none', regions: false },
  { id: '<MORE_DETAILED_CAPTION>', label: 'Paragraph caption', input: 'none', regions: false },
  { id: '<OCR>', label: 'Read text (OCR)', input: 'none', regions: false },
  { id: '<OCR_WITH_REGION>', label: 'Read text with regions', input: 'none', regions: true },
  { id: '<OD>', label: 'Find objects', input: 'none', regions: true },
  { id: '<DENSE_REGION_CAPTION>', label: 'Describe regions', input: 'none', regions: true },
  { id: '<CAPTION_TO_PHRASE_GROUNDING>', label: 'Find a phrase', input: 'phrase', regions: true },
  { id: '<REGION_TO_DESCRIPTION>', label: 'Describe a region', input: 'region', regions: false },
  { id: '<REGION_TO_CATEGORY>', label: 'Name what is in a region', input: 'region', regions: false },
  { id: '<REGION_TO_OCR>', label: 'Read text in a region', input: 'region', regions: false },
];

/**
 * The processor maps (processing_florence2.py): task prompts without and with an input, and the
 * post-processing type of each answer. transformers.js' Florence2Processor reads them from the
 * image processor's config.
 */
export const FLORENCE2_PROCESSOR_TASKS = {
  task_prompts_without_inputs: {
    '<OCR>': 'What is the text in the image?',
    '<OCR_WITH_REGION>': 'What is the text in the image, with regions?',
    '<CAPTION>': 'What does the image describe?',
    '<DETAILED_CAPTION>': 'Describe in detail what is shown in the image.',
    '<MORE_DETAILED_CAPTION>': 'Describe with a paragraph what is shown in the image.',
    '<OD>': 'Locate the objects with category name in the image.',
    '<DENSE_REGION_CAPTION>': 'Locate the objects in the image, with their descriptions.',
    '<REGION_PROPOSAL>': 'Locate the region proposals in the image.',
  },
  task_prompts_with_input: {
    '<CAPTION_TO_PHRASE_GROUNDING>': 'Locate the phrases in the caption: {input}',
    '<REFERRING_EXPRESSION_SEGMENTATION>': 'Locate {input} in the image with mask',
    '<REGION_TO_SEGMENTATION>': 'What is the polygon mask of region {input}',
    '<OPEN_VOCABULARY_DETECTION>': 'Locate {input} in the image.',
    '<REGION_TO_CATEGORY>': 'What is the region {input}?',
    '<REGION_TO_DESCRIPTION>': 'What does the region {input} describe?',
    '<REGION_TO_OCR>': 'What text is in the region {input}?',
  },
  tasks_answer_post_processing_type: {
    '<OCR>': 'pure_text',
    '<OCR_WITH_REGION>': 'ocr',
    '<CAPTION>': 'pure_text',
    '<DETAILED_CAPTION>': 'pure_text',
    '<MORE_DETAILED_CAPTION>': 'pure_text',
    '<OD>': 'description_with_bboxes',
    '<DENSE_REGION_CAPTION>': 'description_with_bboxes',
    '<CAPTION_TO_PHRASE_GROUNDING>': 'phrase_grounding',
    '<REFERRING_EXPRESSION_SEGMENTATION>': 'polygons',
    '<REGION_TO_SEGMENTATION>': 'polygons',
    '<OPEN_VOCABULARY_DETECTION>': 'description_with_bboxes_or_polygons',
    '<REGION_TO_CATEGORY>': 'pure_text',
    '<REGION_TO_DESCRIPTION>': 'pure_text',
    '<REGION_TO_OCR>': 'pure_text',
    '<REGION_PROPOSAL>': 'bboxes',
  },
} as const;

/** Florence-2 quantises coordinates into 1000 bins per side (`<loc_0>` .. `<loc_999>`). */
export const LOCATION_BINS = 1000;

export function florence2Task(id: string): Florence2Task | undefined {
  return FLORENCE2_TASKS.find((task) => task.id === id);
}

/**
 * A region of the image as the model reads it: four location tokens, each coordinate put in its
 * bin (the inverse of the post-processing, which reads a bin as its centre).
 */
export function regionToLocationTokens(box: PixelBox, image: { width: number; height: number }): string {
  if (!(image.width > 0 && image.height > 0)) throw new RangeError(`The image size must be positive, got ${image.width}x${image.height}.`);
  const [left, top, right, bottom] = [Math.min(box[0], box[2]), Math.min(box[1], box[3]), Math.max(box[0], box[2]), Math.max(box[1], box[3])];
  const bin = (value: number, side: number) => Math.min(LOCATION_BINS - 1, Math.max(0, Math.floor((value / side) * LOCATION_BINS)));
  return [bin(left, image.width), bin(top, image.height), bin(right, image.width), bin(bottom, image.height)].map((n) => `<loc_${n}>`).join('');
}

/** The text the processor receives for a task: its token, then its input (a phrase, or a region's location tokens). */
export function taskPrompt(id: Florence2TaskId, input?: string): string {
  const task = florence2Task(id)!;
  if (task.input === 'none') return id;
  const given = input?.trim() ?? '';
  if (!given) throw new RangeError(`${task.label} needs ${task.input === 'phrase' ? 'a phrase to find' : 'a region of the image'}.`);
  return `${id}${given}`;
}

/**
 * The task a plain question is closest to, and the input it carries ("find the red car" ->
 * phrase grounding of "the red car"). Florence-2 answers only its tasks, so the page shows which
 * one a question became.
 */
export function closestTask(question: string): { task: Florence2TaskId; input?: string } {
  const text = question.trim();
  const lower = text.toLowerCase();
  const find = /^(?:please\s+)?(?:find|locate|where(?:'s| is| are)?|show me|point (?:at|to)|ground)\s+(.+?)[?.!]*$/i.exec(text);
  if (find) return { task: '<CAPTION_TO_PHRASE_GROUNDING>', input: find[1]!.trim() };
  if (/\b(read|text|ocr|written|say|says)\b/.test(lower)) return { task: /\b(where|region|box|boxes)\b/.test(lower) ? '<OCR_WITH_REGION>' : '<OCR>' };
  if (/\b(detect|objects?|things|count|how many)\b/.test(lower)) return { task: '<OD>' };
  if (/\b(regions?|areas?|parts?)\b/.test(lower)) return { task: '<DENSE_REGION_CAPTION>' };
  if (/\b(paragraph|everything|in full|thoroughly)\b/.test(lower)) return { task: '<MORE_DETAILED_CAPTION>' };
  if (/\b(detail|detailed|describe)\b/.test(lower)) return { task: '<DETAILED_CAPTION>' };
  return { task: '<CAPTION>' };
}

