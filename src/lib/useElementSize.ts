/**
 * An element's size in CSS pixels, fractions kept, as it resizes (null until it is measured). Not
 * clientWidth/clientHeight: they round, and a picture laid out at 281.78 px drawn over at 282 px
 * puts everything over it a fraction of a pixel off. Meant for elements without border or padding.
 */
import { useEffect, useState, type RefObject } from 'react';

export interface ElementSize {
  width: number;
  height: number;
}

export function useElementSize(ref: RefObject<HTMLElement | null>): ElementSize | null {
  const [size, setSize] = useState<ElementSize | null>(null);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const update = (width: number, height: number) => setSize((previous) => (previous && previous.width === width && previous.height === height ? previous : { width, height }));
    const rect = element.getBoundingClientRect();
    update(rect.width, rect.height);
    // Its first report comes right after observe(), with the layout size (untransformed).
    const observer = new ResizeObserver(([entry]) => {
      if (entry) update(entry.contentRect.width, entry.contentRect.height);
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return size;
}
