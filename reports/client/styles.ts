// The report's style sheet (inline: the page loads nothing). Light theme, system font,
// dense. Status colours are Okabe–Ito (colour-blind safe): ok bluish green #009e73, fail
// vermillion #d55e00, info orange #e69f00, open grey; pass/fail/undecided verdicts reuse them.
export const STYLES = `
:root { --fg: #1d2430; --muted: #5b6472; --line: #dde1e7; --bg: #fbfbfc; --panel: #ffffff;
  --ok: #009e73; --fail: #d55e00; --info: #e69f00; --open: #8a8f98; --accent: #0072b2; --cx: #c8102e; }
* { box-sizing: border-box; }
body { margin: 0; font: 13px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
#app { display: flex; flex-direction: column; gap: 10px; padding: 10px 14px 24px; max-width: 100%; }
#app > section, #app > header { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; min-width: 0; }
code, pre, .fl-log-row { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
pre { margin: 0; white-space: pre-wrap; word-break: break-word; }
button { font: inherit; font-size: 12px; padding: 2px 9px; border: 1px solid #c3c9d2; border-radius: 4px; background: #f5f6f8; color: var(--fg); cursor: pointer; }
button:hover { background: #eceef2; }
button:focus-visible, a:focus-visible, input:focus-visible, select:focus-visible { outline: 2px solid var(--accent); outline-offset: 1px; }
a { color: var(--accent); }
.fl-section-title { font-size: 14px; margin: 0 10px 0 0; font-weight: 600; }
.fl-error { color: var(--fail); padding: 16px; }

/* Summary */
.fl-summary-top { display: flex; align-items: center; gap: 14px; }
.fl-verdict { font-size: 26px; font-weight: 800; letter-spacing: 0.04em; color: #fff; padding: 6px 16px; border-radius: 6px; flex: none; }
.fl-verdict-pass { background: var(--ok); }
.fl-verdict-fail { background: var(--fail); }
.fl-verdict-undecided { background: #6b5b95; }
.fl-ident { min-width: 0; }
.fl-scenario { font-size: 20px; margin: 0 0 4px; overflow-wrap: anywhere; }
.fl-run-title { color: var(--muted); font-weight: 400; }
.fl-facts { display: flex; flex-wrap: wrap; gap: 4px 14px; color: var(--muted); }
.fl-fact { display: inline-flex; gap: 5px; align-items: baseline; }
.fl-fact-key { font-size: 11px; text-transform: uppercase; letter-spacing: 0.04em; }
.fl-fact-value { color: var(--fg); overflow-wrap: anywhere; }
.fl-bug { background: #fde8dc; color: #8a3200; border-radius: 3px; padding: 0 6px; font-family: ui-monospace, monospace; font-size: 12px; }
.fl-none { color: var(--muted); }
.fl-why { margin-top: 10px; }
.fl-jump { font-weight: 600; }
.fl-violations { margin: 6px 0 0; padding-left: 22px; }
.fl-violation { margin: 0 0 6px; }
.fl-violation-head { display: flex; gap: 10px; align-items: baseline; flex-wrap: wrap; }
.fl-violation-property { font-weight: 700; color: var(--fail); }
.fl-violation-where { color: var(--muted); }
.fl-violation-message { background: #fff5ef; border-left: 3px solid var(--fail); padding: 4px 8px; margin-top: 2px; }
.fl-stack summary { cursor: pointer; color: var(--muted); }
.fl-undecided { background: #f1eef8; border-left: 3px solid #6b5b95; padding: 4px 8px; }
.fl-pass-line { color: var(--ok); font-weight: 600; margin: 0; }
.fl-lin { margin: 4px 0 0; color: var(--muted); }
.fl-lin-not-linearizable { color: var(--fail); }
.fl-history-invalid { color: var(--fail); }
.fl-observations { margin: 6px 0 0; padding-left: 18px; color: var(--info); }
.fl-observation { margin: 2px 0; }
.fl-summary-bottom { display: grid; grid-template-columns: minmax(0, 1.2fr) minmax(0, 1fr) auto; gap: 10px 18px; margin-top: 10px; align-items: start; }
@media (max-width: 1000px) { .fl-summary-bottom { grid-template-columns: 1fr; } }
.fl-command { display: flex; align-items: center; gap: 8px; margin-bottom: 4px; }
.fl-command-label { width: 48px; color: var(--muted); font-size: 11px; text-transform: uppercase; }
.fl-command-text { flex: 1; min-width: 0; background: #f2f4f7; border: 1px solid var(--line); border-radius: 4px; padding: 3px 6px; overflow-x: auto; white-space: nowrap; }
.fl-figures { margin: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 2px 14px; }
.fl-figure { display: flex; gap: 8px; }
.fl-figure dt { color: var(--muted); min-width: 104px; flex: none; }
.fl-figure dd { margin: 0; overflow-wrap: anywhere; }
.fl-downloads { display: flex; flex-direction: column; gap: 4px; align-items: flex-start; }
.fl-perfetto-error { color: var(--fail); max-width: 320px; }

/* Client history */
.fl-history-bar { display: flex; align-items: center; gap: 12px; flex-wrap: wrap; margin-bottom: 6px; }
.fl-legend { display: inline-flex; gap: 10px; color: var(--muted); }
.fl-legend-item { display: inline-flex; align-items: center; gap: 4px; }
.fl-swatch { width: 12px; height: 8px; border-radius: 2px; display: inline-block; }
.fl-history-hint { color: var(--muted); font-size: 11px; margin-left: auto; }
.fl-history-canvas-wrap { position: relative; width: 100%; }
.fl-history-canvas { display: block; cursor: grab; }
.fl-op-tooltip { position: absolute; z-index: 5; pointer-events: none; background: #fff; border: 1px solid #b9c0ca; border-radius: 4px; padding: 5px 8px; box-shadow: 0 2px 8px rgba(0,0,0,0.12); max-width: 460px; font-size: 12px; }
.fl-tip-line { display: flex; gap: 8px; }
.fl-tip-key { color: var(--muted); min-width: 64px; }
.fl-tip-value { font-family: ui-monospace, monospace; overflow-wrap: anywhere; }
.fl-empty { color: var(--muted); }
.fl-counterexample { margin-top: 10px; border-top: 1px solid var(--line); padding-top: 8px; }
.fl-cx-title { font-size: 13px; margin: 0 0 6px; }
.fl-cx-failing { border: 2px solid var(--cx); border-radius: 4px; padding: 4px 8px; display: inline-block; background: #fff4f5; }
.fl-cx-badge { color: #fff; background: var(--cx); border-radius: 3px; padding: 0 6px; margin-right: 8px; font-size: 11px; font-weight: 600; }
.fl-cx-reason { color: var(--cx); margin-top: 2px; }
.fl-cx-times { color: var(--muted); font-size: 12px; }
.fl-cx-intro { margin: 8px 0 4px; color: var(--muted); }
.fl-cx-steps { list-style: none; margin: 0; padding: 0; max-height: 280px; overflow-y: auto; border: 1px solid var(--line); border-radius: 4px; }
.fl-cx-steps li { display: grid; grid-template-columns: 44px minmax(0, 1fr) 120px 16px minmax(0, 0.6fr); gap: 6px; padding: 2px 8px; border-bottom: 1px solid #f0f2f5; align-items: baseline; }
.fl-cx-steps li.fl-cx-state { grid-template-columns: 44px 120px minmax(0, 1fr); background: #f6f7f9; }
.fl-cx-at-failure { color: var(--cx); }
.fl-cx-n { color: var(--accent); font-weight: 600; text-align: right; }
.fl-cx-point { color: var(--muted); font-size: 12px; }
.fl-cx-label { color: var(--muted); }
.fl-cx-value { overflow-wrap: anywhere; }
.fl-cx-linked { cursor: pointer; }
.fl-cx-linked:hover { background: #e8f2fa; }
.fl-cx-pending { margin-top: 6px; display: flex; flex-wrap: wrap; gap: 4px; align-items: center; }
.fl-cx-chip { background: #eef0f3; border-radius: 3px; padding: 0 6px; font-family: ui-monospace, monospace; font-size: 12px; }

/* Event log */
.fl-log-bar { display: flex; align-items: center; gap: 10px; flex-wrap: wrap; margin-bottom: 6px; }
.fl-log-search { flex: 1 1 320px; min-width: 200px; font: inherit; padding: 3px 8px; border: 1px solid #c3c9d2; border-radius: 4px; }
.fl-log-bar select { font: inherit; font-size: 12px; padding: 2px 4px; }
.fl-log-causal { color: var(--muted); user-select: none; }
.fl-log-count { color: var(--muted); font-variant-numeric: tabular-nums; }
.fl-log-note { color: var(--fail); }
.fl-log-scroll { position: relative; height: 420px; min-height: 120px; resize: vertical; overflow-y: auto; overflow-x: hidden; border: 1px solid var(--line); border-radius: 4px; outline: none; }
.fl-log-spacer { width: 1px; }
.fl-log-row { display: grid; grid-template-columns: 110px 56px 64px minmax(120px, 0.9fr) minmax(0, 2fr); gap: 8px; height: 20px; line-height: 20px; padding: 0 8px; white-space: nowrap; }
.fl-log-scroll .fl-log-row { position: absolute; left: 0; right: 0; cursor: pointer; border-bottom: 1px solid #f1f2f5; }
.fl-log-row > span { overflow: hidden; text-overflow: ellipsis; }
.fl-log-head { color: var(--muted); font-family: inherit; font-size: 11px; text-transform: uppercase; padding-right: 24px; }
.fl-log-t { text-align: right; font-variant-numeric: tabular-nums; color: var(--muted); }
.fl-log-body { color: #6b7380; }
.fl-log-scroll .fl-log-row:hover, .fl-log-row.fl-hovered { background: #eef5fb; }
.fl-log-row.fl-selected { background: #d6e8f7; box-shadow: inset 3px 0 0 var(--accent); }
.fl-log-detail { margin-top: 6px; border: 1px solid var(--line); border-radius: 4px; padding: 4px 8px; background: #fafbfc; max-height: 220px; overflow: auto; }
.fl-log-detail-head { color: var(--muted); }
.fl-log-detail-head strong { color: var(--fg); }
.fl-log-detail-body { margin-top: 3px; }
.fl-log-detail-empty { color: var(--muted); }
.fl-cx-hot { background: #fde2e4 !important; }
.fl-kind-send, .fl-kind-deliver { color: var(--accent); }
.fl-kind-drop, .fl-kind-crash, .fl-kind-fault { color: var(--fail); }
.fl-kind-state { color: #6b5b95; }
.fl-kind-op { color: var(--ok); }
`;
