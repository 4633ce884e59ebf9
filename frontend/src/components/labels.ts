// Labels as people type them: one `key=value` per line.

export const labelsText = (labels: Record<string, string>) =>
  Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n');

/** The labels of the text, and the lines that are not `key=value` (for a form to refuse, or to ignore). */
export function parseLabels(text = ''): { labels: Record<string, string>; bad: string[] } {
  const labels: Record<string, string> = {};
  const bad: string[] = [];
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .forEach((l) => {
      const i = l.indexOf('=');
      if (i > 0 && l.slice(i + 1).trim()) labels[l.slice(0, i).trim()] = l.slice(i + 1).trim();
      else bad.push(l);
    });
  return { labels, bad };
}
