/**
 * Model output is untrusted text. It is rendered as Markdown with raw HTML shown as text, then
 * sanitised with DOMPurify as a second line of defence: no script, no event handler, no
 * `javascript:` link, and no image, media or style that could fetch from another origin.
 */
import DOMPurify from 'dompurify';
import { Marked, type Tokens } from 'marked';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);
}

const marked = new Marked({
  gfm: true,
  breaks: true,
  renderer: {
    // Raw HTML in the answer is shown, not interpreted.
    html: ({ text }: Tokens.HTML | Tokens.Tag) => escapeHtml(text),
    // An image would be fetched from wherever the model pointed: show its description instead.
    image: ({ text }: Tokens.Image) => `<span class="md-image-placeholder">[image${text ? `: ${escapeHtml(text)}` : ''}]</span>`,
  },
});

const SAFE_URL = /^(?:https?:|mailto:)/i;

let purifier: ReturnType<typeof DOMPurify> | null = null;

function getPurifier(): ReturnType<typeof DOMPurify> {
  if (purifier) return purifier;
  purifier = DOMPurify(window);
  purifier.addHook('afterSanitizeAttributes', (node) => {
    if (node.tagName === 'A') {
      const href = node.getAttribute('href') ?? '';
      if (!SAFE_URL.test(href)) {
        node.removeAttribute('href');
        return;
      }
      node.setAttribute('target', '_blank');
      node.setAttribute('rel', 'noopener noreferrer nofollow');
    }
  });
  return purifier;
}

const SANITIZE_CONFIG = {
  ALLOWED_TAGS: [
    'a', 'p', 'br', 'hr', 'strong', 'em', 'del', 's', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li',
    'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'span', 'input',
  ],
  ALLOWED_ATTR: ['href', 'title', 'class', 'type', 'checked', 'disabled', 'align', 'start'],
  ALLOWED_URI_REGEXP: SAFE_URL,
};

/** HTML through the sanitiser; null when no working sanitiser exists (an unsupported DOM). */
export function sanitizeHtml(html: string): string | null {
  const sanitizer = getPurifier();
  return sanitizer.isSupported ? sanitizer.sanitize(html, SANITIZE_CONFIG) : null;
}

/** Markdown to sanitised HTML, safe to put in the page. */
export function renderMarkdown(text: string): string {
  // Fail closed: without a working sanitiser, show the text as text.
  return sanitizeHtml(marked.parse(text, { async: false })) ?? `<p>${escapeHtml(text)}</p>`;
}

/** One top-level block of rendered Markdown (a paragraph, a list, a code block, a table…). */
export interface MarkdownBlock {
  /** Its Markdown source. */
  readonly source: string;
  /** The reference-link definitions of the whole text it was rendered with (they reach into every block). */
  readonly links: string;
  /** Its sanitised HTML. */
  readonly html: string;
}

/**
 * `text` as its top-level blocks, each rendered and sanitised on its own; joined, their HTML is
 * renderMarkdown(text). A block of `previous` with the same source (and the same link definitions)
 * is returned as it was, the same object, so a streamed answer renders only what changed, normally
 * its last block (Markdown.tsx), instead of the whole answer every time it grows.
 */
export function markdownBlocks(text: string, previous: readonly MarkdownBlock[] = []): MarkdownBlock[] {
  const tokens = marked.lexer(text);
  const links = JSON.stringify(tokens.links);
  const blocks: MarkdownBlock[] = [];
  for (const token of tokens) {
    const index = blocks.length;
    const before = previous[index];
    if (before && before.source === token.raw && before.links === links) {
      blocks.push(before);
      continue;
    }
    const html = sanitizeHtml(marked.parser([token]));
    // Fail closed, as renderMarkdown does: without a working sanitiser the whole text is text.
    if (html === null) return [{ source: text, links, html: `<p>${escapeHtml(text)}</p>` }];
    blocks.push({ source: token.raw, links, html });
  }
  return blocks;
}
