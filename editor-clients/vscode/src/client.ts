/** Starting, stopping and talking to `ghostline serve` through vscode-languageclient. */
import * as vscode from 'vscode';
import {
  DidChangeConfigurationNotification,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  State as ClientState,
  WorkDoneProgress,
  WorkDoneProgressCreateRequest,
} from 'vscode-languageclient/node';
import { locateServer, NOT_FOUND_HELP, ServerCommand, untrustedHelp } from './locate';
import { inlineMiddleware } from './middleware';
import { inlineEnabled, launchSettings, serverSettings } from './settings';
import { State, StatusItem } from './status';

/** Languages the server has grammars for (server/ghostline/syntax/languages.py). */
export const LANGUAGES = [
  'python', 'javascript', 'javascriptreact', 'typescript', 'typescriptreact', 'rust', 'go', 'java', 'c', 'cpp', 'lua',
  'shellscript',
];
const STATES: readonly string[] = ['starting', 'loading', 'ready', 'error', 'off'];

interface StatusParams {
  state: string;
  message?: string;
  model?: string;
}

export class GhostlineClient implements vscode.Disposable {
  client: LanguageClient | undefined;
  private readonly trace = vscode.window.createOutputChannel('Ghostline Trace');

  constructor(
    private readonly output: vscode.OutputChannel,
    readonly status: StatusItem,
  ) {}

  /** What was started last (command, arguments, environment), to tell whether trusting the workspace changes it. */
  private launched: string | undefined;

  /**
   * The command that runs the server, undefined when there is none. In an untrusted workspace (Restricted Mode)
   * nothing the workspace brings runs: not its `.venv/bin/ghostline`, nor `ghostline.server.*` from its settings.
   */
  serverCommand(trusted: boolean = vscode.workspace.isTrusted): ServerCommand | undefined {
    const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
    return locateServer(launchSettings(trusted), folders, process.env.PATH ?? '', trusted);
  }

  async start(): Promise<void> {
    const trusted = vscode.workspace.isTrusted;
    const found = this.serverCommand(trusted);
    const withheld = trusted ? undefined : this.serverCommand(true);
    if (!found) {
      const help = withheld ? untrustedHelp(withheld.command) : NOT_FOUND_HELP;
      this.status.setState('missing', help);
      this.output.appendLine(help);
      const shown: Thenable<string | undefined> = withheld
        ? vscode.window.showInformationMessage(help, 'Manage Workspace Trust')
        : vscode.window.showErrorMessage(help, 'Open Settings');
      void shown.then((pick) => {
        if (pick === 'Manage Workspace Trust') {
          void vscode.commands.executeCommand('workbench.trust.manage');
        } else if (pick) {
          void vscode.commands.executeCommand('workbench.action.openSettings', 'ghostline.server');
        }
      });
      return;
    }
    if (withheld && launchKey(withheld, launchSettings(true)) !== launchKey(found, launchSettings(false))) {
      this.output.appendLine(
        `The workspace is not trusted: running ${found.command} (from ${found.source}), not ${withheld.command} ` +
          `(from ${withheld.source}); trusting the workspace switches to it.`,
      );
    }
    const launch = launchSettings(trusted);
    this.launched = launchKey(found, launch);
    this.output.appendLine(`Starting ${found.command} ${[...found.prefix, 'serve'].join(' ')} (from ${found.source})`);
    this.status.setState('starting', `server from ${found.source}`);
    this.status.setInline(inlineEnabled());
    const client = new LanguageClient('ghostline', 'Ghostline', this.serverOptions(found, launch), this.clientOptions());
    this.client = client;
    client.registerProposedFeatures(); // textDocument/inlineCompletion (LSP 3.18) in vscode-languageclient 9
    client.onNotification('ghostline/status', (p: StatusParams) => {
      this.status.setState(STATES.includes(p.state) ? (p.state as State) : 'error', p.message ?? '', p.model);
    });
    client.onDidChangeState((e) => {
      if (e.newState === ClientState.Stopped && this.client === client) {
        this.status.setState('stopped', 'the server stopped; run "Ghostline: Restart server"');
      }
    });
    try {
      await client.start();
    } catch (err) {
      this.launched = undefined;
      this.status.setState('error', `could not start the server: ${String(err)}`);
      throw err;
    }
    this.watchProgress(client);
    await this.refreshState(client);
  }

