/** Fixes vscode-languageclient 9.0.1's forwarding of inline-completion requests, and marks them busy. */
import * as vscode from 'vscode';
import type { LanguageClient, Middleware } from 'vscode-languageclient/node';
import { inlineEnabled } from './settings';
import type { StatusItem } from './status';

/**
 * vscode-languageclient 9.0.1 forwards VS Code's context unconverted:
 * - VS Code's triggerKind is Invoke=0, Automatic=1; LSP's is Invoked=1, Automatic=2;
 * - selectedCompletionInfo.range is a vscode.Range, which serialises as [start, end] (pygls: Invalid Params).
 */
export function inlineMiddleware(getClient: () => LanguageClient | undefined, status: StatusItem): Middleware {
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
      status.busy(+1);
      try {
        return await next(document, position, fixed as unknown as vscode.InlineCompletionContext, token);
      } finally {
        status.busy(-1);
      }
    },
  };
}
