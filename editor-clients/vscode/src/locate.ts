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

/**
 * The server command, or undefined when there is none to run.
 *
 * `trusted` false (an untrusted workspace, Restricted Mode): nothing inside a workspace folder runs — not its
 * `.venv/bin/ghostline`, nor a setting that points into it (`${workspaceFolder}/…`, a relative path), nor a
 * PATH entry inside it; such servers are passed over as if absent. The settings themselves must then come from
 * the user, not the workspace (see `launchSettings`).
 */
export function locateServer(
  settings: ServerSettings,
  folders: readonly string[],
  envPath: string = process.env.PATH ?? '',
  trusted = true,
): ServerCommand | undefined {
  const expand = (p: string): string => expandPath(p, folders);
  const skip = trusted ? [] : folders;
  // A setting's executable; untrusted: only one found outside the workspace folders (else passed over).
  const pick = (setting: string): string | undefined => {
    const found = resolveExecutable(setting, folders, envPath, skip);
    if (trusted) {
      return found ?? setting; // not there: spawning it says so
    }
    if (found) {
      return insideFolders(found, folders) ? undefined : found;
    }
    return path.isAbsolute(setting) && !insideFolders(setting, folders) ? setting : undefined;
  };
  if (settings.command.trim()) {
    const command = pick(expand(settings.command.trim()));
    if (command) {
      return { command, prefix: [], source: 'ghostline.server.command' };
    }
  } else if (settings.pythonPath.trim()) {
    const python = pick(expand(settings.pythonPath.trim()));
    if (python) {
      return { command: python, prefix: ['-m', 'ghostline'], source: 'ghostline.server.pythonPath' };
    }
  }
  if (trusted) {
    const venv = workspaceServer(folders);
    if (venv) {
      return { command: venv, prefix: [], source: `the workspace's .venv (${venv})` };
    }
  }
  const onPath = which(WINDOWS ? 'ghostline.exe' : 'ghostline', envPath, trusted ? [] : folders);
  return onPath ? { command: onPath, prefix: [], source: `PATH (${onPath})` } : undefined;
}

/** The first workspace folder's `.venv/bin/ghostline` (code from the workspace: only for trusted ones). */
export function workspaceServer(folders: readonly string[]): string | undefined {
  for (const folder of folders) {
    const venv = path.join(folder, '.venv', WINDOWS ? 'Scripts' : 'bin', WINDOWS ? 'ghostline.exe' : 'ghostline');
    if (isExecutable(venv)) {
      return venv;
    }
  }
  return undefined;
}

/** Whether `file` (or where its links lead) lies inside one of the folders. */
export function insideFolders(file: string, folders: readonly string[]): boolean {
  const names = [path.resolve(file)];
  try {
    names.push(fs.realpathSync(file));
  } catch {
    // not there (yet): its name is all there is to judge
  }
  const roots = folders.flatMap((folder) => {
    const out = [path.resolve(folder)];
    try {
      out.push(fs.realpathSync(folder));
    } catch {
      // ditto
    }
    return out;
  });
  return names.some((name) =>
    roots.some((root) => {
      const rel = path.relative(root, name);
      return rel === '' || (rel !== '..' && !rel.startsWith('..' + path.sep) && !path.isAbsolute(rel));
    }),
  );
}

/** What to tell a user who has no server yet. */
export const NOT_FOUND_HELP =
  'Ghostline: no server found: there is no .venv/bin/ghostline in the workspace and no `ghostline` on PATH. ' +
  'Install it (`pip install ghostline`, or `make setup` in a Ghostline checkout), ' +
  'or set "ghostline.server.command" to the ghostline executable ' +
  '(or "ghostline.server.pythonPath" to a Python that has it), then run "Ghostline: Restart server".';

/** What to tell a user whose only server is one the untrusted workspace brings. */
export function untrustedHelp(command: string): string {
  return (
    `Ghostline: not starting ${command}: it comes from this workspace, which is not trusted (Restricted Mode). ` +
    'Trust the workspace ("Workspaces: Manage Workspace Trust") to start it, or install `ghostline` on PATH ' +
    'or set "ghostline.server.command" in your user settings.'
  );
}

function expandPath(p: string, folders: readonly string[]): string {
  const home = process.env.HOME ?? process.env.USERPROFILE ?? '';
  const first = folders[0] ?? '';
  return p.replace(/\$\{workspaceFolder\}/g, first).replace(/^~(?=$|[\\/])/, home);
}

function resolveExecutable(
  p: string,
  folders: readonly string[],
  envPath: string,
  skip: readonly string[],
): string | undefined {
  if (path.isAbsolute(p)) {
    return isExecutable(p) ? p : undefined;
  }
  if (p.includes('/') || p.includes('\\')) {
    return folders.map((f) => path.join(f, p)).find(isExecutable);
  }
  return which(p, envPath, skip);
}

/** `name` in an absolute PATH folder (relative entries would be wherever the editor runs), not in `skip`. */
function which(name: string, envPath: string, skip: readonly string[]): string | undefined {
  return envPath
    .split(path.delimiter)
    .filter((dir) => dir && path.isAbsolute(dir))
    .map((dir) => path.join(dir, name))
    .find((file) => isExecutable(file) && !(skip.length && insideFolders(file, skip)));
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
