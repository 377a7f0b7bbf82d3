/** The empty chat's "Try an example" and the suggestions for the selected model. */
export { EmptyState } from './EmptyState.tsx';
export { fetchExample, parseExamples, suggestionsFor, EXAMPLES_URL, type ShapesExample } from './examples.ts';
