/**
 * Next edits: after a pause in typing, asks `ghostline/nextEdit` and shows the next edit where it is (the old text
 * struck through, the new text after it; out of view, a status-bar hint). Tab applies it, moves there and shows the
 * one after; Escape hides it (keybindings in package.json, when `ghostline.nextEditVisible`).
 */
import * as vscode from 'vscode';
import { LanguageClient, State } from 'vscode-languageclient/node';

export const REQUEST = 'ghostline/nextEdit';
const CONTEXT_KEY = 'ghostline.nextEditVisible';
/** Wait this long after the last change before asking (typing a name: ask once it is typed). */
const DEBOUNCE_MS = 400;

interface WireEdit {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  text: string;
  textDocument: { uri: string; version: number };
}

interface Shown {
  editor: vscode.TextEditor;
  range: vscode.Range;
  text: string;
  version: number;
}

export class NextEdits implements vscode.Disposable {
  private readonly old = vscode.window.createTextEditorDecorationType({
    textDecoration: 'line-through',
    overviewRulerColor: new vscode.ThemeColor('editorGhostText.foreground'),
    overviewRulerLane: vscode.OverviewRulerLane.Center,
  });
  private readonly added = vscode.window.createTextEditorDecorationType({});
  private readonly hint = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 99);
  private readonly disposables: vscode.Disposable[] = [];
  private shown: Shown | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private asked = 0;

  constructor(
    private readonly client: () => LanguageClient | undefined,
    private readonly languages: readonly string[],
  ) {
    this.disposables.push(
      vscode.workspace.onDidChangeTextDocument((e) => this.changed(e.document)),
      vscode.window.onDidChangeActiveTextEditor(() => this.dismiss()),
    );
  }

  /** A document changed: what is shown is stale; ask again once typing pauses. */
  private changed(document: vscode.TextDocument): void {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document !== document || !this.languages.includes(document.languageId)) {
      return;
    }
    this.dismiss();
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.request(editor), DEBOUNCE_MS);
  }

  /** Ask for the next edit at the cursor and show the first one (when the document did not change meanwhile). */
  async request(editor: vscode.TextEditor): Promise<void> {
    const client = this.client();
    if (!client || client.state !== State.Running || editor.document.isClosed) {
      return;
    }
    const asked = ++this.asked;
    const version = editor.document.version;
    const params = {
      textDocument: { uri: client.code2ProtocolConverter.asUri(editor.document.uri) },
      position: client.code2ProtocolConverter.asPosition(editor.selection.active),
    };
    let edits: WireEdit[] = [];
    try {
      edits = ((await client.sendRequest(REQUEST, params)) as { edits?: WireEdit[] } | null)?.edits ?? [];
    } catch {
      return;
    }
    const edit = edits.find((e) => e.textDocument.uri === params.textDocument.uri); // this document's first
    if (asked !== this.asked || editor.document.version !== version || !edit || edit.textDocument.version !== version) {
      return;
    }
    this.show(editor, client.protocol2CodeConverter.asRange(edit.range), edit.text, version);
  }

  private show(editor: vscode.TextEditor, range: vscode.Range, text: string, version: number): void {
    this.dismiss();
    const color = new vscode.ThemeColor('editorGhostText.foreground');
    editor.setDecorations(this.old, [range]);
    editor.setDecorations(this.added, [
      { range: new vscode.Range(range.end, range.end), renderOptions: { after: { contentText: text, color, fontStyle: 'italic' } } },
    ]);
    this.shown = { editor, range, text, version };
    void vscode.commands.executeCommand('setContext', CONTEXT_KEY, true);
    if (!editor.visibleRanges.some((visible) => visible.contains(range))) {
      this.hint.text = `$(arrow-right) Ghostline: next edit at line ${range.start.line + 1} (Tab)`;
      this.hint.show();
    }
  }

  /** Apply the next edit shown, move the cursor to it, and ask for the one after. */
  async apply(): Promise<boolean> {
    const shown = this.shown;
    this.dismiss();
    if (!shown || shown.editor.document.version !== shown.version) {
      return false;
    }
    const { editor, range, text } = shown;
    const done = await editor.edit((builder) => builder.replace(range, text));
    if (done) {
      editor.selection = new vscode.Selection(range.start, range.start);
      editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    }
    return done;
  }

  /** Hide the next edit. */
  dismiss(): void {
    if (this.shown) {
      this.shown.editor.setDecorations(this.old, []);
      this.shown.editor.setDecorations(this.added, []);
      this.shown = undefined;
      void vscode.commands.executeCommand('setContext', CONTEXT_KEY, false);
    }
    this.hint.hide();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.dismiss();
    for (const d of [...this.disposables, this.old, this.added, this.hint]) d.dispose();
  }
}
