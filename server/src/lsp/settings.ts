/** The user's settings as the server reads them (section "netpolLens"). */
import type { SeveritySetting } from '../core';

export interface ServerSettings {
  readonly enable: boolean;
  readonly severity: Readonly<Record<string, SeveritySetting>>;
  /** Publish the findings of workspace files that are not open (netpolLens.workspaceDiagnostics). */
  readonly workspaceDiagnostics: boolean;
  /** netpolLens.assertions.showPassing: a "✓ holds" code lens over each passing assertion. */
  readonly showPassing: boolean;
}

export const DEFAULT_SETTINGS: ServerSettings = { enable: true, severity: {}, workspaceDiagnostics: true, showPassing: true };

const SEVERITIES = new Set(['error', 'warning', 'info', 'hint', 'off']);

/** Accepts whatever the client sends and keeps only well-formed values. */
export function readSettings(raw: unknown): ServerSettings {
  const obj = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const severity: Record<string, SeveritySetting> = {};
  const sev = obj.severity;
  if (sev && typeof sev === 'object') {
    for (const [k, v] of Object.entries(sev as Record<string, unknown>)) {
      if (typeof v === 'string' && SEVERITIES.has(v)) severity[k.toUpperCase()] = v as SeveritySetting;
    }
  }
  const assertions = (obj.assertions && typeof obj.assertions === 'object' ? obj.assertions : {}) as Record<string, unknown>;
  return { enable: obj.enable !== false, severity, workspaceDiagnostics: obj.workspaceDiagnostics !== false, showPassing: assertions.showPassing !== false };
}
