// The test API that activate() returns (see src/extension.ts), typed for the editor suites.
import type { EgressLensApi } from '../../../src/extension';
import { activate, waitFor } from './helpers';

export type { EgressLensApi };

export async function api(): Promise<EgressLensApi> {
  return activate<EgressLensApi>();
}

/** Waits for the demo's flow logs and inventory (auto-loaded on activation) to be analysed. */
export async function loadedApi(): Promise<EgressLensApi> {
  const a = await api();
  await waitFor(() => a.state.analysis, (x) => !!x && x.flows.length > 0 && !!a.state.inventory, { timeoutMs: 30_000, message: 'auto-loaded flow data' });
  return a;
}
