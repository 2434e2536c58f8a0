/**
 * Workspace Trust for runs (no `vscode` import, so its decisions are unit-tested under Node). In Restricted Mode the
 * language server runs with `trusted: false`: diagnostics on the open text, no data files read, runs refused. A run
 * asks for trust first. An extension cannot grant trust through the stable API (`workspace.requestWorkspaceTrust` is
 * a proposed API), so the host's request is a modal message that offers VS Code's trust editor; when trust is
 * granted, there or anywhere (`onDidGrantWorkspaceTrust`), the client restarts trusted, and runs wait for that.
 */
export interface TrustHost {
  /** `vscode.workspace.isTrusted`, now. */
  isTrusted(): boolean;
  /** Whether the running language client was started with `trusted: true`. */
  clientTrusted(): boolean;
  /** Restarts the language client, which reads the trust anew. */
  restartClient(): Promise<void>;
  /** Says why `what` ("Solving", …) needs a trusted workspace and offers to open VS Code's trust editor. */
  askForTrust(what: string): Promise<void>;
}

export class TrustGate {
  private restart?: Promise<void>;

  constructor(private readonly host: TrustHost) {}

  /** Trust was granted: restart the client trusted, once however many runs and events ask at the same time. */
  granted(): Promise<void> {
    if (this.host.clientTrusted()) return Promise.resolve();
    this.restart ??= this.host.restartClient().finally(() => (this.restart = undefined));
    return this.restart;
  }

  /** Before a run of `what`: true when it may go ahead (the client then runs trusted), false after saying why not. */
  async allow(what: string): Promise<boolean> {
    if (!this.host.isTrusted()) {
      await this.host.askForTrust(what);
      if (!this.host.isTrusted()) return false;
    }
    await this.granted();
    return true;
  }
}
