/**
 * embed.js: the one script a host page loads. It defines `<vlm-chat>`; everything heavy (the chat
 * UI, the model runtime) loads inside the element's frame, at our origin. Size budget: see
 * scripts/build/embed-budget.ts and docs/embedding.md.
 */
import { setEmbedScriptUrl, VlmChatElement } from './vlm-chat-element.ts';

setEmbedScriptUrl(import.meta.url);
if (!customElements.get('vlm-chat')) customElements.define('vlm-chat', VlmChatElement);

export { VlmChatElement };
export { EmbedError } from './embed-error.ts';
export type { AskRequest, VlmChatEventMap } from './vlm-chat-element.ts';
export type { HostImage } from './image-bytes.ts';
