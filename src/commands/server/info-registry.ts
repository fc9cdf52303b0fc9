/**
 * INFO sections as data: each section is a name and a provider of `key:value` lines, so other
 * layers (replication: `replication`, `raft`) add or replace sections without touching INFO.
 * Rendered as Redis does: `# Title` headers, `k:v` lines ending in CRLF, a blank line between
 * sections.
 */
import type { InfoProvider, InfoRegistry, InfoSectionOptions } from '../context.js';

interface Section {
  readonly title: string;
  readonly provider: InfoProvider;
  readonly inDefault: boolean;
}

/** Titles Redis spells other than by capitalising the name. */
const TITLES: Record<string, string> = { cpu: 'CPU' };

export class InfoSections implements InfoRegistry {
  private readonly sections = new Map<string, Section>();

  registerInfoSection(name: string, provider: InfoProvider, options?: InfoSectionOptions): void {
    const key = name.toLowerCase();
    const title = TITLES[key] ?? key.charAt(0).toUpperCase() + key.slice(1);
    this.sections.set(key, { title, provider, inDefault: options?.inDefault ?? true });
  }

  /** Section names are matched case-insensitively; unknown names contribute nothing. */
  render(requested: readonly string[]): string {
    const names = requested.length === 0 ? ['default'] : requested.map((n) => n.toLowerCase());
    const everything = names.includes('all') || names.includes('everything');
    const defaults = names.includes('default');
    const parts: string[] = [];
    for (const [key, section] of this.sections) {
      if (everything || (defaults && section.inDefault) || names.includes(key))
        parts.push(renderSection(section));
    }
    return parts.join('\r\n');
  }
}

function renderSection(section: Section): string {
  let text = `# ${section.title}\r\n`;
  for (const [key, value] of section.provider()) text += `${key}:${value}\r\n`;
  return text;
}

/** Redis bytesToHuman: `0B`, `1023B`, `1.49M`, `23.54G`. */
export function bytesToHuman(bytes: number): string {
  const units = ['K', 'M', 'G', 'T', 'P'];
  if (bytes < 1024) return `${bytes}B`;
  let value = bytes / 1024;
  for (const unit of units) {
    if (value < 1024 || unit === 'P') return `${value.toFixed(2)}${unit}`;
    value /= 1024;
  }
  return `${bytes}B`;
}
