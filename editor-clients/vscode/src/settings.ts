/** The `ghostline.*` settings the server understands, as sent in initializationOptions and didChangeConfiguration. */
import * as vscode from 'vscode';
import type { ServerSettings } from './locate';

/** Sections that mirror server/ghostline/config.py (client-only ones, server.* and trace.*, stay here). */
const SERVER_SECTIONS = ['model', 'completion', 'diagnostics', 'complexity'] as const;

/** The settings object for the server (camelCase keys, as config.load expects). */
export function serverSettings(): Record<string, unknown> {
  const cfg = vscode.workspace.getConfiguration('ghostline');
  const out: Record<string, unknown> = {};
  for (const section of SERVER_SECTIONS) {
    const value = cfg.get<Record<string, unknown>>(section);
    if (value && typeof value === 'object') {
      out[section] = { ...value };
    }
  }
  out.logLevel = cfg.get<string>('logLevel', 'info');
  return out;
}

/** How to start the server, from `ghostline.server.*`. */
export function launchSettings(): ServerSettings & { args: string[]; env: Record<string, string> } {
  const cfg = vscode.workspace.getConfiguration('ghostline.server');
  return {
    command: cfg.get<string>('command', ''),
    pythonPath: cfg.get<string>('pythonPath', ''),
    args: cfg.get<string[]>('args', []),
    env: cfg.get<Record<string, string>>('env', {}),
  };
}

/** Whether inline suggestions are on. */
export function inlineEnabled(): boolean {
  return vscode.workspace.getConfiguration('ghostline').get<boolean>('completion.enabled', true);
}

/** Flip `ghostline.completion.enabled` where it is set (workspace folder, workspace, else user settings). */
export async function toggleInline(): Promise<boolean> {
  const cfg = vscode.workspace.getConfiguration('ghostline');
  const seen = cfg.inspect<boolean>('completion.enabled');
  const next = !inlineEnabled();
  let target = vscode.ConfigurationTarget.Global;
  if (seen?.workspaceFolderValue !== undefined) {
    target = vscode.ConfigurationTarget.WorkspaceFolder;
  } else if (seen?.workspaceValue !== undefined) {
    target = vscode.ConfigurationTarget.Workspace;
  }
  await cfg.update('completion.enabled', next, target);
  return next;
}
