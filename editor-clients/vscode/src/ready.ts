/**
 * `ghostline/suggestionReady`: a suggestion whose request ran out of time budget landed later. Whether the
 * editor should ask again (the server answers that request from its cache at once). Pure logic, no `vscode`.
 */

export interface Position {
  line: number;
  character: number;
}

/** The notification's params. `position` is null when the document changed since the request. */
export interface ReadyParams {
  uri: string;
  version?: number | null;
  position?: Position | null;
}

/** The active editor: its document and its cursor. */
export interface View extends Position {
  uri: string;
  version: number;
}

/** Where inline completions were last asked for, per document version (the middleware records them). */
export class AskedPositions {
  private readonly asked = new Map<string, Position>();

  constructor(private readonly keep = 32) {}

  note(uri: string, version: number, position: Position): void {
    const key = `${version}@${uri}`;
    this.asked.delete(key);
    this.asked.set(key, { line: position.line, character: position.character });
    while (this.asked.size > this.keep) {
      const oldest = this.asked.keys().next().value as string;
      this.asked.delete(oldest);
    }
  }

  get(uri: string, version: number | null | undefined): Position | undefined {
    return typeof version === 'number' ? this.asked.get(`${version}@${uri}`) : undefined;
  }
}

/**
 * Lines the cursor may have moved down by typing since a suggestion was asked for, and still ask again: the
 * server lets a request a few characters further on (newlines included) wait for the generation in flight, so
 * the suggestion that lands may be the one the cursor's place is waiting for.
 */
export const LINES_AHEAD = 3;

/**
 * Ask again when the editor shows that document and the suggestion may still belong where the cursor is: on
 * the line it was asked for, at or after that place (what was typed since is matched by the server's cache),
 * or, once the document changed, a few lines further on (typed ahead). With no place known (neither in the
 * notification nor recorded) the document version must still be the same.
 */
export function shouldRetrigger(ready: ReadyParams, view: View | undefined, asked?: Position): boolean {
  if (!view || view.uri !== ready.uri) {
    return false;
  }
  const at = ready.position ?? asked;
  if (!at) {
    return typeof ready.version !== 'number' || view.version === ready.version;
  }
  if (view.line === at.line) {
    return view.character >= at.character;
  }
  const typedAhead = typeof ready.version === 'number' && view.version !== ready.version;
  return typedAhead && view.line > at.line && view.line - at.line <= LINES_AHEAD;
}

/**
 * Requests that wait for a `ghostline/suggestionReady` of their document. VS Code does not send an explicit
 * request again at the same place and document version once one was answered (empty, the budget having run
 * out): such a request is held open until the suggestion is ready, then asked again.
 */
export class ReadyWaiter {
  private readonly waiting = new Set<{ uri: string; done: (ready: boolean) => void }>();

  /** A suggestion is ready: release the requests of that document; how many were released. */
  notify(ready: ReadyParams): number {
    let released = 0;
    for (const entry of [...this.waiting]) {
      if (entry.uri === ready.uri) {
        entry.done(true);
        released += 1;
      }
    }
    return released;
  }

  /** True once a suggestion of `uri` is ready; false after `timeoutMs` or when `cancelled` calls back. */
  wait(uri: string, timeoutMs: number, cancelled?: (stop: () => void) => { dispose(): unknown }): Promise<boolean> {
    return new Promise((resolve) => {
      let listener: { dispose(): unknown } | undefined;
      const entry = {
        uri,
        done: (ready: boolean): void => {
          clearTimeout(timer);
          listener?.dispose();
          this.waiting.delete(entry);
          resolve(ready);
        },
      };
      const timer = setTimeout(() => entry.done(false), timeoutMs);
      this.waiting.add(entry);
      listener = cancelled?.(() => entry.done(false));
    });
  }

  /** How many requests wait. */
  get size(): number {
    return this.waiting.size;
  }
}
