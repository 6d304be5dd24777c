/** The `ghostline.*` settings the server understands, as sent in initializationOptions and didChangeConfiguration. */
import * as vscode from 'vscode';
import type { ServerSettings } from './locate';

/** Sections that mirror server/ghostline/config.py (client-only ones, server.* and trace.*, stay here). */
const SERVER_SECTIONS = ['model', 'completion', 'diagnostics', 'complexity'] as const;

/**
 * Settings whose workspace values do not count in an untrusted workspace (Restricted Mode): what runs, and what
 * the server loads or where it sends code. The same list as package.json's `restrictedConfigurations`.
 */
export const RESTRICTED = [
  'server.command',
  'server.pythonPath',
  'server.args',
  'server.env',
  'model.name',
  'model.adapter',
  'remote.url',
  'remote.apiKeyEnv',
] as const;

/** The settings object for the server (camelCase keys, as config.load expects). */
export function serverSettings(trusted: boolean = vscode.workspace.isTrusted): Record<string, unknown> {
  const cfg = vscode.workspace.getConfiguration('ghostline');
  const out: Record<string, unknown> = {};
  for (const section of SERVER_SECTIONS) {
    const value = cfg.get<Record<string, unknown>>(section);
    if (value && typeof value === 'object') {
      out[section] = { ...value };
    }
  }
  if (!trusted) {
    // VS Code already hides these workspace values in Restricted Mode (restrictedConfigurations); make sure.
    for (const key of RESTRICTED) {
      const [section, name] = key.split('.') as [string, string];
      const values = out[section] as Record<string, unknown> | undefined;
      if (values && name in values) {
        const seen = cfg.inspect(key);
        values[name] = seen?.globalValue ?? seen?.defaultValue;
      }
    }
  }
  out.logLevel = cfg.get<string>('logLevel', 'info');
  return out;
}


/**
 * How to start the server, from `ghostline.server.*`. In an untrusted workspace only the user's (and the default)
 * values count: a workspace's `.vscode/settings.json` must not pick the program to run or its environment
 * (package.json's `restrictedConfigurations` tells VS Code the same; this holds whatever VS Code does).
 */
export function launchSettings(
  trusted: boolean = vscode.workspace.isTrusted,
): ServerSettings & { args: string[]; env: Record<string, string> } {
  const cfg = vscode.workspace.getConfiguration('ghostline.server');
  const value = <T>(key: 'command' | 'pythonPath' | 'args' | 'env', fallback: T): T => {
    if (trusted) {
      return cfg.get<T>(key, fallback);
    }
    const seen = cfg.inspect<T>(key);
    return seen?.globalValue ?? seen?.defaultValue ?? fallback;
  };
  return {
    command: value<string>('command', ''),
    pythonPath: value<string>('pythonPath', ''),
    args: value<string[]>('args', []),
    env: value<Record<string, string>>('env', {}),
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

/** The completion time budgets in effect: `ghostline.completion.maxLatencyMs` and `.backgroundMs`. */
export function budgets(): { maxLatencyMs: number; backgroundMs: number } {
  const cfg = vscode.workspace.getConfiguration('ghostline');
  return {
    maxLatencyMs: cfg.get<number>('completion.maxLatencyMs', 2000),
    backgroundMs: cfg.get<number>('completion.backgroundMs', 20000),
  };
}
