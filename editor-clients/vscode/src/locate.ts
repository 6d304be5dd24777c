/** Finding the `ghostline` server to start: a setting, the workspace's .venv, or PATH. */
import * as fs from 'fs';
import * as path from 'path';

export interface ServerCommand {
  /** The executable to spawn. */
  command: string;
  /** Arguments that come before `serve` (e.g. `-m ghostline` for a Python interpreter). */
  prefix: string[];
  /** Where it was found, for messages. */
  source: string;
}

export interface ServerSettings {
  command: string;
  pythonPath: string;
}

const WINDOWS = process.platform === 'win32';

/** The server command, or undefined when there is none to run. */
export function locateServer(
  settings: ServerSettings,
  folders: readonly string[],
  envPath: string = process.env.PATH ?? '',
): ServerCommand | undefined {
  const expand = (p: string): string => expandPath(p, folders);
  if (settings.command.trim()) {
    const command = resolveExecutable(expand(settings.command.trim()), folders, envPath);
    return { command: command ?? expand(settings.command.trim()), prefix: [], source: 'ghostline.server.command' };
  }
  if (settings.pythonPath.trim()) {
    const python = expand(settings.pythonPath.trim());
    return { command: python, prefix: ['-m', 'ghostline'], source: 'ghostline.server.pythonPath' };
  }
  for (const folder of folders) {
    const venv = path.join(folder, '.venv', WINDOWS ? 'Scripts' : 'bin', WINDOWS ? 'ghostline.exe' : 'ghostline');
    if (isExecutable(venv)) {
      return { command: venv, prefix: [], source: `the workspace's .venv (${venv})` };
    }
  }
  const onPath = which(WINDOWS ? 'ghostline.exe' : 'ghostline', envPath);
  return onPath ? { command: onPath, prefix: [], source: `PATH (${onPath})` } : undefined;
}

/** What to tell a user who has no server yet. */
export const NOT_FOUND_HELP =
  'Ghostline: no server found: there is no .venv/bin/ghostline in the workspace and no `ghostline` on PATH. ' +
  'Install it (`pip install ghostline`, or `make setup` in a Ghostline checkout), ' +
  'or set "ghostline.server.command" to the ghostline executable ' +
  '(or "ghostline.server.pythonPath" to a Python that has it), then run "Ghostline: Restart server".';

function expandPath(p: string, folders: readonly string[]): string {
  const home = process.env.HOME ?? process.env.USERPROFILE ?? '';
  const first = folders[0] ?? '';
  return p.replace(/\$\{workspaceFolder\}/g, first).replace(/^~(?=$|[\\/])/, home);
}

function resolveExecutable(p: string, folders: readonly string[], envPath: string): string | undefined {
  if (path.isAbsolute(p)) {
    return isExecutable(p) ? p : undefined;
  }
  if (p.includes('/') || p.includes('\\')) {
    return folders.map((f) => path.join(f, p)).find(isExecutable);
  }
  return which(p, envPath);
}

function which(name: string, envPath: string): string | undefined {
  return envPath
    .split(path.delimiter)
    .filter(Boolean)
    .map((dir) => path.join(dir, name))
    .find(isExecutable);
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
