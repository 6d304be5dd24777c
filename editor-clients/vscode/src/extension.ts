/** Ghostline for VS Code: runs `ghostline serve` and wires its completions, actions, commands and status. */
import * as vscode from 'vscode';
import { GhostlineClient, LANGUAGES } from './client';
import { registerCommands } from './commands';
import { NextEdits } from './nextedit';
import { StatusItem } from './status';

let ghost: GhostlineClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('Ghostline');
  const status = new StatusItem();
  ghost = new GhostlineClient(output, status);
  context.subscriptions.push(output, status);
  registerCommands(context, ghost, output);
  const client = ghost;
  const nextEdits = new NextEdits(() => client.client, LANGUAGES);
  context.subscriptions.push(
    nextEdits,
    vscode.commands.registerCommand('ghostline.applyNextEdit', () => nextEdits.apply()),
    vscode.commands.registerCommand('ghostline.dismissNextEdit', () => nextEdits.dismiss()),
  );
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      void client.onConfigurationChanged(e);
    }),
    // Restricted Mode runs no server of the workspace's own; once it is trusted, that one may start.
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      void client.onTrustGranted().catch((err: unknown) => output.appendLine(`Ghostline failed to start: ${String(err)}`));
    }),
  );
  await ghost.start().catch((err: unknown) => output.appendLine(`Ghostline failed to start: ${String(err)}`));
}

export async function deactivate(): Promise<void> {
  await ghost?.stop();
  ghost = undefined;
}
