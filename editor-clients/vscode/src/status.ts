/**
 * The status-bar item: what the model is doing, in words a user knows (loading n%, ready, thinking, slow, error)
 * and the code actions running; its tooltip names the model and the latency budget.
 */
import * as vscode from 'vscode';
import type { WorkDoneProgressBegin, WorkDoneProgressEnd, WorkDoneProgressReport } from 'vscode-languageclient';

export type State = 'starting' | 'loading' | 'ready' | 'slow' | 'offline' | 'error' | 'off' | 'stopped' | 'missing';
type ProgressValue = WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd;

interface Task {
  title: string;
  message: string;
  percentage?: number;
}

const ICONS: Record<State, string> = {
  starting: '$(loading~spin)',
  loading: '$(loading~spin)',
  ready: '$(check)',
  slow: '$(watch)',
  offline: '$(debug-disconnect)',
  error: '$(error)',
  off: '$(circle-slash)',
  stopped: '$(debug-stop)',
  missing: '$(error)',
};

/** A completion request shows "thinking" only once it has been pending this long (no flicker per keystroke). */
export const THINKING_DELAY_MS = 500;
/** Requests that follow one another this closely (the next keystroke's) count as one busy stretch. */
export const THINKING_GRACE_MS = 250;

/** "~4 s" out of the server's "slow machine: suggestions take ~4 s (budget 2000 ms)". */
export function slowFigure(message: string): string | undefined {
  return /take (~\s*[\d.]+\s*s)\b/.exec(message)?.[1];
}

export class StatusItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('ghostline.status', vscode.StatusBarAlignment.Right, 100);
  private state: State = 'starting';
  private message = '';
  private model = '';
  private pending = 0;
  private thinking = false;
  private showTimer: ReturnType<typeof setTimeout> | undefined;
  private hideTimer: ReturnType<typeof setTimeout> | undefined;
  private inline = true;
  private budgetMs: number | undefined;
  private backgroundMs: number | undefined;
  private readonly tasks = new Map<string, Task>();

  constructor() {
    this.item.name = 'Ghostline';
    this.item.command = 'ghostline.menu';
    this.render();
    this.item.show();
  }

  /** The model state, as sent by the server's `ghostline/status` notification. */
  setState(state: State, message = '', model?: string): void {
    this.state = state;
    this.message = message;
    this.model = model || this.model;
    if (state === 'stopped' || state === 'missing') {
      this.tasks.clear(); // the server is gone: none of its progress will end
    }
    this.render();
  }

  get current(): State {
    return this.state;
  }

  /** What the status bar shows now (for tests and the menu). */
  get text(): string {
    return this.item.text;
  }

  get tooltip(): string {
    return typeof this.item.tooltip === 'string' ? this.item.tooltip : '';
  }

  setInline(enabled: boolean): void {
    this.inline = enabled;
    this.render();
  }

  /** The effective budgets (`ghostline.completion.maxLatencyMs` and `.backgroundMs`), for the tooltip. */
  setBudget(maxLatencyMs: number | undefined, backgroundMs?: number): void {
    this.budgetMs = maxLatencyMs;
    this.backgroundMs = backgroundMs;
    this.render();
  }

  /** One `$/progress` value for a server-created token (model loading or a running action). */
  progress(token: string, value: ProgressValue): void {
    const task = this.tasks.get(token) ?? { title: 'Ghostline', message: '' };
    if (value.kind === 'end') {
      this.tasks.delete(token);
    } else {
      if (value.kind === 'begin') {
        task.title = value.title;
      }
      task.message = value.message ?? task.message;
      task.percentage = value.percentage ?? task.percentage;
      this.tasks.set(token, task);
    }
    this.render();
  }

  /**
   * An inline-completion request started (+1) or finished (-1). "thinking" shows once requests have been
   * pending for THINKING_DELAY_MS without a break longer than THINKING_GRACE_MS (typing cancels one request
   * and starts the next: that is no break).
   */
  busy(delta: number): void {
    const before = this.pending;
    this.pending = Math.max(0, this.pending + delta);
    if (before === 0 && this.pending > 0) {
      if (this.hideTimer !== undefined) {
        clearTimeout(this.hideTimer); // the same busy stretch goes on
        this.hideTimer = undefined;
      } else if (!this.thinking && this.showTimer === undefined) {
        this.showTimer = setTimeout(() => {
          this.showTimer = undefined;
          this.thinking = true;
          this.render();
        }, THINKING_DELAY_MS);
      }
    } else if (before > 0 && this.pending === 0) {
      this.hideTimer = setTimeout(() => {
        this.hideTimer = undefined;
        if (this.showTimer !== undefined) {
          clearTimeout(this.showTimer);
          this.showTimer = undefined;
        }
        if (this.thinking) {
          this.thinking = false;
          this.render();
        }
      }, THINKING_GRACE_MS);
    }
  }

  /** Whether "thinking" is shown (a request has been pending long enough). */
  get isThinking(): boolean {
    return this.thinking;
  }

  private render(): void {
    const task = [...this.tasks.values()].pop();
    const working = this.state === 'ready' || this.state === 'slow';
    let text = `${ICONS[this.state]} Ghostline: ${this.state}`;
    if (this.state === 'loading') {
      const pct = [...this.tasks.values()].reverse().find((t) => typeof t.percentage === 'number')?.percentage;
      text = `${ICONS.loading} Ghostline: loading${pct !== undefined ? ` ${pct}%` : ''}`;
    } else if (working && task) {
      text = `$(loading~spin) Ghostline: ${task.message || 'working'}…`;
    } else if (working && this.thinking) {
      text = '$(loading~spin) Ghostline: thinking';
    } else if (working && !this.inline) {
      text = '$(circle-slash) Ghostline: ready (inline off)';
    } else if (this.state === 'slow') {
      const figure = slowFigure(this.message);
      text = `${ICONS.slow} Ghostline: slow${figure ? ` (${figure})` : ''}`;
    } else if (this.state === 'missing') {
      text = `${ICONS.missing} Ghostline: no server`;
    }
    this.item.text = text;
    this.item.tooltip = this.describe(task);
    const bad = this.state === 'error' || this.state === 'missing' || this.state === 'stopped';
    this.item.backgroundColor = bad ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
  }

  /** The tooltip: the state, the model (named once), the budget, what runs, and what a click does. */
  private describe(task: Task | undefined): string {
    const lines = [`Ghostline: ${this.state}`];
    let message = this.message;
    if (this.model) {
      // The server's messages name the model too ("qwen…: fim", "loading qwen…"): say it once.
      let mode = '';
      if (message.startsWith(`${this.model}: `)) {
        mode = ` (${message.slice(this.model.length + 2)})`;
        message = '';
      } else if (message === `loading ${this.model}`) {
        message = '';
      }
      lines.push(`Model: ${this.model}${mode}`);
    }
    if (message) {
      lines.push(message);
    }
    if (task?.message) {
      lines.push(`Running: ${task.message}`);
    }
    if (this.budgetMs !== undefined) {
      const more = this.backgroundMs ? `, then up to ${Math.round(this.backgroundMs / 1000)} s in the background` : '';
      lines.push(`Latency budget: ${this.budgetMs} ms per suggestion${more} (ghostline.completion.maxLatencyMs)`);
    }
    if (this.state === 'slow') {
      lines.push('Suggestions appear once ready; a larger budget waits for them instead.');
    }
    lines.push('Click for Ghostline commands');
    return lines.join('\n');
  }

  dispose(): void {
    clearTimeout(this.showTimer);
    clearTimeout(this.hideTimer);
    this.item.dispose();
  }
}
