// The report's style sheet (inline: the page loads nothing).
export const STYLES = `
body { margin: 0; font: 13px/1.4 system-ui, -apple-system, Segoe UI, sans-serif; color: #1d2430; background: #fbfbfc; }
`;
