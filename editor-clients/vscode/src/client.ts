/** Starting, stopping and talking to `ghostline serve` through vscode-languageclient. */
import * as vscode from 'vscode';
import {
  DidChangeConfigurationNotification,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  State as ClientState,
  WorkDoneProgress,
  WorkDoneProgressCancelNotification,
  WorkDoneProgressCreateRequest,
} from 'vscode-languageclient/node';
import { locateServer, NOT_FOUND_HELP, ServerCommand, untrustedHelp } from './locate';
import { inlineMiddleware } from './middleware';
import { AskedPositions, ReadyParams, ReadyWaiter, shouldRetrigger } from './ready';
import { budgets, inlineEnabled, launchSettings, serverSettings } from './settings';
import { State, StatusItem } from './status';

/** Languages the server has grammars for (server/ghostline/syntax/languages.py). */
export const LANGUAGES = [
  'python', 'javascript', 'javascriptreact', 'typescript', 'typescriptreact', 'rust', 'go', 'java', 'c', 'cpp', 'lua',
  'shellscript',
];
const STATES: readonly string[] = ['starting', 'loading', 'ready', 'slow', 'offline', 'error', 'off'];
/** A cancellable server task shows its notification (with a Cancel button) once it runs this long. */
const TOAST_DELAY_MS = 500;

interface StatusParams {
  state: string;
  message?: string;
  model?: string;
}

export class GhostlineClient implements vscode.Disposable {
  client: LanguageClient | undefined;
  private readonly trace = vscode.window.createOutputChannel('Ghostline Trace');
  /** Where inline completions were asked for (a `ghostline/suggestionReady` may come without a position). */
  private readonly asked = new AskedPositions();
  /** Explicit requests answered empty (the budget ran out) that wait for the suggestion to be ready. */
  private readonly waiter = new ReadyWaiter();

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
    this.showBudget();
    const client = new LanguageClient('ghostline', 'Ghostline', this.serverOptions(found, launch), this.clientOptions());
    this.client = client;
    client.registerProposedFeatures(); // textDocument/inlineCompletion (LSP 3.18) in vscode-languageclient 9
    client.onNotification('ghostline/status', (p: StatusParams) => {
      this.status.setState(STATES.includes(p.state) ? (p.state as State) : 'error', p.message ?? '', p.model);
    });
    client.onNotification('ghostline/suggestionReady', (p: ReadyParams) => this.onSuggestionReady(client, p));
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
    this.showBudget();
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
      middleware: inlineMiddleware(() => this.client, this.status, this.asked, this.waiter),
    };
  }

  private showBudget(): void {
    const { maxLatencyMs, backgroundMs } = budgets();
    this.status.setBudget(maxLatencyMs, backgroundMs);
  }

  /**
   * A suggestion that ran out of budget is ready: when the active editor is still where it was asked for, ask
   * again (VS Code sends an inline-completion request, which the server answers from its cache at once).
   */
  private onSuggestionReady(client: LanguageClient, ready: ReadyParams): void {
    if (this.waiter.notify(ready) > 0) {
      return; // a request held open for it asks again now; triggering as well would cancel that request
    }
    const editor = vscode.window.activeTextEditor;
    if (!editor || this.client !== client || !inlineEnabled()) {
      return;
    }
    const uri = client.code2ProtocolConverter.asUri(editor.document.uri);
    const cursor = editor.selection.active;
    const view = { uri, version: editor.document.version, line: cursor.line, character: cursor.character };
    if (!editor.selection.isEmpty || !shouldRetrigger(ready, view, this.asked.get(ready.uri, ready.version))) {
      return;
    }
    void vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
  }

  /**
   * Show `$/progress` in the status item (this replaces the client's default progress UI, a window progress
   * without a Cancel button); a cancellable task (a code action, possibly waiting for the model) also gets a
   * notification with a Cancel button, which sends `window/workDoneProgress/cancel`.
   */
  private watchProgress(client: LanguageClient): void {
    client.onRequest(WorkDoneProgressCreateRequest.type, ({ token }) => {
      const key = String(token);
      let toast: ProgressToast | undefined;
      const listener = client.onProgress(WorkDoneProgress.type, token, (value) => {
        this.status.progress(key, value);
        if (value.kind === 'begin' && value.cancellable) {
          const cancel = (): void => {
            void client.sendNotification(WorkDoneProgressCancelNotification.type, { token });
          };
          toast = new ProgressToast(value.title, value.message ?? '', cancel);
        } else if (value.kind === 'report' && value.message !== undefined) {
          toast?.update(value.message);
        } else if (value.kind === 'end') {
          toast?.end();
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

/** A cancellable server task as a notification with a Cancel button, shown once it runs TOAST_DELAY_MS. */
export class ProgressToast {
  private message: string;
  private ended = false;
  private report: ((message: string) => void) | undefined;
  private finish: (() => void) | undefined;
  private readonly timer: ReturnType<typeof setTimeout>;

  constructor(title: string, message: string, onCancel: () => void, delayMs = TOAST_DELAY_MS) {
    this.message = message;
    this.timer = setTimeout(() => {
      const options = { location: vscode.ProgressLocation.Notification, title, cancellable: true };
      void vscode.window.withProgress(options, (progress, cancelled) => {
        if (this.ended) {
          return Promise.resolve();
        }
        this.report = (text) => progress.report({ message: text });
        if (this.message) {
          progress.report({ message: this.message });
        }
        cancelled.onCancellationRequested(() => {
          onCancel();
          this.end();
        });
        return new Promise<void>((resolve) => {
          this.finish = resolve;
        });
      });
    }, delayMs);
  }

  update(message: string): void {
    this.message = message;
    this.report?.(message);
  }

  end(): void {
    this.ended = true;
    clearTimeout(this.timer);
    this.finish?.();
    this.finish = undefined;
  }
}

/** What a start runs, as one comparable string. */
function launchKey(found: ServerCommand, launch: ReturnType<typeof launchSettings>): string {
  return JSON.stringify([found.command, found.prefix, launch.args, launch.env]);
}
