/** The status-bar item: model state (starting, loading n%, ready, generating, error) and running actions. */
import * as vscode from 'vscode';
import type { WorkDoneProgressBegin, WorkDoneProgressEnd, WorkDoneProgressReport } from 'vscode-languageclient';

export type State = 'starting' | 'loading' | 'ready' | 'error' | 'off' | 'stopped' | 'missing';
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
  error: '$(error)',
  off: '$(circle-slash)',
  stopped: '$(debug-stop)',
  missing: '$(error)',
};

export class StatusItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('ghostline.status', vscode.StatusBarAlignment.Right, 100);
  private state: State = 'starting';
  private message = '';
  private model = '';
  private generating = 0;
  private inline = true;
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
    this.model = model ?? this.model;
    if (state !== 'loading') {
      this.tasks.clear();
    }
    this.render();
  }

  get current(): State {
    return this.state;
  }

  setInline(enabled: boolean): void {
    this.inline = enabled;
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
      task.percentage = value.percentage ?? undefined;
      this.tasks.set(token, task);
    }
    this.render();
  }

  /** An inline-completion request started (+1) or finished (-1). */
  busy(delta: number): void {
    this.generating = Math.max(0, this.generating + delta);
    this.render();
  }

  private render(): void {
    const task = [...this.tasks.values()].pop();
    let text = `${ICONS[this.state]} Ghostline: ${this.state}`;
    if (this.state === 'loading') {
      const pct = task?.percentage;
      text = `${ICONS.loading} Ghostline: loading${pct !== undefined && pct !== null ? ` ${pct}%` : ''}`;
    } else if (this.state === 'ready' && task) {
      text = `$(loading~spin) Ghostline: ${task.message || 'working'}…`;
    } else if (this.state === 'ready' && this.generating > 0) {
      text = '$(loading~spin) Ghostline: generating';
    } else if (this.state === 'ready' && !this.inline) {
      text = '$(circle-slash) Ghostline: ready (inline off)';
    } else if (this.state === 'missing') {
      text = `${ICONS.missing} Ghostline: no server`;
    }
    this.item.text = text;
    const detail = [this.model && `Model: ${this.model}`, this.message, task?.message].filter(Boolean);
    this.item.tooltip = [`Ghostline: ${this.state}`, ...detail, 'Click for Ghostline commands'].join('\n');
    const bad = this.state === 'error' || this.state === 'missing' || this.state === 'stopped';
    this.item.backgroundColor = bad ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
  }

  dispose(): void {
    this.item.dispose();
  }
}
