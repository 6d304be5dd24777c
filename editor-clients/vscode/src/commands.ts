/** The "Ghostline: …" commands: pull model, toggle inline suggestions, show statistics, restart server. */
import * as vscode from 'vscode';
import type { GhostlineClient } from './client';
import { NOT_FOUND_HELP } from './locate';
import { launchSettings, toggleInline } from './settings';

export function registerCommands(context: vscode.ExtensionContext, ghost: GhostlineClient, output: vscode.OutputChannel): void {
  const commands: Record<string, () => Promise<unknown>> = {
    'ghostline.pullModel': () => pullModel(ghost),
    'ghostline.toggleInline': async () => {
      const on = await toggleInline();
      void vscode.window.showInformationMessage(`Ghostline: inline suggestions ${on ? 'on' : 'off'}`);
    },
    'ghostline.showStats': () => showStats(ghost, output),
    'ghostline.restartServer': () => ghost.restart(),
    'ghostline.menu': () => menu(output),
  };
  for (const [name, run] of Object.entries(commands)) {
    context.subscriptions.push(vscode.commands.registerCommand(name, run));
  }
}

async function menu(output: vscode.OutputChannel): Promise<void> {
  const items = [
    { label: 'Show statistics', command: 'ghostline.showStats' },
    { label: 'Toggle inline suggestions', command: 'ghostline.toggleInline' },
    { label: 'Pull model', command: 'ghostline.pullModel' },
    { label: 'Restart server', command: 'ghostline.restartServer' },
    { label: 'Show output', command: 'ghostline.showOutput' },
  ];
  const pick = await vscode.window.showQuickPick(items, { placeHolder: 'Ghostline' });
  if (pick?.command === 'ghostline.showOutput') {
    output.show(true);
  } else if (pick) {
    await vscode.commands.executeCommand(pick.command);
  }
}

/** Run `ghostline model pull NAME` as a task (its terminal shows the download's progress bar). */
async function pullModel(ghost: GhostlineClient): Promise<void> {
  const found = ghost.serverCommand();
  if (!found) {
    void vscode.window.showErrorMessage(NOT_FOUND_HELP);
    return;
  }
  const name = vscode.workspace.getConfiguration('ghostline').get<string>('model.name', 'auto');
  const execution = new vscode.ProcessExecution(found.command, [...found.prefix, 'model', 'pull', name], {
    env: { ...(process.env as Record<string, string>), ...launchSettings().env },
  });
  const task = new vscode.Task(
    { type: 'ghostline', action: 'pull' },
    vscode.TaskScope.Workspace,
    `pull ${name}`,
    'ghostline',
    execution,
  );
  task.presentationOptions = { reveal: vscode.TaskRevealKind.Always, clear: true };
  const code = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Ghostline: pulling ${name}…` },
    () => runTask(task),
  );
  if (code !== 0) {
    void vscode.window.showErrorMessage(`Ghostline: pulling ${name} failed (exit ${String(code)}); see the terminal.`);
    return;
  }
  void vscode.window.showInformationMessage(`Ghostline: ${name} is downloaded.`);
  if (ghost.status.current !== 'ready') {
    await ghost.restart();
  }
}

function runTask(task: vscode.Task): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const done = vscode.tasks.onDidEndTaskProcess((e) => {
      if (e.execution.task === task || e.execution.task.name === task.name) {
        done.dispose();
        resolve(e.exitCode);
      }
    });
    vscode.tasks.executeTask(task).then(undefined, (err: unknown) => {
      done.dispose();
      reject(err instanceof Error ? err : new Error(String(err)));
    });
  });
}

/** Ask the server for `ghostline/stats` and show them (summary message, details in the output). */
async function showStats(ghost: GhostlineClient, output: vscode.OutputChannel): Promise<void> {
  const client = ghost.client;
  if (!client?.isRunning()) {
    void vscode.window.showWarningMessage('Ghostline: the server is not running.');
    return;
  }
  const stats = await client.sendRequest<Record<string, unknown>>('ghostline/stats', {});
  const n = (key: string): number => (typeof stats[key] === 'number' ? (stats[key] as number) : 0);
  const rate = n('shown') ? Math.round((100 * n('accepted')) / n('shown')) : 0;
  const summary =
    `Ghostline: suggestions shown: ${n('shown')}, accepted: ${n('accepted')} (${rate}%), ` +
    `model calls: ${n('model_calls')}, cache hits: ${n('cache_hits')}` +
    (n('cut') ? `, over budget: ${n('cut')} (shown when ready: ${n('background_ready')})` : '');
  output.appendLine(`--- statistics ${new Date().toISOString()}`);
  for (const [key, value] of Object.entries(stats)) {
    if (key !== 'last_prompt') {
      output.appendLine(`${key}: ${JSON.stringify(value)}`);
    }
  }
  const pick = await vscode.window.showInformationMessage(summary, 'Details');
  if (pick) {
    output.show(true);
  }
}
