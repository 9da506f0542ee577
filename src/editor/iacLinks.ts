/**
 * Where deployed security groups live in code: sg-id → locations of the Terraform/CloudFormation
 * resources linked to it (the IaC analysis supplies the links, from terraform.tfstate, tags or
 * names). Filled by the diagnostics feature as documents are analysed; read by "Reveal in code",
 * hovers and the costly-outbound diagnostics.
 */
import * as vscode from 'vscode';

export interface LinkedGroup {
  uri: string;
  /** Terraform address or CloudFormation logical id. */
  address: string;
  range: vscode.Range;
}

export class IacLinks {
  private readonly byDoc = new Map<string, Map<string, LinkedGroup[]>>();
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;

  /** Replaces the links found in one document. */
  set(uri: string, links: Map<string, LinkedGroup[]> | undefined): void {
    if (links && links.size) this.byDoc.set(uri, links);
    else if (!this.byDoc.delete(uri)) return;
    this.emitter.fire();
  }

  locate(groupId: string): LinkedGroup[] {
    const out: LinkedGroup[] = [];
    for (const m of this.byDoc.values()) out.push(...(m.get(groupId) ?? []));
    return out;
  }

  /** Deployed ids linked to a resource of a document. */
  idsOf(uri: string, address: string): string[] {
    const m = this.byDoc.get(uri);
    if (!m) return [];
    return [...m.entries()].filter(([, v]) => v.some((l) => l.address === address)).map(([k]) => k);
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
