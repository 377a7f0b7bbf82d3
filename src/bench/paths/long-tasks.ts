/** Main-thread tasks of 50 ms or more (PerformanceObserver `longtask`) between start and stop. */
export class LongTaskWatch {
  private readonly tasks: { start: number; duration: number }[] = [];
  private readonly observer: PerformanceObserver | null;

  constructor() {
    const supported = typeof PerformanceObserver !== 'undefined' && PerformanceObserver.supportedEntryTypes?.includes('longtask');
    this.observer = supported
      ? new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) this.tasks.push({ start: entry.startTime, duration: entry.duration });
        })
      : null;
    this.observer?.observe({ type: 'longtask' });
  }

  get supported(): boolean {
    return this.observer !== null;
  }

  /** Tasks that overlap [from, to] (performance.now() times). */
  between(from: number, to: number): { longestMs: number; over50: number } {
    const within = this.tasks.filter((task) => task.start + task.duration >= from && task.start <= to);
    return { longestMs: Math.max(0, ...within.map((task) => task.duration)), over50: within.filter((task) => task.duration > 50).length };
  }

  stop(): void {
    this.observer?.disconnect();
  }
}
