import { describe, expect, it } from 'vitest';
import { embedFrameCsp, embedPathHeaders, embedPathHeadersFor } from './embed-headers.ts';

const directives = (policy: string) => new Map(policy.split('; ').map((directive) => [directive.split(' ')[0]!, directive.split(' ').slice(1)]));

describe('the frame CSP', () => {
  it('is strict in production: no inline script or style, nothing but our origin and the Hub', () => {
    const policy = directives(embedFrameCsp());
    expect(policy.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    expect(policy.get('style-src')).toEqual(["'self'"]);
    expect(policy.get('img-src')).toEqual(["'self'", 'blob:']);
    expect(policy.get('object-src')).toEqual(["'none'"]);
    expect(policy.get('base-uri')).toEqual(["'none'"]);
    expect(policy.get('form-action')).toEqual(["'none'"]);
    expect(policy.get('frame-ancestors')).toEqual(['*']);
    expect(policy.get('connect-src')?.filter((source) => !source.includes('huggingface.co') && !source.endsWith('.hf.co'))).toEqual(["'self'"]);
    expect(embedPathHeaders['/embed.html']!['Content-Security-Policy']).toBe(embedFrameCsp());
  });

  it("relaxes only what Vite's dev server needs, and takes a deployment's frame-ancestors", () => {
    const dev = directives(embedPathHeadersFor('development')['/embed.html']!['Content-Security-Policy']!);
    expect(dev.get('script-src')).toContain("'unsafe-inline'");
    expect(dev.get('connect-src')).toContain('ws:');
    expect(dev.get('object-src')).toEqual(["'none'"]);
    expect(directives(embedFrameCsp({ frameAncestors: ['https://shop.example'] })).get('frame-ancestors')).toEqual(['https://shop.example']);
  });
});
