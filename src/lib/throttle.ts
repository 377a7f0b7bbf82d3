/**
 * Runs a task at most once per interval however often it is asked for: the first request runs at
 * once, the requests that follow within the interval fold into one run, of the latest task, at its
 * end. `flush` runs a waiting request now, for when the page is about to go away.
 */
export class Throttle {
  #lastRun = Number.NEGATIVE_INFINITY;
  #waiting: { task: () => void; timer: ReturnType<typeof setTimeout> } | null = null;

  constructor(private readonly intervalMs: number) {}

  request(task: () => void): void {
    const wait = this.#lastRun + this.intervalMs - Date.now();
    if (this.#waiting) this.#waiting.task = task;
    else if (wait <= 0) this.#run(task);
    else this.#waiting = { task, timer: setTimeout(() => this.flush(), wait) };
  }

  /** Runs the waiting request, if any, now. */
  flush(): void {
    const waiting = this.#waiting;
    this.cancel();
    if (waiting) this.#run(waiting.task);
  }

  /** Drops the waiting request, if any. */
  cancel(): void {
    if (this.#waiting) clearTimeout(this.#waiting.timer);
    this.#waiting = null;
  }

  #run(task: () => void): void {
    this.#lastRun = Date.now();
    task();
  }
}
