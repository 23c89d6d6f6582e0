// Data goes to stdout; notes and progress go to stderr, and only when stderr
// is a terminal, so a pipe or a script sees nothing there unless it failed.

export interface Output {
  json: boolean;
  /** The command's result on stdout: JSON with --json, else the text `human()` makes. */
  data(value: unknown, human: () => string): void;
  /** A line for the person at the terminal (stderr, only when it is a terminal). */
  note(text: string): void;
  progress: ProgressLine;
}

export function createOutput(json: boolean, stderrIsTerminal = process.stderr.isTTY === true): Output {
  return {
    json,
    data(value, human) {
      process.stdout.write((json ? JSON.stringify(value, null, 2) : human()) + '\n');
    },
    note(text) {
      if (stderrIsTerminal) process.stderr.write(text + '\n');
    },
    progress: new ProgressLine(stderrIsTerminal),
  };
}

const number = (n: number) => Math.round(n).toLocaleString('en-US');

/**
 * One line on stderr, redrawn in place: what is being done, how far (and how
 * far of the total, when known), and the rate. Redrawn at most ten times a
 * second, so it costs nothing on large imports.
 */
export class ProgressLine {
  private label = '';
  private unit = '';
  private total: number | undefined;
  private done = 0;
  private started = 0;
  private drawnAt = 0;
  private shown = false;

  constructor(
    private readonly enabled: boolean,
    private readonly write: (text: string) => void = (text) => process.stderr.write(text),
  ) {}

  /** Starts a phase (`checking`, `importing`...), counting `unit` up to `total` when known. */
  start(label: string, unit: string, total?: number): void {
    // The phase before ends on its last count, not on the last redraw.
    if (this.shown) this.draw();
    this.label = label;
    this.unit = unit;
    this.total = total;
    this.done = 0;
    this.started = performance.now();
    this.drawnAt = 0;
    this.draw();
  }

  /** Sets how many are done; redraws when the last drawing is 100 ms old. */
  update(done: number, total = this.total): void {
    this.done = done;
    this.total = total;
    const now = performance.now();
    if (now - this.drawnAt >= 100) this.draw(now);
  }

  /** Draws the final count, then clears the line for whatever is printed next. */
  finish(): void {
    if (!this.shown) return;
    this.draw();
    this.write('\r\x1b[K');
    this.shown = false;
  }

  /** The line as drawn, without terminal codes. */
  text(now = performance.now()): string {
    const seconds = Math.max(now - this.started, 1) / 1000;
    const of = this.total !== undefined ? `/${number(this.total)}` : '';
    const percent = this.total ? ` (${Math.min(100, Math.floor((this.done / this.total) * 100))}%)` : '';
    return `${this.label} ${number(this.done)}${of} ${this.unit}${percent}, ${number(this.done / seconds)} ${this.unit}/s`;
  }

  private draw(now = performance.now()): void {
    if (!this.enabled) return;
    this.drawnAt = now;
    this.shown = true;
    this.write(`\r\x1b[K${this.text(now)}`);
  }
}