  /** The workspace became trusted: start the workspace's own server (or its settings) if that changes anything. */
  async onTrustGranted(): Promise<void> {
    this.output.appendLine('The workspace is trusted now: its own server and settings may be used.');
    await this.restartIfChanged();
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) {
      await client.stop(10000).catch((err: unknown) => this.output.appendLine(`stop: ${String(err)}`));
      await client.dispose().catch(() => undefined);
    }
  }

  /** Restarts run one after another (a trust grant and the settings change it causes come together). */
  private restarting: Promise<void> = Promise.resolve();

  private queued(task: () => Promise<void>): Promise<void> {
    const next = this.restarting.then(task);
    this.restarting = next.catch(() => undefined);
    return next;
  }

  async restart(): Promise<void> {
    await this.queued(async () => {
      await this.stop();
      await this.start();
    });
  }

  /** Restart when what would run now (command, arguments, environment) differs from what runs; else resend settings. */
  private async restartIfChanged(): Promise<void> {
    await this.queued(async () => {
      const found = this.serverCommand();
      if (this.client?.isRunning() && found && launchKey(found, launchSettings()) === this.launched) {
        await this.client.sendNotification(DidChangeConfigurationNotification.type, {
          settings: { ghostline: serverSettings() },
        });
        return;
      }
      await this.stop();
      await this.start();
    });
  }

  /** Send the server its settings again after a `ghostline.*` change (restart for `ghostline.server.*`). */
  async onConfigurationChanged(e: vscode.ConfigurationChangeEvent): Promise<void> {
    if (!e.affectsConfiguration('ghostline')) {
      return;
    }
    this.status.setInline(inlineEnabled());
    if (e.affectsConfiguration('ghostline.server')) {
      await this.restartIfChanged();
      return;
    }
    if (this.client?.isRunning()) {
      await this.client.sendNotification(DidChangeConfigurationNotification.type, {
        settings: { ghostline: serverSettings() },
      });
    }
  }

  private serverOptions(found: ServerCommand, launch: ReturnType<typeof launchSettings>): ServerOptions {
    const cwd = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    // `python -m ghostline` puts its working folder (the workspace) first on sys.path: PYTHONSAFEPATH (3.11+)
    // keeps a `ghostline` package of the workspace from being imported instead of the installed one.
    const safe = found.prefix.length ? { PYTHONSAFEPATH: '1' } : {};
    return {
      command: found.command,
      args: [...found.prefix, 'serve', ...launch.args],
      options: { env: { ...process.env, ...safe, ...launch.env }, ...(cwd ? { cwd } : {}) },
    };
  }

  private clientOptions(): LanguageClientOptions {
    const documentSelector = LANGUAGES.flatMap((language) => [
      { scheme: 'file', language },
      { scheme: 'untitled', language },
    ]);
    return {
      documentSelector,
      initializationOptions: serverSettings(),
      outputChannel: this.output,
      traceOutputChannel: this.trace,
      middleware: inlineMiddleware(() => this.client, this.status),
    };
  }

  /** Show `$/progress` in the status item (replaces the client's default progress UI for our tokens). */
  private watchProgress(client: LanguageClient): void {
    client.onRequest(WorkDoneProgressCreateRequest.type, ({ token }) => {
      const key = String(token);
      const listener = client.onProgress(WorkDoneProgress.type, token, (value) => {
        this.status.progress(key, value);
        if (value.kind === 'end') {
          listener.dispose();
        }
      });
    });
  }

  /** Ask the server for the model state (the first notifications may have come before we listened). */
  private async refreshState(client: LanguageClient): Promise<void> {
    try {
      const info = await client.sendRequest<StatusParams & { name?: string }>('ghostline/modelInfo', {});
      // Before loading starts the server reports 'off'; the real 'off' (--no-model) comes as a notification.
      if (this.status.current === 'starting' && STATES.includes(info.state) && info.state !== 'off') {
        this.status.setState(info.state as State, info.message ?? '', info.name);
      }
    } catch (err) {
      this.output.appendLine(`ghostline/modelInfo: ${String(err)}`);
    }
  }

  dispose(): void {
    void this.stop();
    this.trace.dispose();
  }
}

/** What a start runs, as one comparable string. */
function launchKey(found: ServerCommand, launch: ReturnType<typeof launchSettings>): string {
  return JSON.stringify([found.command, found.prefix, launch.args, launch.env]);
}
