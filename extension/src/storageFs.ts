/** The results histories' folder through `vscode.workspace.fs` (local or remote, as the extension host sees it). */
import * as vscode from 'vscode';
import type { StorageFs } from './historyStore';

const notFound = (e: unknown) => e instanceof vscode.FileSystemError && e.code === 'FileNotFound';

export function storageFs(folder: vscode.Uri): StorageFs {
  const fs = vscode.workspace.fs;
  const at = (name: string) => vscode.Uri.joinPath(folder, name);
  return {
    list: async () => {
      let entries: [string, vscode.FileType][];
      try {
        entries = await fs.readDirectory(folder);
      } catch (e) {
        if (notFound(e)) return [];
        throw e;
      }
      const files = entries.filter(([, type]) => type === vscode.FileType.File).map(([name]) => name);
      return Promise.all(files.map(async (name) => ({ name, mtime: (await fs.stat(at(name))).mtime })));
    },
    size: async (name) => {
      try {
        return (await fs.stat(at(name))).size;
      } catch (e) {
        if (notFound(e)) return undefined;
        throw e;
      }
    },
    read: (name) => Promise.resolve(fs.readFile(at(name))),
    write: async (name, data) => {
      await fs.createDirectory(folder);
      await fs.writeFile(at(name), data);
    },
    rename: (from, to) => Promise.resolve(fs.rename(at(from), at(to), { overwrite: true })),
    remove: async (name) => {
      try {
        await fs.delete(at(name), { useTrash: false });
      } catch (e) {
        if (!notFound(e)) throw e;
      }
    },
    where: (name) => (folder.scheme === 'file' ? at(name).fsPath : at(name).toString()),
  };
}
