/**
 * The server's analyses with what the workspace allows: run requests read closed documents only from inside the
 * workspace folders, and in a workspace the user has not trusted (Workspace Trust) load() reads nothing.
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Analysis } from '../language/analyze';
import type { FileAccess } from '../language/datafiles';
import { Analyses } from './analyses';

export class WorkspaceAnalyses extends Analyses {
  constructor(
    publish: (doc: TextDocument, a: Analysis) => void,
    debounceMs: number,
    /** The workspace folders (absolute paths); none when the editor opened loose files. */
    readonly folders: () => string[],
    /** Fixed at initialize: the client restarts the server when the user grants trust. */
    readonly trusted: boolean,
  ) {
    super(publish, debounceMs, folders);
  }

  override files(uri: string): FileAccess | undefined {
    const access = super.files(uri);
    return access && { ...access, trusted: this.trusted };
  }
}
