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
import { locateServer, NOT_FOUND_HELP, ServerCommand } from './locate';
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

  /** The command that runs the server (undefined, after telling the user, when there is none). */
  serverCommand(): ServerCommand | undefined {
    const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
    return locateServer(launchSettings(), folders);
  }

  async start(): Promise<void> {
    const found = this.serverCommand();
    if (!found) {
      this.status.setState('missing', NOT_FOUND_HELP);
      this.output.appendLine(NOT_FOUND_HELP);
      void vscode.window.showErrorMessage(NOT_FOUND_HELP, 'Open Settings').then((pick) => {
        if (pick) {
          void vscode.commands.executeCommand('workbench.action.openSettings', 'ghostline.server');
        }
      });
      return;
    }
    this.output.appendLine(`Starting ${found.command} ${[...found.prefix, 'serve'].join(' ')} (from ${found.source})`);
    this.status.setState('starting', `server from ${found.source}`);
    this.status.setInline(inlineEnabled());
    const client = new LanguageClient('ghostline', 'Ghostline', this.serverOptions(found), this.clientOptions());
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
      this.status.setState('error', `could not start the server: ${String(err)}`);
      throw err;
    }
    this.watchProgress(client);
    await this.refreshState(client);
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) {
      await client.stop(10000).catch((err: unknown) => this.output.appendLine(`stop: ${String(err)}`));
      await client.dispose().catch(() => undefined);
    }
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** Send the server its settings again after a `ghostline.*` change (restart for `ghostline.server.*`). */
  async onConfigurationChanged(e: vscode.ConfigurationChangeEvent): Promise<void> {
    if (!e.affectsConfiguration('ghostline')) {
      return;
    }
    this.status.setInline(inlineEnabled());
    if (e.affectsConfiguration('ghostline.server')) {
      await this.restart();
      return;
    }
    if (this.client?.isRunning()) {
      await this.client.sendNotification(DidChangeConfigurationNotification.type, {
        settings: { ghostline: serverSettings() },
      });
    }
  }

  private serverOptions(found: ServerCommand): ServerOptions {
    const launch = launchSettings();
    const cwd = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    return {
      command: found.command,
      args: [...found.prefix, 'serve', ...launch.args],
      options: { env: { ...process.env, ...launch.env }, ...(cwd ? { cwd } : {}) },
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
