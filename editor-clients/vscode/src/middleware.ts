/** Fixes vscode-languageclient 9.0.1's forwarding of inline-completion requests, marks them busy, notes where. */
import * as vscode from 'vscode';
import type { LanguageClient, Middleware } from 'vscode-languageclient/node';
import type { AskedPositions, ReadyWaiter } from './ready';
import { budgets, inlineEnabled } from './settings';
import type { StatusItem } from './status';

/**
 * vscode-languageclient 9.0.1 forwards VS Code's context unconverted:
 * - VS Code's triggerKind is Invoke=0, Automatic=1; LSP's is Invoked=1, Automatic=2;
 * - selectedCompletionInfo.range is a vscode.Range, which serialises as [start, end] (pygls: Invalid Params).
 */
export function inlineMiddleware(
  getClient: () => LanguageClient | undefined,
  status: StatusItem,
  asked?: AskedPositions,
  waiter?: ReadyWaiter,
): Middleware {
  return {
    provideInlineCompletionItems: async (document, position, context, token, next) => {
      const client = getClient();
      if (!client || !inlineEnabled()) {
        return null;
      }
      const selected = context.selectedCompletionInfo;
      const fixed = {
        triggerKind: context.triggerKind + 1,
        selectedCompletionInfo: selected
          ? { text: selected.text, range: client.code2ProtocolConverter.asRange(selected.range) }
          : undefined,
      };
      const uri = client.code2ProtocolConverter.asUri(document.uri);
      const version = document.version;
      asked?.note(uri, version, position);
      status.busy(+1);
      try {
        const ask = () => next(document, position, fixed as unknown as vscode.InlineCompletionContext, token);
        const started = Date.now();
        const result = await ask();
        // An explicit request (the suggestionReady re-trigger, or the user's) answered empty because the time
        // budget ran out: VS Code will not ask again here, so wait for the suggestion and ask for it now.
        const { maxLatencyMs, backgroundMs } = budgets();
        const cut = empty(result) && Date.now() - started >= maxLatencyMs;
        if (!waiter || !cut || context.triggerKind !== vscode.InlineCompletionTriggerKind.Invoke || !backgroundMs) {
          return result;
        }
        const ready = await waiter.wait(uri, backgroundMs + 1000, (stop) => token.onCancellationRequested(stop));
        return ready && !token.isCancellationRequested && document.version === version ? await ask() : result;
      } finally {
        status.busy(-1);
      }
    },
  };
}

function empty(result: vscode.InlineCompletionList | vscode.InlineCompletionItem[] | null | undefined): boolean {
  const items = Array.isArray(result) ? result : result?.items;
  return !items || items.length === 0;
}
